"""Celery tasks of the registry run through the configured broker (a real worker on Redis in CI)."""

import logging

import pytest

from registry import storage
from registry.tasks import check_storage
from tests.conftest import wait_for

pytestmark = [pytest.mark.integration]


def test_check_storage_reports_through_celery(celery_worker, caplog, db):
    path = "ab/cd/" + "e" * 60 + "/stray-1.0.tar.gz"
    storage.store_bytes(b"bytes no row claims", path=path)
    with caplog.at_level(logging.ERROR, logger="registry.tasks"):
        check_storage.delay()
        wait_for(lambda: f"check_storage: no row: {path}" in caplog.text)
    assert storage.package_storage().exists(path)  # reported, never repaired by the task
