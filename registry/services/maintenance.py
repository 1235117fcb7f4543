"""Housekeeping of the registry's files."""

import time
from pathlib import Path

from django.conf import settings


def purge_stale_upload_files(*, max_age_hours: int) -> int:
    """Delete partial uploads older than `max_age_hours` from the upload directory; returns how many.

    A request removes its own temporary file when it ends; only a killed worker leaves one behind.
    """
    directory = Path(settings.FILE_UPLOAD_TEMP_DIR)
    if not directory.is_dir():
        return 0
    cutoff = time.time() - max_age_hours * 3600
    removed = 0
    for path in directory.glob("upload-*.part"):
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
                removed += 1
        except FileNotFoundError:
            continue
    return removed
