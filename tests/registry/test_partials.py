"""Partial uploads: removed on every failure path, swept when their writer died or stalled, capped in room."""

import os
import subprocess
import time

import pytest
from django.conf import settings

from registry.upload import partials
from tests import builders
from tests.conftest import basic_auth, temp_uploads, upload_parts
from tests.multipart import encode

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


def dead_pid() -> int:
    child = subprocess.Popen(["true"])
    child.wait()
    return child.pid


def leave_partial(*, pid: int, size: int = 10, idle: float = 0, name: str | None = None):
    from registry.workers import this_host

    directory = partials.directory()
    path = directory / (name or f"upload-{this_host()}-{pid}-{size}-abcdefgh.part")
    path.write_bytes(b"x" * size)
    if idle:
        os.utime(path, (time.time() - idle, time.time() - idle))
    return path


def test_sweep_removes_what_dead_or_stalled_uploads_left():
    dead = leave_partial(pid=dead_pid())
    stalled = leave_partial(pid=os.getpid(), idle=2 * 3600, name="upload-0000abcd-1-10-stalled.part")
    legacy = leave_partial(pid=0, idle=2 * 3600, name="upload-x1y2z3.part")
    live = leave_partial(pid=os.getpid())
    other_host = leave_partial(pid=dead_pid(), name="upload-0000abcd-1-10-elsewhere.part")
    assert partials.sweep() == (3, 30)
    assert {path.exists() for path in (dead, stalled, legacy)} == {False}
    assert live.exists() and other_host.exists()  # alive here; unknown elsewhere until it stalls


def test_partials_are_capped_in_space(upload, alice_token, settings, unchanged):
    dist = builders.wheel("demo", "1.0")
    settings.WHARF_PARTIAL_UPLOADS_MAX_BYTES = len(dist.content) + 20_000
    leave_partial(pid=os.getpid(), size=20_000)  # another upload, still streaming
    with unchanged():
        response = upload(dist, token=alice_token)
    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    assert (
        response.content == b"The server is receiving too many uploads at once; upload again in a minute.\n"
    )
    # The reservation sweeps first: once that upload's process is gone, there is room again.
    for path in partials.directory().glob("upload-*.part"):
        path.rename(path.with_name(path.name.replace(f"-{os.getpid()}-", f"-{dead_pid()}-")))
    assert upload(dist, token=alice_token).status_code == 200
    assert temp_uploads() == set()


def test_an_interrupted_body_leaves_no_partial(client, alice_token, unchanged):
    body, content_type = encode(upload_parts(builders.wheel("demo", "1.0")))
    auth = {"HTTP_AUTHORIZATION": basic_auth("__token__", alice_token)}
    with unchanged():
        response = client.generic(
            "POST", "/legacy/", body[: len(body) // 2], content_type=content_type, **auth
        )
    assert response.status_code == 400
    assert not list(partials.directory().glob("upload-*.part"))


def test_default_cap_is_ten_files():
    assert settings.WHARF_PARTIAL_UPLOADS_MAX_BYTES == 10 * settings.WHARF_MAX_FILE_SIZE
