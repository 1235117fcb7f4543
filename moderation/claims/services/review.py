"""The moderators' steps: review, request information, contact the owners, approve (applying the decision to
the project in the same transaction), reject."""

from datetime import datetime

from django.db import transaction

from moderation.claims import selectors
from moderation.claims.enums import ApprovalOutcome, ClaimEventKind
from moderation.claims.exceptions import ClaimError
from moderation.claims.models import Claim
from moderation.claims.notify import notify_claimant, notify_previous_owners
from moderation.claims.services.case import (
    claimant_dates,
    contact_note,
    locked,
    move,
    now_or,
    required_text,
    send_contact,
)
from moderation.claims.transitions import (
    OPEN_STATES,
    ClaimClock,
    Step,
    approval_outcome,
    check_contact,
    next_state,
)
from registry.enums import RoleName
from registry.exceptions import ManageError
from registry.models import Project
from registry.services.roles import project_transfer


@transaction.atomic
def claim_start_review(*, claim: Claim, actor, note: str = "", now: datetime | None = None) -> Claim:
    """A moderator takes a submitted claim into review; the next step is due in WHARF_CLAIM_REVIEW_DAYS."""
    now = now_or(now)
    claim = locked(claim)
    return move(
        claim,
        Step.START_REVIEW,
        event=ClaimEventKind.REVIEW_STARTED,
        actor=actor,
        note=note.strip(),
        now=now,
        clock=ClaimClock.from_settings(),
    )


@transaction.atomic
def claim_request_info(*, claim: Claim, actor, question: str, now: datetime | None = None) -> Claim:
    """A moderator asks the claimant for more; the claimant has WHARF_CLAIM_INFO_DAYS to answer."""
    now = now_or(now)
    question = required_text(question, "the question for the claimant")
    claim = locked(claim)
    clock = ClaimClock.from_settings()
    claim = move(
        claim,
        Step.REQUEST_INFO,
        event=ClaimEventKind.INFO_REQUESTED,
        actor=actor,
        note=question,
        now=now,
        clock=clock,
    )
    notify_claimant(
        claim,
        headline="The moderators need more information to decide your claim; answer on your claim's page.",
        note=question,
        note_label="Question",
        dates=claimant_dates(claim, clock),
    )
    return claim


@transaction.atomic
def claim_contact_owners(*, claim: Claim, actor, note: str = "", now: datetime | None = None) -> Claim:
    """A moderator starts the case's contact period: every Owner gets an email with an answer link.

    Abandonment claims are re-sent by the clock up to WHARF_CLAIM_CONTACT_ATTEMPTS times, every
    WHARF_CLAIM_CONTACT_INTERVAL_DAYS; a squatting claim gets one courtesy notice and waits
    WHARF_CLAIM_SQUAT_NOTICE_DAYS. Raises TransitionRefused for 'other' claims, a second contact, or a
    project without Owners.
    """
    now = now_or(now)
    claim = locked(claim)
    clock = ClaimClock.from_settings()
    next_state(Step.CONTACT_OWNERS, claim.state)
    owners = selectors.project_owners(project=claim.project) if claim.project_id else []
    check_contact(kind=claim.kind, attempts_made=claim.contact_attempts_made, owner_count=len(owners))
    contact = send_contact(claim, attempt=1, clock=clock, now=now)
    claim.contact_started_at = now
    attempts = clock.attempts_for(claim.kind)
    summary = contact_note(contact, attempts=attempts)
    claim = move(
        claim,
        Step.CONTACT_OWNERS,
        event=ClaimEventKind.OWNERS_CONTACTED,
        actor=actor,
        note=f"{summary} {note.strip()}".strip(),
        now=now,
        clock=clock,
    )
    notify_claimant(
        claim,
        headline=f"The moderators contacted the owners of '{claim.project_name}' about your claim.",
        dates=claimant_dates(claim, clock),
    )
    return claim


def _approval_summary(outcome: str, claim: Claim, *, removed: bool) -> str:
    user = claim.claimant.username
    if outcome == ApprovalOutcome.TRANSFER:
        rest = "; the previous collaborators were removed" if removed else "; the previous owners stay"
        return f"{user} is now Owner of '{claim.project_name}'{rest}."
    if outcome == ApprovalOutcome.FREE_NAME:
        return f"The name '{claim.project_name}' was freed and handed to {user}, now its only Owner."
    if outcome == ApprovalOutcome.ADD_MAINTAINER:
        return f"{user} is now Maintainer of '{claim.project_name}'; the owners stay."
    return "The decision is recorded; the project itself is unchanged."


