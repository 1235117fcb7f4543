"""Celery tasks of the registry run through the configured broker (a real worker on Redis in CI)."""

import os
import time
from pathlib import Path

import pytest
from django.conf import settings

from registry.tasks import purge_stale_uploads
from tests.conftest import wait_for

pytestmark = [pytest.mark.integration]


def test_purge_stale_uploads_through_celery(celery_worker):
    directory = Path(settings.FILE_UPLOAD_TEMP_DIR)
    directory.mkdir(parents=True, exist_ok=True)
    stale, fresh = directory / "upload-stale.part", directory / "upload-fresh.part"
    stale.write_bytes(b"left by a killed worker")
    fresh.write_bytes(b"still streaming")
    two_days_ago = time.time() - 48 * 3600
    os.utime(stale, (two_days_ago, two_days_ago))

    purge_stale_uploads.delay()

    wait_for(lambda: not stale.exists())
    assert fresh.exists()
