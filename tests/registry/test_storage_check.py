"""`check_storage [--repair]`, storage intents and their sweep: no stored bytes without a row, no row without
its bytes, whatever point an upload stopped at."""

import os
import subprocess
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from registry import storage
from registry.models import File, JournalEntry, StorageIntent
from registry.services.intents import intent_open, intents_sweep
from registry.services.storage_check import storage_check
from tests import builders
from tests.conftest import stored_paths

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

STRAY = "ab/cd/" + "e" * 60 + "/stray-1.0-py3-none-any.whl"


@pytest.fixture
def wheel(upload, alice_token) -> File:
    assert upload(builders.wheel("demo", "1.0"), token=alice_token).status_code == 200
    assert upload(builders.sdist("demo", "1.0"), token=alice_token).status_code == 200
    return File.objects.get(filename="demo-1.0-py3-none-any.whl")


def dead_pid() -> int:
    child = subprocess.Popen(["true"])
    child.wait()
    return child.pid


def check(*args) -> tuple[int, str]:
    from io import StringIO

    out = StringIO()
    try:
        call_command("check_storage", *args, stdout=out)
    except CommandError as error:
        return 1, out.getvalue() + str(error)
    return 0, out.getvalue()


def test_uploads_leave_storage_consistent(wheel):
    status, output = check()
    assert status == 0, output
    assert output == "Storage is consistent: 2 files, 3 stored paths checked.\n"
    assert not StorageIntent.objects.exists()


def test_unclaimed_bytes_are_reported_then_deleted(wheel):
    storage.store_bytes(b"left by a crash", path=STRAY)
    status, output = check()
    assert status == 1
    assert f"no row: {STRAY}" in output and "run `python manage.py check_storage --repair`" in output
    assert check("--repair")[0] == 0
    assert STRAY not in stored_paths() and wheel.path in stored_paths()
    assert check() == (0, "Storage is consistent: 2 files, 3 stored paths checked.\n")


def test_missing_metadata_is_rebuilt_from_the_wheel(wheel):
    before = storage.open_stored(f"{wheel.path}.metadata").read()
    storage.delete_stored(f"{wheel.path}.metadata")
    assert storage_check().missing_metadata == [wheel.filename]
    report = storage_check(repair=True)
    assert report.repaired == [f"rebuilt {wheel.path}.metadata from its wheel"]
    assert storage.open_stored(f"{wheel.path}.metadata").read() == before
    assert storage_check().clean


def test_a_file_whose_bytes_are_gone_is_removed_and_journaled(wheel, client):
    storage.delete_stored(wheel.path, f"{wheel.path}.metadata")
    assert storage_check().missing == [wheel.filename]
    assert storage_check(repair=True).repaired == [
        f"removed the row of {wheel.filename}, whose bytes are gone"
    ]
    assert not File.objects.filter(pk=wheel.pk).exists()
    assert JournalEntry.objects.latest("id").action == f"remove file {wheel.filename}"
    assert wheel.filename not in client.get("/simple/demo/").content.decode()
    assert storage_check().clean


def test_bytes_of_an_upload_under_way_are_left_alone(wheel):
    storage.store_bytes(b"being uploaded", path=STRAY)
    intent_open(path=STRAY)  # this (live) process is storing it
    assert storage_check(repair=True).clean
    assert STRAY in stored_paths()


def test_intents_of_dead_processes_are_swept(wheel):
    for path, pid, age in ((STRAY, dead_pid(), timedelta(0)), (STRAY + "2", os.getpid(), timedelta(hours=7))):
        storage.store_bytes(b"stored before a crash", path=path)
        intent_open(path=path)
        StorageIntent.objects.filter(path=path).update(pid=pid, created=timezone.now() - age)
    storage.store_bytes(b"under way", path=STRAY + "3")
    intent_open(path=STRAY + "3")
    # An intent whose path a committed row claims (identical bytes) keeps the bytes.
    intent_open(path=wheel.path)
    StorageIntent.objects.filter(path=wheel.path).update(pid=dead_pid())

    assert intents_sweep() == 3
    assert list(StorageIntent.objects.values_list("path", flat=True)) == [STRAY + "3"]
    assert {STRAY, STRAY + "2"}.isdisjoint(stored_paths()) and wheel.path in stored_paths()


def test_a_failed_upload_removes_its_bytes_and_intent(upload, alice_token, monkeypatch, unchanged):
    from registry.services import uploads

    def fail(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(uploads, "_record_upload", fail)
    with unchanged(), pytest.raises(RuntimeError):
        upload(builders.wheel("demo", "1.0"), token=alice_token)
    assert not StorageIntent.objects.exists()


def test_stored_files_are_written_atomically(settings, tmp_path, monkeypatch):
    """A crash while copying never leaves a half-written file at the final path (it would be trusted)."""
    import shutil

    source = tmp_path / "source.whl"
    source.write_bytes(b"x" * 100_000)

    def cross_device(*args):
        raise OSError("Invalid cross-device link")

    def crash(source_handle, target_handle):
        target_handle.write(b"half")
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "link", cross_device)
    monkeypatch.setattr(shutil, "copyfileobj", crash)
    with pytest.raises(KeyboardInterrupt):
        storage.store_file(source, path=STRAY)
    assert stored_paths() == set()
