"""Celery tasks of the registry: load what they need, call one function, log."""

import logging

from celery import shared_task

from registry.services.maintenance import purge_stale_upload_files

logger = logging.getLogger(__name__)


@shared_task
def purge_stale_uploads(max_age_hours: int = 24) -> int:
    """Remove partial uploads a crashed worker left in the temporary directory."""
    removed = purge_stale_upload_files(max_age_hours=max_age_hours)
    if removed:
        logger.info("removed %d stale partial uploads", removed)
    return removed
