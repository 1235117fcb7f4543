"""Celery tasks of name claims: load by id, call one service, nothing else."""

from celery import shared_task

from moderation.claims.models import Claim
from moderation.claims.services import claims_flag_release, claims_run_deadlines, evidence_refresh


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def refresh_claim_evidence(*, claim_id: int) -> None:
    """Take a new evidence snapshot of the claim (enqueued after every step of the case)."""
    claim = Claim.objects.filter(pk=claim_id).select_related("project").first()
    if claim is not None:
        evidence_refresh(claim=claim)


@shared_task
def flag_release_on_claims(*, release_id: int) -> None:
    """Flag a new release on the open claims of its project."""
    claims_flag_release(release_id=release_id)


@shared_task
def run_claim_deadlines() -> None:
    """Celery beat, hourly: re-send owner emails, move cases past their deadline, remind the moderators."""
    claims_run_deadlines()
