"""What every step of a case does alike: lock the case, move it by the transition table, record the timeline
event and the audit row, set the deadline, refresh the evidence after the commit, email the Owners."""

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from moderation.audit import audit_record
from moderation.claims import selectors
from moderation.claims.exceptions import ClaimError
from moderation.claims.models import Claim, ClaimEvent, ContactAttempt
from moderation.claims.notify import notify_owner_contact
from moderation.claims.transitions import ClaimClock, Step, expected_dates, next_state

MAX_TEXT = 5000


def now_or(now: datetime | None) -> datetime:
    return now or timezone.now()


def locked(claim: Claim) -> Claim:
    """The case re-read under a row lock: each step decides on the state another may just have changed."""
    return Claim.objects.select_for_update().get(pk=claim.pk)


def refresh_evidence_after_commit(claim_id: int) -> None:
    """Enqueue a new evidence snapshot once the step commits. Robust: the step is done by then, so a broker
    (or, with eager tasks, a database) hiccup is logged rather than reported as the step failing."""
    from moderation.claims.tasks import refresh_claim_evidence

    transaction.on_commit(lambda: refresh_claim_evidence.delay(claim_id=claim_id), robust=True)


def record_event(
    claim: Claim, kind: str, *, actor, note: str = "", state_from: str = "", now: datetime
) -> ClaimEvent:
    return ClaimEvent.objects.create(
        claim=claim,
        kind=kind,
        actor=actor,
        actor_name=actor.username if actor is not None else "",
        state_from=state_from,
        state_to=claim.state if state_from else "",
        note=note,
        created=now,
    )


def audit_step(claim: Claim, step: str, *, actor, reason: str = "", extra=()) -> None:
    targets = [claim, *([claim.project] if claim.project_id else []), *extra]
    audit_record(actor=actor, action=f"claim.{step}", targets=targets, reason=reason)


def move(
    claim: Claim,
    step: Step,
    *,
    event: str,
    actor,
    note: str = "",
    now: datetime,
    clock: ClaimClock,
    contact_closed: bool = False,
    audit_as: str = "",
) -> Claim:
    """Apply `step` to the locked `claim`: new state and deadline, timeline event, audit row, evidence."""
    before = claim.state
    claim.state = next_state(step, before, contact_closed=contact_closed)
    claim.state_changed = now
    claim.due_at = clock.due(claim.state, kind=claim.kind, now=now)
    claim.save()
    record_event(claim, event, actor=actor, note=note, state_from=before, now=now)
    audit_step(claim, audit_as or step, actor=actor, reason=note)
    refresh_evidence_after_commit(claim.pk)
    return claim


def claimant_dates(claim: Claim, clock: ClaimClock):
    return expected_dates(
        state=claim.state,
        kind=claim.kind,
        due_at=claim.due_at,
        contact_started_at=claim.contact_started_at,
        clock=clock,
    )


def required_text(text: str, what: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ClaimError(f"Give {what}.")
    if len(text) > MAX_TEXT:
        raise ClaimError(f"Keep {what} under {MAX_TEXT} characters.")
    return text


def send_contact(claim: Claim, *, attempt: int, clock: ClaimClock, now: datetime) -> ContactAttempt | None:
    """Email every current Owner of the project (attempt `attempt`); None when there is nobody to email."""
    owners = selectors.project_owners(project=claim.project) if claim.project_id else []
    if not owners:
        return None
    answer_due = now + clock.interval_for(claim.kind)
    contact = ContactAttempt.objects.create(
        claim=claim,
        attempt=attempt,
        sent_at=now,
        answer_due=answer_due,
        recipients=[
            {"user_id": owner.pk, "username": owner.username, "email": owner.email} for owner in owners
        ],
    )
    for owner in owners:
        notify_owner_contact(
            claim,
            owner=owner,
            attempt=attempt,
            attempts=clock.attempts_for(claim.kind),
            answer_due=answer_due,
        )
    claim.contact_attempts_made = attempt
    return contact


def contact_note(contact: ContactAttempt, *, attempts: int) -> str:
    names = ", ".join(recipient["username"] for recipient in contact.recipients)
    return (
        f"Email {contact.attempt} of {attempts} sent to {names}; answer due by {contact.answer_due:%Y-%m-%d}."
    )
