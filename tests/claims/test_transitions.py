"""The claim state machine without a database: every step from every state, the approval rules of PEP 541,
the case's clock and the dates shown to claimants, the evidence checklist, and the owners' signed links."""

from datetime import UTC, datetime, timedelta

import pytest

from moderation.claims.enums import ApprovalOutcome, ClaimKind, ClaimState, Criterion, OwnerAnswer
from moderation.claims.evidence import pep541_criteria
from moderation.claims.exceptions import InvalidAnswerLink, TransitionRefused
from moderation.claims.links import answer_token, answer_url, read_answer_token
from moderation.claims.transitions import (
    CLOSED_STATES,
    OPEN_STATES,
    TRANSITIONS,
    ClaimClock,
    Step,
    allowed_steps,
    approval_outcome,
    check_contact,
    expected_dates,
    next_state,
)

pytestmark = [pytest.mark.unit]

S = ClaimState
NOW = datetime(2026, 3, 1, 12, tzinfo=UTC)
CLOCK = ClaimClock(
    review_days=7, info_days=14, contact_attempts=3, contact_interval_days=14, squat_notice_days=7
)

# The whole machine, written out once more by hand: (step, from) → to. Anything not listed is refused.
EXPECTED = {
    (Step.START_REVIEW, S.SUBMITTED): S.IN_REVIEW,
    (Step.CONTACT_OWNERS, S.IN_REVIEW): S.OWNERS_CONTACTED,
    (Step.CONTACT_OWNERS, S.READY_FOR_DECISION): S.OWNERS_CONTACTED,
    (Step.REQUEST_INFO, S.SUBMITTED): S.INFO_REQUESTED,
    (Step.REQUEST_INFO, S.IN_REVIEW): S.INFO_REQUESTED,
    (Step.REQUEST_INFO, S.READY_FOR_DECISION): S.INFO_REQUESTED,
    (Step.PROVIDE_INFO, S.INFO_REQUESTED): S.IN_REVIEW,
    (Step.REMIND_OWNERS, S.OWNERS_CONTACTED): S.WAITING_FOR_OWNERS,
    (Step.REMIND_OWNERS, S.WAITING_FOR_OWNERS): S.WAITING_FOR_OWNERS,
    (Step.CONTACT_ENDED, S.OWNERS_CONTACTED): S.READY_FOR_DECISION,
    (Step.CONTACT_ENDED, S.WAITING_FOR_OWNERS): S.READY_FOR_DECISION,
    (Step.INFO_DEADLINE, S.INFO_REQUESTED): S.READY_FOR_DECISION,
    (Step.APPROVE, S.IN_REVIEW): S.APPROVED,
    (Step.APPROVE, S.READY_FOR_DECISION): S.APPROVED,
    **{(Step.REJECT, state): S.REJECTED for state in OPEN_STATES},
    **{(Step.WITHDRAW, state): S.WITHDRAWN for state in OPEN_STATES},
    **{(Step.SUPERSEDE, state): S.REJECTED for state in OPEN_STATES},
}


@pytest.mark.parametrize("step", list(Step))
@pytest.mark.parametrize("state", list(ClaimState))
def test_every_step_from_every_state(step, state):
    expected = EXPECTED.get((step, state))
    if expected is None:
        with pytest.raises(TransitionRefused) as refused:
            next_state(step, state)
        assert refused.value.message.startswith(f"This claim is {state.label.lower()}, so it cannot be ")
    else:
        assert next_state(step, state) == expected


def test_the_table_is_the_one_written_out():
    assert {
        (step, state): target for step, moves in TRANSITIONS.items() for state, target in moves.items()
    } == (EXPECTED)


def test_closed_states_are_final():
    for state in CLOSED_STATES:
        assert allowed_steps(state) == []
    assert set(ClaimState) == OPEN_STATES | CLOSED_STATES


def test_an_answer_after_the_contact_period_goes_straight_to_a_decision():
    assert next_state(Step.PROVIDE_INFO, S.INFO_REQUESTED, contact_closed=True) == S.READY_FOR_DECISION


def test_refusal_wording():
    with pytest.raises(TransitionRefused) as refused:
        next_state(Step.APPROVE, S.APPROVED)
    assert refused.value.message == "This claim is approved, so it cannot be approved."


