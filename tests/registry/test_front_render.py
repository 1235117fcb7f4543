"""The front's render task when the front is off (registry/front.py)."""

import pytest

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