@transaction.atomic
def claim_approve(
    *, claim: Claim, actor, reason: str, keep_previous_owners: bool = False, now: datetime | None = None
) -> Claim:
    """A moderator approves the claim and, in the same transaction, applies it to the project:

    - transfer: the claimant becomes Owner; the previous collaborators are removed unless
      `keep_previous_owners` (an owner who only agreed to a maintainer turns it into the next case);
    - maintainer: the claimant becomes Maintainer, the owners stay;
    - squatting: the project is handed to the claimant as its only Owner (see README 'Name claims');
    - other: the decision is recorded, the project is unchanged.
    Journal rows (registry), audit rows, emails to the claimant and the previous owners; the other open claims
    on the name are closed with a reason. Two moderators approving at once: the project row is locked first,
    so the second sees the case decided and is refused.
    Raises TransitionRefused (wrong state, contact period not over, an owner keeps the project) and
    ClaimError (no reason, the project is gone or cannot change).
    """
    now = now_or(now)
    reason = required_text(reason, "the reason for the decision, which the claimant sees")
    if claim.project_id:
        Project.objects.select_for_update().filter(pk=claim.project_id).first()
    claim = locked(claim)
    next_state(Step.APPROVE, claim.state)
    project = Project.objects.filter(pk=claim.project_id).first() if claim.project_id else None
    owners = selectors.project_owners(project=project) if project is not None else []
    answers = [response.answer for response in selectors.latest_answers(claim=claim).values()]
    outcome = approval_outcome(
        kind=claim.kind,
        contact_closed=claim.contact_closed_at is not None,
        answers=answers,
        has_owners=bool(owners),
    )
    if outcome != ApprovalOutcome.RECORD_ONLY:
        if project is None:
            raise ClaimError("The project of this claim no longer exists, so the claim can only be rejected.")
        removed = outcome == ApprovalOutcome.FREE_NAME or (
            outcome == ApprovalOutcome.TRANSFER and not keep_previous_owners
        )
        role_name = RoleName.MAINTAINER if outcome == ApprovalOutcome.ADD_MAINTAINER else RoleName.OWNER
        try:
            project_transfer(
                project=project,
                new_owner=claim.claimant,
                actor=actor,
                role_name=role_name,
                remove_previous_roles=removed,
            )
        except ManageError as error:
            raise ClaimError(error.message) from None
    else:
        removed = False
    summary = _approval_summary(outcome, claim, removed=removed)
    claim.decided_at = now
    claim.decided_by = actor
    claim.decision_reason = reason
    claim.outcome = outcome
    claim = move(
        claim,
        Step.APPROVE,
        event=ClaimEventKind.APPROVED,
        actor=actor,
        note=f"{reason}\n{summary}",
        now=now,
        clock=ClaimClock.from_settings(),
    )
    notify_claimant(
        claim,
        headline=f"Your claim on '{claim.project_name}' was approved. {summary}",
        note=reason,
        note_label="Reason",
    )
    notify_previous_owners(
        claim, owners=[owner for owner in owners if owner.pk != claim.claimant_id], summary=summary
    )
    if outcome != ApprovalOutcome.RECORD_ONLY:
        _supersede_others(claim, actor=actor, now=now)
    return claim


def _supersede_others(approved: Claim, *, actor, now: datetime) -> None:
    """Close the other open claims on the approved claim's project, each with its reason and an email."""
    clock = ClaimClock.from_settings()
    others = (
        Claim.objects.select_for_update()
        .filter(project_id=approved.project_id, state__in=OPEN_STATES)
        .exclude(pk=approved.pk)
        .order_by("pk")
    )
    for other in others:
        other.decided_at = now
        other.decided_by = actor
        other.decision_reason = (
            f"Another claim on '{approved.project_name}' was approved (claim #{approved.pk}), so this one is "
            "closed."
        )
        other.outcome = ""
        move(
            other,
            Step.SUPERSEDE,
            event=ClaimEventKind.SUPERSEDED,
            actor=actor,
            note=other.decision_reason,
            now=now,
            clock=clock,
        )
        notify_claimant(
            other,
            headline=f"Your claim on '{other.project_name}' was closed.",
            note=other.decision_reason,
            note_label="Reason",
        )


@transaction.atomic
def claim_reject(*, claim: Claim, actor, reason: str, now: datetime | None = None) -> Claim:
    """A moderator rejects the claim; the reason is shown to the claimant and emailed to them."""
    now = now_or(now)
    reason = required_text(reason, "the reason for the rejection, which the claimant sees")
    claim = locked(claim)
    claim.decided_at = now
    claim.decided_by = actor
    claim.decision_reason = reason
    claim.outcome = ""
    claim = move(
        claim,
        Step.REJECT,
        event=ClaimEventKind.REJECTED,
        actor=actor,
        note=reason,
        now=now,
        clock=ClaimClock.from_settings(),
    )
    notify_claimant(
        claim,
        headline=f"Your claim on '{claim.project_name}' was rejected.",
        note=reason,
        note_label="Reason",
    )
    return claim
