"""The front's render task when the front is off (registry/front.py)."""

import os

import pytest
from django.core.signals import request_finished, request_started
from django.db import close_old_connections

from registry import front


@pytest.mark.integration
@pytest.mark.django_db
def test_a_render_queued_while_the_front_was_on_writes_nothing_once_it_is_off(
    settings, tmp_path, monkeypatch, publish
):
    publish("tidewater", "1.0")
    settings.WHARF_FRONT_DIR = ""
    workdir = tmp_path / "workdir"
    workdir.mkdir()
    monkeypatch.chdir(workdir)  # an empty directory setting must not mean the working directory

    assert front.render("tidewater") is False
    assert front.render(None) is False
    assert list(workdir.iterdir()) == []


def render(name: str) -> bool:
    """front.render, whose WSGI requests to Django would otherwise close the test's connection (their
    request signals; the test client disconnects them the same way)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        return front.render(name)
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.mark.integration
@pytest.mark.django_db
def test_a_new_version_is_linked_and_the_superseded_one_goes(settings, tmp_path, monkeypatch, publish):
    directory = tmp_path / "front"
    settings.WHARF_FRONT_DIR = str(directory)
    publish("tidewater", "1.0")
    assert render("tidewater") is True
    first = os.readlink(directory / "tidewater")
    monkeypatch.setattr(front, "KEEP_OLD_SECONDS", -1)  # every superseded version is old enough to go

    publish("tidewater", "2.0")
    assert render("tidewater") is True

    current = os.readlink(directory / "tidewater")
    assert current != first and current.startswith(".tidewater.")  # a sibling: one lookup for nginx
    assert b"tidewater-2.0" in (directory / current / "p.html").read_bytes()
    assert sorted(path.name for path in directory.glob(".tidewater*")) == [".tidewater", current]
    records = {path.name for path in (directory / ".tidewater").iterdir()}
    assert records == {front.MANIFEST, current.removeprefix(".tidewater.")}
