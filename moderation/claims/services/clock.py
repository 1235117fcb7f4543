"""The case's clock, run hourly by Celery beat: re-send owner emails, move cases whose deadline passed to
'ready for decision', remind the moderators of overdue cases."""

from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction

from moderation.claims import selectors
from moderation.claims.enums import ClaimEventKind, ClaimState
from moderation.claims.models import Claim
from moderation.claims.notify import ModeratorItem, notify_moderators
from moderation.claims.services.case import contact_note, move, now_or, record_event, send_contact
from moderation.claims.transitions import CONTACT_STATES, ClaimClock, Step


@dataclass
class DeadlineReport:
    """What one run of the clock did, by claim id."""

    reminded_owners: list[int] = field(default_factory=list)
    ready: list[int] = field(default_factory=list)
    overdue: list[int] = field(default_factory=list)


def claims_run_deadlines(*, now: datetime | None = None) -> DeadlineReport:
    """Move every case whose deadline passed (run hourly by Celery beat; each case in its own transaction).

    Waiting for owners: re-send the email while attempts remain, else end the contact period (ready for
    decision). Waiting for the claimant: ready for decision. Past the moderators' service level: remind them
    once per deadline. One email to the moderators lists what became ready or overdue.
    """
    now = now_or(now)
    report = DeadlineReport()
    items: list[ModeratorItem] = []
    for claim_id in selectors.claims_past_contact_deadline(now=now):
        item = _advance_waiting(claim_id, now=now, report=report)
        if item is not None:
            items.append(item)
    for claim_id in selectors.claims_overdue_for_moderators(now=now):
        item = _remind_moderators(claim_id, now=now)
        if item is not None:
            report.overdue.append(claim_id)
            items.append(item)
    notify_moderators(subject="Name claims need a decision", items=items)
    return report


@transaction.atomic
def _advance_waiting(claim_id: int, *, now: datetime, report: DeadlineReport) -> ModeratorItem | None:
    claim = Claim.objects.select_for_update().filter(pk=claim_id).first()
    if claim is None or claim.due_at is None or claim.due_at > now:
        return None  # another run moved it already
    clock = ClaimClock.from_settings()
    if claim.state == ClaimState.INFO_REQUESTED:
        move(
            claim,
            Step.INFO_DEADLINE,
            event=ClaimEventKind.DEADLINE_PASSED,
            actor=None,
            note="The claimant did not answer the moderators' question in time.",
            now=now,
            clock=clock,
        )
        report.ready.append(claim.pk)
        return ModeratorItem(claim.pk, claim.project_name, "Ready for decision: the claimant did not answer.")
    if claim.state not in CONTACT_STATES:
        return None
    attempts = clock.attempts_for(claim.kind)
    if claim.contact_attempts_made < attempts:
        contact = send_contact(claim, attempt=claim.contact_attempts_made + 1, clock=clock, now=now)
        if contact is not None:
            move(
                claim,
                Step.REMIND_OWNERS,
                event=ClaimEventKind.OWNERS_REMINDED,
                actor=None,
                note=contact_note(contact, attempts=attempts),
                now=now,
                clock=clock,
            )
            report.reminded_owners.append(claim.pk)
            return None
    claim.contact_closed_at = now
    days = clock.contact_period(claim.kind).days
    move(
        claim,
        Step.CONTACT_ENDED,
        event=ClaimEventKind.DEADLINE_PASSED,
        actor=None,
        note=f"No owner answered {claim.contact_attempts_made} email(s) over {days} days.",
        now=now,
        clock=clock,
    )
    report.ready.append(claim.pk)
    return ModeratorItem(claim.pk, claim.project_name, "Ready for decision: no owner answered.")


@transaction.atomic
def _remind_moderators(claim_id: int, *, now: datetime) -> ModeratorItem | None:
    claim = Claim.objects.select_for_update().filter(pk=claim_id).first()
    if claim is None or claim.due_at is None or claim.due_at > now:
        return None
    if claim.reminded_at is not None and claim.reminded_at >= claim.due_at:
        return None
    claim.reminded_at = now
    claim.save(update_fields=["reminded_at"])
    what = f"Overdue since {claim.due_at:%Y-%m-%d}: {claim.get_state_display().lower()}."
    record_event(claim, ClaimEventKind.ADMINS_REMINDED, actor=None, note=what, now=now)
    return ModeratorItem(claim.pk, claim.project_name, what)