@pytest.mark.parametrize(
    ("kind", "answers", "closed", "outcome"),
    [
        (ClaimKind.TRANSFER, [], True, ApprovalOutcome.TRANSFER),
        (ClaimKind.TRANSFER, [OwnerAnswer.TRANSFER], True, ApprovalOutcome.TRANSFER),
        (ClaimKind.TRANSFER, [OwnerAnswer.MAINTAINER], True, ApprovalOutcome.ADD_MAINTAINER),
        (ClaimKind.TRANSFER, [OwnerAnswer.MAINTAINER, OwnerAnswer.TRANSFER], True, ApprovalOutcome.TRANSFER),
        (ClaimKind.MAINTAINER, [], True, ApprovalOutcome.ADD_MAINTAINER),
        (ClaimKind.MAINTAINER, [OwnerAnswer.TRANSFER], True, ApprovalOutcome.ADD_MAINTAINER),
        (ClaimKind.SQUATTING, [], True, ApprovalOutcome.FREE_NAME),
        (ClaimKind.SQUATTING, [OwnerAnswer.KEEP], True, ApprovalOutcome.FREE_NAME),
        (ClaimKind.OTHER, [], False, ApprovalOutcome.RECORD_ONLY),
        (ClaimKind.OTHER, [OwnerAnswer.KEEP], False, ApprovalOutcome.RECORD_ONLY),
    ],
)
def test_approval_outcome(kind, answers, closed, outcome):
    assert approval_outcome(kind=kind, contact_closed=closed, answers=answers) == outcome


@pytest.mark.parametrize("kind", [ClaimKind.TRANSFER, ClaimKind.MAINTAINER])
def test_a_reachable_owner_who_keeps_the_project_wins(kind):
    with pytest.raises(TransitionRefused) as refused:
        approval_outcome(kind=kind, contact_closed=True, answers=[OwnerAnswer.KEEP, OwnerAnswer.TRANSFER])
    assert "never hands a project over against a reachable owner's wishes" in refused.value.message


@pytest.mark.parametrize("kind", [ClaimKind.TRANSFER, ClaimKind.MAINTAINER, ClaimKind.SQUATTING])
def test_no_approval_before_the_contact_period(kind):
    with pytest.raises(TransitionRefused) as refused:
        approval_outcome(kind=kind, contact_closed=False, answers=[])
    assert refused.value.message.startswith("The owners must be contacted")
    # A project without any Owner has nobody to wait for.
    assert approval_outcome(kind=kind, contact_closed=False, answers=[], has_owners=False)


def test_check_contact():
    check_contact(kind=ClaimKind.TRANSFER, attempts_made=0, owner_count=1)
    for kwargs, message in [
        ({"kind": ClaimKind.OTHER, "attempts_made": 0, "owner_count": 1}, "Claims of kind 'Other'"),
        ({"kind": ClaimKind.TRANSFER, "attempts_made": 1, "owner_count": 1}, "already contacted"),
        ({"kind": ClaimKind.SQUATTING, "attempts_made": 0, "owner_count": 0}, "no Owner to contact"),
    ]:
        with pytest.raises(TransitionRefused) as refused:
            check_contact(**kwargs)
        assert message in refused.value.message


def test_clock():
    assert CLOCK.attempts_for(ClaimKind.TRANSFER) == 3
    assert CLOCK.attempts_for(ClaimKind.SQUATTING) == 1
    assert CLOCK.contact_period(ClaimKind.TRANSFER) == timedelta(days=42)  # PEP 541's six weeks
    assert CLOCK.contact_period(ClaimKind.SQUATTING) == timedelta(days=7)
    assert CLOCK.due(S.SUBMITTED, kind=ClaimKind.TRANSFER, now=NOW) == NOW + timedelta(days=7)
    assert CLOCK.due(S.OWNERS_CONTACTED, kind=ClaimKind.TRANSFER, now=NOW) == NOW + timedelta(days=14)
    assert CLOCK.due(S.WAITING_FOR_OWNERS, kind=ClaimKind.SQUATTING, now=NOW) == NOW + timedelta(days=7)
    assert CLOCK.due(S.INFO_REQUESTED, kind=ClaimKind.OTHER, now=NOW) == NOW + timedelta(days=14)
    assert CLOCK.due(S.READY_FOR_DECISION, kind=ClaimKind.OTHER, now=NOW) == NOW + timedelta(days=7)
    for state in CLOSED_STATES:
        assert CLOCK.due(state, kind=ClaimKind.TRANSFER, now=NOW) is None


