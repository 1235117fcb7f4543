"""The state machine of a name claim, in one place and without a database.

A claim is a case with its own clock: every step moves it from one state to another following TRANSITIONS,
and the deadlines come from `ClaimClock`, which reads the settings once. The services in
`moderation.claims.services` ask this module whether a step is allowed (`next_state`), what approving does
(`approval_outcome`) and when the next deadline falls (`ClaimClock.due`); they never decide that themselves.

    submitted ─start review─▶ in review ─contact owners─▶ owners contacted ─(no answer, deadline)─▶
    waiting for owners (re-sent, up to WHARF_CLAIM_CONTACT_ATTEMPTS) ─(last deadline or an answer)─▶
    ready for decision ─approve / reject─▶ approved / rejected
    submitted, in review, ready for decision ─request information─▶ waiting for the claimant ─answer─▶ back
    any open state ─withdraw─▶ withdrawn · any open state ─reject, or another claim approved─▶ rejected
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from moderation.claims.enums import ApprovalOutcome, ClaimKind, ClaimState, OwnerAnswer
from moderation.claims.exceptions import TransitionRefused

S = ClaimState

OPEN_STATES = frozenset(
    {
        S.SUBMITTED,
        S.IN_REVIEW,
        S.INFO_REQUESTED,
        S.OWNERS_CONTACTED,
        S.WAITING_FOR_OWNERS,
        S.READY_FOR_DECISION,
    }
)
CLOSED_STATES = frozenset({S.APPROVED, S.REJECTED, S.WITHDRAWN})
# States in which the case waits for the owners' answer; the beat task re-sends or closes the period.
CONTACT_STATES = frozenset({S.OWNERS_CONTACTED, S.WAITING_FOR_OWNERS})
# States whose due date is a service-level target for the moderators (overdue → reminder, state unchanged).
SLA_STATES = frozenset({S.SUBMITTED, S.IN_REVIEW, S.READY_FOR_DECISION})
# Kinds that need the owners contacted before a decision (PEP 541: reachability, courtesy notice).
CONTACT_KINDS = frozenset({ClaimKind.TRANSFER, ClaimKind.MAINTAINER, ClaimKind.SQUATTING})


class Step(StrEnum):
    """What can happen to a case. Moderators take the first five and the last; the rest are the claimant's,
    the owners' or the clock's."""

    START_REVIEW = "start-review"
    CONTACT_OWNERS = "contact-owners"
    REQUEST_INFO = "request-info"
    APPROVE = "approve"
    REJECT = "reject"
    PROVIDE_INFO = "provide-info"
    WITHDRAW = "withdraw"
    REMIND_OWNERS = "remind-owners"
    CONTACT_ENDED = "contact-ended"
    INFO_DEADLINE = "info-deadline"
    SUPERSEDE = "supersede"


TRANSITIONS: dict[Step, dict[ClaimState, ClaimState]] = {
    Step.START_REVIEW: {S.SUBMITTED: S.IN_REVIEW},
    Step.CONTACT_OWNERS: {S.IN_REVIEW: S.OWNERS_CONTACTED, S.READY_FOR_DECISION: S.OWNERS_CONTACTED},
    Step.REQUEST_INFO: {
        S.SUBMITTED: S.INFO_REQUESTED,
        S.IN_REVIEW: S.INFO_REQUESTED,
        S.READY_FOR_DECISION: S.INFO_REQUESTED,
    },
    # Back to review, or straight to a decision when the owners' contact period is already over.
    Step.PROVIDE_INFO: {S.INFO_REQUESTED: S.IN_REVIEW},
    Step.REMIND_OWNERS: {
        S.OWNERS_CONTACTED: S.WAITING_FOR_OWNERS,
        S.WAITING_FOR_OWNERS: S.WAITING_FOR_OWNERS,
    },
    Step.CONTACT_ENDED: {
        S.OWNERS_CONTACTED: S.READY_FOR_DECISION,
        S.WAITING_FOR_OWNERS: S.READY_FOR_DECISION,
    },
    Step.INFO_DEADLINE: {S.INFO_REQUESTED: S.READY_FOR_DECISION},
    Step.APPROVE: {S.IN_REVIEW: S.APPROVED, S.READY_FOR_DECISION: S.APPROVED},
    Step.REJECT: dict.fromkeys(OPEN_STATES, S.REJECTED),
    Step.WITHDRAW: dict.fromkeys(OPEN_STATES, S.WITHDRAWN),
    Step.SUPERSEDE: dict.fromkeys(OPEN_STATES, S.REJECTED),
}

# Wording of each step in refusals ("Claim #3 is approved, so it cannot be <verb>.").
STEP_VERBS = {
    Step.START_REVIEW: "taken into review",
    Step.CONTACT_OWNERS: "sent to the owners",
    Step.REQUEST_INFO: "sent back to the claimant for more information",
    Step.APPROVE: "approved",
    Step.REJECT: "rejected",
    Step.PROVIDE_INFO: "answered: no information was requested",
    Step.WITHDRAW: "withdrawn",
    Step.REMIND_OWNERS: "sent to the owners again",
    Step.CONTACT_ENDED: "moved to a decision",
    Step.INFO_DEADLINE: "moved to a decision",
    Step.SUPERSEDE: "closed",
}


def next_state(step: Step, state: str, *, contact_closed: bool = False) -> ClaimState:
    """The state `step` leads to from `state`; TransitionRefused when the step is not allowed there."""
    target = TRANSITIONS[step].get(ClaimState(state))
    if target is None:
        label = ClaimState(state).label.lower()
        raise TransitionRefused(f"This claim is {label}, so it cannot be {STEP_VERBS[step]}.")
    if step == Step.PROVIDE_INFO and contact_closed:
        return S.READY_FOR_DECISION
    return target


def allowed_steps(state: str) -> list[Step]:
    """The steps the state allows, in TRANSITIONS order (the admin shows the moderators' ones as buttons)."""
    return [step for step, moves in TRANSITIONS.items() if ClaimState(state) in moves]


def is_open(state: str) -> bool:
    return state in OPEN_STATES


def check_contact(*, kind: str, attempts_made: int, owner_count: int) -> None:
    """Refuse to contact the owners when the kind does not call for it, it was done, or nobody is there."""
    if kind not in CONTACT_KINDS:
        raise TransitionRefused(
            "Claims of kind 'Other' are decided without contacting the owners: approve or reject it."
        )
    if attempts_made:
        raise TransitionRefused(
            "The owners were already contacted on this claim; its clock keeps running from the first email."
        )
    if not owner_count:
        raise TransitionRefused("The project has no Owner to contact; decide the claim directly.")


def approval_outcome(
    *, kind: str, contact_closed: bool, answers: Iterable[str], has_owners: bool = True
) -> ApprovalOutcome:
    """What approving a claim of `kind` does, given the owners' latest answers (one per owner).

    PEP 541 ("Abandoned projects"): a project is never reassigned against the wishes of a reachable owner, and
    the owners must have been given the contact period first. A squatting claim concerns an invalid project,
    so an owner's wish to keep it does not stop the moderators. An owner who only agrees to add the claimant
    as a maintainer turns a transfer into that.
    """
    answers = set(answers)
    if kind == ClaimKind.OTHER:
        return ApprovalOutcome.RECORD_ONLY
    if has_owners and not contact_closed:
        raise TransitionRefused(
            "The owners must be contacted, and answer or let the contact period pass, before this claim can "
            "be approved."
        )
    if kind == ClaimKind.SQUATTING:
        return ApprovalOutcome.FREE_NAME
    if OwnerAnswer.KEEP in answers:
        raise TransitionRefused(
            "An owner answered that they keep the project, and PEP 541 never hands a project over against a "
            "reachable owner's wishes: reject the claim."
        )
    if kind == ClaimKind.MAINTAINER:
        return ApprovalOutcome.ADD_MAINTAINER
    if OwnerAnswer.MAINTAINER in answers and OwnerAnswer.TRANSFER not in answers:
        return ApprovalOutcome.ADD_MAINTAINER
    return ApprovalOutcome.TRANSFER


@dataclass(frozen=True)
class ClaimClock:
    """The case's deadlines, from the settings (README 'Name claims')."""

    review_days: int
    info_days: int
    contact_attempts: int
    contact_interval_days: int
    squat_notice_days: int

    @classmethod
    def from_settings(cls) -> "ClaimClock":
        from django.conf import settings

        return cls(
            review_days=settings.WHARF_CLAIM_REVIEW_DAYS,
            info_days=settings.WHARF_CLAIM_INFO_DAYS,
            contact_attempts=settings.WHARF_CLAIM_CONTACT_ATTEMPTS,
            contact_interval_days=settings.WHARF_CLAIM_CONTACT_INTERVAL_DAYS,
            squat_notice_days=settings.WHARF_CLAIM_SQUAT_NOTICE_DAYS,
        )

    def attempts_for(self, kind: str) -> int:
        """Emails the owners get: the reachability series (abandonment), one courtesy notice (squatting)."""
        return 1 if kind == ClaimKind.SQUATTING else max(1, self.contact_attempts)

    def interval_for(self, kind: str) -> timedelta:
        days = self.squat_notice_days if kind == ClaimKind.SQUATTING else self.contact_interval_days
        return timedelta(days=days)

    def contact_period(self, kind: str) -> timedelta:
        """From the first email to the end of the contact period (six weeks with the defaults)."""
        return self.interval_for(kind) * self.attempts_for(kind)

    def due(self, state: str, *, kind: str, now: datetime) -> datetime | None:
        """The deadline a case entering `state` at `now` gets; None in closed states."""
        if state in CONTACT_STATES:
            return now + self.interval_for(kind)
        if state == S.INFO_REQUESTED:
            return now + timedelta(days=self.info_days)
        if state in SLA_STATES:
            return now + timedelta(days=self.review_days)
        return None


@dataclass(frozen=True)
class ExpectedDate:
    label: str
    when: datetime


def expected_dates(
    *, state: str, kind: str, due_at: datetime | None, contact_started_at: datetime | None, clock: ClaimClock
) -> list[ExpectedDate]:
    """The dates a claimant is shown for an open case (each step's due date, from ClaimClock)."""
    if due_at is None or state not in OPEN_STATES:
        return []
    if state == S.SUBMITTED:
        return [ExpectedDate("Review starts by", due_at)]
    if state == S.IN_REVIEW:
        return [ExpectedDate("Next step by", due_at)]
    if state == S.INFO_REQUESTED:
        return [ExpectedDate("Your answer is due by", due_at)]
    if state in CONTACT_STATES:
        dates = [ExpectedDate("Owners' answer due by", due_at)]
        if contact_started_at is not None:
            dates.append(
                ExpectedDate("Ready for decision by", contact_started_at + clock.contact_period(kind))
            )
        return dates
    return [ExpectedDate("Decision expected by", due_at)]
