"""Celery tasks of moderation: load by id, call one service, log."""

import logging

from celery import shared_task

from moderation.services.risk import account_score, project_score

logger = logging.getLogger(__name__)


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=3)
def score_project(
    *, project_id: int, user_id: int | None = None, ip_address: str | None = None
) -> int | None:
    """Risk-score a new project (after its creation committed)."""
    assessment = project_score(project_id=project_id, user_id=user_id, ip_address=ip_address)
    if assessment is not None:
        logger.info("project %s scored %d", project_id, assessment.score)
    return assessment.score if assessment is not None else None


@shared_task
def score_account(*, user_id: int, ip_address: str | None = None) -> int | None:
    """Risk-score a new account (after its sign-up committed)."""
    assessment = account_score(user_id=user_id, ip_address=ip_address)
    return assessment.score if assessment is not None else None