def test_expected_dates():
    def dates(state, due, started=None, kind=ClaimKind.TRANSFER):
        found = expected_dates(state=state, kind=kind, due_at=due, contact_started_at=started, clock=CLOCK)
        return [(date.label, date.when) for date in found]

    due = NOW + timedelta(days=14)
    assert dates(S.SUBMITTED, due) == [("Review starts by", due)]
    assert dates(S.OWNERS_CONTACTED, due, started=NOW) == [
        ("Owners' answer due by", due),
        ("Ready for decision by", NOW + timedelta(days=42)),
    ]
    assert dates(S.WAITING_FOR_OWNERS, due, started=NOW, kind=ClaimKind.SQUATTING)[1] == (
        "Ready for decision by",
        NOW + timedelta(days=7),
    )
    assert dates(S.INFO_REQUESTED, due) == [("Your answer is due by", due)]
    assert dates(S.READY_FOR_DECISION, due) == [("Decision expected by", due)]
    assert dates(S.APPROVED, None) == []


def criteria(**overrides):
    arguments = {
        "kind": ClaimKind.TRANSFER,
        "project_exists": True,
        "owner_count": 1,
        "last_release": NOW - timedelta(days=800),
        "has_files": True,
        "owner_activity": [("alice", "logged in", NOW - timedelta(days=500))],
        "home_pages": [],
        "contact_closed": True,
        "attempts_made": 3,
        "attempts_planned": 3,
        "answers": [],
        "now": NOW,
        **overrides,
    }
    return {item.key: (item.status, item.detail) for item in pep541_criteria(**arguments)}


def test_abandoned_project_meets_every_criterion():
    assert criteria() == {
        "unreachable": (Criterion.MET, "No answer to 3 email(s) over the contact period."),
        "no-recent-release": (Criterion.MET, "Last release 2023-12-22 (800 days ago)."),
        "no-owner-activity": (
            Criterion.MET,
            "No owner login or project change on this index for a year, and no home page.",
        ),
    }


def test_criteria_not_met_or_unknown():
    found = criteria(
        last_release=NOW - timedelta(days=30),
        owner_activity=[("alice", "logged in", NOW - timedelta(days=3))],
        answers=[("alice", OwnerAnswer.KEEP)],
    )
    assert found["unreachable"] == (
        Criterion.NOT_MET,
        "Owners answered (alice: Keep my project: I am still maintaining it).",
    )
    assert found["no-recent-release"] == (Criterion.NOT_MET, "Last release 2026-01-30.")
    assert found["no-owner-activity"] == (Criterion.NOT_MET, "Within a year: alice logged in 2026-02-26.")

    running = criteria(contact_closed=False, attempts_made=1, home_pages=["https://example.com/demo"])
    assert running["unreachable"] == (
        Criterion.UNKNOWN,
        "Contact period running: email 1 of 3 sent, no answer yet.",
    )
    assert running["no-owner-activity"][0] == Criterion.UNKNOWN
    assert "check the home page by hand: https://example.com/demo" in running["no-owner-activity"][1]
    assert criteria(contact_closed=False, attempts_made=0)["unreachable"][0] == Criterion.UNKNOWN
    assert criteria(last_release=None)["no-recent-release"] == (Criterion.MET, "No release at all.")
    assert criteria(project_exists=False)["no-recent-release"][0] == Criterion.UNKNOWN


def test_squatting_checklist_asks_for_files():
    assert criteria(kind=ClaimKind.SQUATTING, has_files=False)["no-files"] == (
        Criterion.MET,
        "The project has no files.",
    )
    assert criteria(kind=ClaimKind.SQUATTING, has_files=True)["no-files"][0] == Criterion.NOT_MET
    assert "no-files" not in criteria()


def test_answer_links(settings):
    settings.WHARF_SITE_URL = "https://index.example.com"
    token = answer_token(claim_id=7, owner_id=3)
    link = read_answer_token(token)
    assert (link.claim_id, link.owner_id) == (7, 3)
    assert answer_url(claim_id=7, owner_id=3).startswith("https://index.example.com/claims/answer/")
    for damaged in (token[:-2] + "xx", token.replace(":", "!", 1), "nonsense"):
        with pytest.raises(InvalidAnswerLink) as refused:
            read_answer_token(damaged)
        assert refused.value.message == "This answer link is not valid; open the link from the email exactly."
    settings.WHARF_CLAIM_ANSWER_LINK_DAYS = -1
    with pytest.raises(InvalidAnswerLink) as refused:
        read_answer_token(token)
    assert refused.value.message.startswith("This answer link has expired")


def test_links_of_another_salt_are_refused():
    from django.core import signing

    forged = signing.dumps({"c": 7, "o": 3}, salt="another.purpose", compress=True)
    with pytest.raises(InvalidAnswerLink):
        read_answer_token(forged)
