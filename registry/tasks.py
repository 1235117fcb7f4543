"""Celery tasks of the registry: load what they need, call one function, log."""

import logging

from celery import shared_task

from registry import cdn, front
from registry.services.files import stored_files_delete
from registry.services.storage_check import storage_check

logger = logging.getLogger(__name__)


@shared_task
def check_storage() -> bool:
    """Report (never repair) rows without bytes and bytes without rows; `check_storage --repair` fixes them.

    Repairs delete, so they wait for a person: a wrong bucket or database would make everything look lost.
    """
    report = storage_check()
    for line in report.lines():
        logger.error("check_storage: %s", line)
    return report.clean


# Deleting is idempotent, so any failure (a disk error, an S3 hiccup) is worth retrying.
@shared_task(autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def delete_stored_files(*, paths: list[str]) -> int:
    """Delete the stored bytes of removed files (after the removal committed)."""
    deleted = stored_files_delete(paths=paths)
    logger.info("deleted %d stored files", deleted)
    return deleted


# A purge names keys, so repeating it is harmless; a CDN that is briefly unreachable is retried.
@shared_task(autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def cdn_purge(*, keys: list[str]) -> None:
    """Have the CDN drop what it keeps under `keys` (after the change committed)."""
    cdn.purger().purge(keys)


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def front_render(*, normalized_name: str | None) -> bool:
    """Pre-render a project's Simple page (None: the root) for nginx, at the database's current serial."""
    return front.render(normalized_name)
