"""Every step of a claim through its service: filing, review, contacting the owners, the clock moved forward,
owners' answers, information requests, approval per kind (roles, journal, audit, emails), rejection,
withdrawal, several claims on one name, and releases flagged while a claim is open.

Each refusal is checked for its sentence and for having stored nothing.
"""

from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.core import mail
from django.utils import timezone

from moderation.claims import services
from moderation.claims.enums import ApprovalOutcome, ClaimEventKind, ClaimKind, ClaimState, OwnerAnswer
from moderation.claims.exceptions import ClaimError, TransitionRefused
from moderation.claims.links import read_answer_token
from moderation.claims.models import Claim, ClaimEvent, ContactAttempt, OwnerResponse
from moderation.enums import MODERATORS_GROUP
from moderation.models import AuditEntry, ProhibitedProjectName
from registry.models import JournalEntry, Project, Role, RoleInvitation
from tests import builders
from tests.claims.conftest import CLAIM_TEXTS
from tests.conftest import mails_to, wait_for

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

DAY = timedelta(days=1)


def snapshot() -> dict:
    """Everything a claim step may write in the database."""
    return {
        "claims": list(
            Claim.objects.order_by("pk").values_list("pk", "state", "due_at", "contact_attempts_made")
        ),
        "events": ClaimEvent.objects.count(),
        "contacts": ContactAttempt.objects.count(),
        "answers": OwnerResponse.objects.count(),
        "audit": AuditEntry.objects.count(),
        "roles": list(Role.objects.order_by("pk").values_list("user__username", "role_name")),
        "journal": JournalEntry.objects.count(),
    }


@pytest.fixture
def unchanged_claims(django_capture_on_commit_callbacks):
    """Assert that a block stored nothing and enqueued nothing (no email, no task) for after the commit."""
    from contextlib import contextmanager

    @contextmanager
    def check():
        before = snapshot()
        with django_capture_on_commit_callbacks() as enqueued:
            yield
        assert snapshot() == before
        assert enqueued == []

    return check


@pytest.fixture
def t0():
    return timezone.now()


def events(claim) -> list[tuple[str, str, str]]:
    return list(claim.events.order_by("created", "id").values_list("kind", "state_from", "state_to"))


def audit_actions(claim) -> list[str]:
    from moderation.audit import audit_trail

    return sorted(audit_trail(target=claim).values_list("action", flat=True))


@pytest.fixture
def contacted(demo, carol, moderator, file_claim, committed, t0, sent):
    """carol's transfer claim on demo, reviewed and with the owners contacted at t0."""
    claim = file_claim(carol, now=t0)
    with committed():
        services.claim_start_review(claim=claim, actor=moderator, now=t0)
        services.claim_contact_owners(claim=claim, actor=moderator, now=t0)
    sent(3)  # claimant: filed, owners contacted; alice: email 1
    mail.outbox.clear()
    claim.refresh_from_db()
    return claim


# --- filing -------------------------------------------------------------------------------------------------


def test_file_a_claim(demo, carol, file_claim, sent, t0):
    claim = file_claim(carol, name="Demo", now=t0)
    stored = Claim.objects.get()
    assert (stored.claimant, stored.project, stored.project_name, stored.normalized_name) == (
        carol,
        demo,
        "demo",
        "demo",
    )
    assert (stored.requested_name, stored.name_rule, stored.kind, stored.state) == (
        "Demo",
        "exists",
        ClaimKind.TRANSFER,
        ClaimState.SUBMITTED,
    )
    assert (stored.justification, stored.code_url) == (CLAIM_TEXTS["justification"], CLAIM_TEXTS["code_url"])
    assert stored.due_at == t0 + 7 * DAY  # WHARF_CLAIM_REVIEW_DAYS
    assert events(claim) == [(ClaimEventKind.FILED, "", "")]
    assert audit_actions(claim) == ["claim.file"]
    [message] = sent(1)
    assert message.to == ["carol@example.com"]
    assert message.subject == f"[Wharf] Your name claim #{claim.pk} on demo"
    assert "We received your claim on 'demo' (Abandoned project: transfer ownership to me)." in message.body
    assert f"Review starts by: {(t0 + 7 * DAY):%Y-%m-%d}" in message.body
    assert f"/claims/{claim.pk}/" in message.body


def test_a_reserved_name_and_a_too_similar_name(alice, make_token, upload, carol, file_claim):
    from registry.services.projects import name_decision

    # A project without release: registered by an upload whose release was then deleted is rare, so make one.
    Project.objects.create(name="Reserved-Name", normalized_name="reserved-name")
    reserved = file_claim(carol, name="reserved_name", kind=ClaimKind.SQUATTING)
    assert (reserved.project_name, reserved.name_rule) == ("Reserved-Name", "reserved")
    upload(builders.wheel("toasting", "1.0"), token=make_token(alice))
    similar = file_claim(carol, name="t0asting", kind=ClaimKind.OTHER)
    assert (similar.project_name, similar.requested_name, similar.name_rule) == (
        "toasting",
        "t0asting",
        "too-similar",
    )
    assert similar.events.get().note == name_decision("t0asting").reason


@pytest.mark.parametrize(
    ("name", "message"),
    [
        (
            "asyncio",
            "The name 'asyncio' conflicts with the standard-library module 'asyncio', and such names are "
            "never given to any project, so it cannot be claimed.",
        ),
        (
            "gadzooks",
            "The name 'gadzooks' is prohibited by the administrators of this index, so it cannot be claimed; "
            "write to them if you think the prohibition is wrong.",
        ),
        ("bad name!", "The name 'bad name!' is not a valid project name, so it cannot be claimed."),
        (
            "free-name",
            "The name 'free-name' is available, so there is nothing to claim: publish your first release to "
            "register it.",
        ),
        ("demo", "You are already Owner of project 'demo', so there is nothing to claim."),
    ],
)
def test_names_that_cannot_be_claimed(demo, alice, file_claim, unchanged_claims, name, message):
    ProhibitedProjectName.objects.create(name="gadzooks", reason="private")
    with unchanged_claims(), pytest.raises(ClaimError) as refused:
        file_claim(alice, name=name)
    assert refused.value.message == message


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"kind": "steal"}, "'steal' is not a kind of claim; choose one of the listed kinds."),
        ({"justification": "  "}, "Give the reasons for your claim."),
        ({"intended_use": ""}, "Give what you will publish under the name."),
        ({"contact_attempts": ""}, "Give how you tried to contact the owners."),
        ({"justification": "x" * 5001}, "Keep the reasons for your claim under 5000 characters."),
        ({"code_url": "javascript:alert(1)"}, "Give a web address (http or https) for your code."),
        (
            {"code_url": "https://example.com/" + "x" * 500},
            "Give a shorter web address for your code (at most 500 characters).",
        ),
    ],
)
def test_bad_input_is_refused(demo, carol, file_claim, unchanged_claims, overrides, message):
    with unchanged_claims(), pytest.raises(ClaimError) as refused:
        file_claim(carol, **overrides)
    assert refused.value.message == message


def test_a_verified_email_is_required(demo, make_user, file_claim, unchanged_claims):
    from accounts.exceptions import EmailNotVerified

    dave = make_user("dave", verified=False)
    with unchanged_claims(), pytest.raises(EmailNotVerified) as refused:
        file_claim(dave)
    assert (
        refused.value.reason == "You must verify your primary email address before you can file a name claim."
    )
    assert refused.value.url == "/accounts/email/"


def test_one_open_claim_per_user_and_name_several_users_per_name(
    demo, carol, make_user, file_claim, unchanged_claims, committed
):
    first = file_claim(carol)
    with unchanged_claims(), pytest.raises(ClaimError) as refused:
        file_claim(carol, name="DEMO", kind=ClaimKind.MAINTAINER)
    assert refused.value.message == f"You already have an open claim on 'demo' (claim #{first.pk})."
    second = file_claim(make_user("dave"))
    assert second.pk != first.pk
    with committed():
        services.claim_withdraw(claim=first, actor=carol)
    again = file_claim(carol)  # a closed claim does not count
    assert Claim.objects.filter(claimant=carol).count() == 2 and again.state == ClaimState.SUBMITTED


def test_the_database_keeps_one_open_claim_per_user_and_name(demo, carol, file_claim):
    from django.db import IntegrityError, transaction

    claim = file_claim(carol)
    duplicate = Claim(
        claimant=carol,
        project=demo,
        project_name="demo",
        normalized_name="demo",
        requested_name="demo",
        name_rule="exists",
        kind=ClaimKind.MAINTAINER,
        **CLAIM_TEXTS,
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()
    Claim.objects.filter(pk=claim.pk).update(state=ClaimState.REJECTED)
    duplicate.save()  # closed claims are outside the constraint


# --- review and contact -------------------------------------------------------------------------------------


def test_contact_owners_emails_every_owner_with_a_link(
    demo, alice, carol, make_user, moderator, file_claim, committed, sent, t0
):
    bob = make_user("bob")
    Role.objects.create(user=bob, project=demo, role_name="Owner")
    Role.objects.create(user=make_user("mia"), project=demo, role_name="Maintainer")
    claim = file_claim(carol, now=t0)
    with committed():
        services.claim_start_review(claim=claim, actor=moderator, note="Looks serious.", now=t0)
        services.claim_contact_owners(claim=claim, actor=moderator, now=t0 + DAY)
    sent(4)  # carol: filed, owners contacted; alice and bob: email 1
    claim.refresh_from_db()
    assert (claim.state, claim.contact_attempts_made, claim.contact_started_at) == (
        ClaimState.OWNERS_CONTACTED,
        1,
        t0 + DAY,
    )
    assert claim.due_at == t0 + 15 * DAY
    contact = ContactAttempt.objects.get()
    assert (contact.attempt, contact.answer_due) == (1, t0 + 15 * DAY)
    assert [r["username"] for r in contact.recipients] == ["alice", "bob"]  # Owners only
    for owner in (alice, bob):
        [message] = mails_to(owner.email)
        assert message.subject == "[Wharf] Are you still maintaining demo? Name claim on demo (1/3)"
        assert CLAIM_TEXTS["justification"] in message.body and "carol" in message.body
        token = message.body.split("/claims/answer/")[1].split("/")[0]
        link = read_answer_token(token)
        assert (link.claim_id, link.owner_id) == (claim.pk, owner.pk)
    assert not mails_to("mia@example.com")
    assert (
        "The moderators contacted the owners of 'demo' about your claim."
        in mails_to("carol@example.com")[-1].body
    )
    assert events(claim)[1:] == [
        (ClaimEventKind.REVIEW_STARTED, ClaimState.SUBMITTED, ClaimState.IN_REVIEW),
        (ClaimEventKind.OWNERS_CONTACTED, ClaimState.IN_REVIEW, ClaimState.OWNERS_CONTACTED),
    ]
    assert claim.events.get(kind=ClaimEventKind.OWNERS_CONTACTED).note == (
        f"Email 1 of 3 sent to alice, bob; answer due by {(t0 + 15 * DAY):%Y-%m-%d}."
    )
    assert audit_actions(claim) == ["claim.contact-owners", "claim.file", "claim.start-review"]


def test_contact_refusals(demo, carol, moderator, file_claim, committed, unchanged_claims):
    other = file_claim(carol, kind=ClaimKind.OTHER)
    with unchanged_claims(), pytest.raises(TransitionRefused) as refused:
        services.claim_contact_owners(claim=other, actor=moderator)
    assert refused.value.message == "This claim is submitted, so it cannot be sent to the owners."
    with committed():
        services.claim_start_review(claim=other, actor=moderator)
    with unchanged_claims(), pytest.raises(TransitionRefused) as refused:
        services.claim_contact_owners(claim=other, actor=moderator)
    assert refused.value.message.startswith(
        "Claims of kind 'Other' are decided without contacting the owners"
    )


def test_a_project_without_owner_cannot_be_contacted(
    demo, carol, moderator, file_claim, committed, unchanged_claims
):
    claim = file_claim(carol)
    with committed():
        services.claim_start_review(claim=claim, actor=moderator)
    Role.objects.filter(project=demo).delete()
    with unchanged_claims(), pytest.raises(TransitionRefused) as refused:
        services.claim_contact_owners(claim=claim, actor=moderator)
    assert refused.value.message == "The project has no Owner to contact; decide the claim directly."


# --- the clock ----------------------------------------------------------------------------------------------


def test_reachability_three_emails_two_weeks_apart_then_ready(contacted, moderator, committed, sent, t0):
    claim = contacted
    with committed():
        report = services.claims_run_deadlines(now=t0 + 13 * DAY)
    assert report == services.DeadlineReport() and mail.outbox == []

    with committed():
        report = services.claims_run_deadlines(now=t0 + 14 * DAY + timezone.timedelta(minutes=1))
    assert report.reminded_owners == [claim.pk]
    [message] = sent(1)
    assert message.subject == "[Wharf] Are you still maintaining demo? Name claim on demo (2/3)"
    claim.refresh_from_db()
    assert (claim.state, claim.contact_attempts_made) == (ClaimState.WAITING_FOR_OWNERS, 2)

    with committed():
        assert services.claims_run_deadlines(now=t0 + 29 * DAY).reminded_owners == [claim.pk]
    assert sent(2)[1].subject.endswith("(3/3)")
    with committed():  # the same hour again: nothing to do
        assert services.claims_run_deadlines(now=t0 + 29 * DAY) == services.DeadlineReport()

    with committed():
        report = services.claims_run_deadlines(now=t0 + 43 * DAY)
    assert report.ready == [claim.pk]
    claim.refresh_from_db()
    assert (claim.state, claim.contact_closed_at) == (ClaimState.READY_FOR_DECISION, t0 + 43 * DAY)
    assert claim.due_at == t0 + 50 * DAY  # the moderators' service level
    digest = sent(3)[2]
    assert digest.to == ["mod@example.com"] and digest.subject == "[Wharf] Name claims need a decision"
    assert f"Claim #{claim.pk} on demo: Ready for decision: no owner answered." in digest.body
    assert f"/admin/claims/claim/{claim.pk}/change/" in digest.body
    assert [attempt for attempt in ContactAttempt.objects.values_list("attempt", flat=True)] == [1, 2, 3]
    assert events(claim)[-3:] == [
        (ClaimEventKind.OWNERS_REMINDED, ClaimState.OWNERS_CONTACTED, ClaimState.WAITING_FOR_OWNERS),
        (ClaimEventKind.OWNERS_REMINDED, ClaimState.WAITING_FOR_OWNERS, ClaimState.WAITING_FOR_OWNERS),
        (ClaimEventKind.DEADLINE_PASSED, ClaimState.WAITING_FOR_OWNERS, ClaimState.READY_FOR_DECISION),
    ]
    assert claim.events.last().note == "No owner answered 3 email(s) over 42 days."
    assert "claim.contact-ended" in audit_actions(claim)


def test_the_clock_follows_the_settings(contacted, committed, settings, t0, sent):
    settings.WHARF_CLAIM_CONTACT_ATTEMPTS = 1
    with committed():
        assert services.claims_run_deadlines(now=t0 + 15 * DAY).ready == [contacted.pk]


def test_squatting_one_notice_then_a_week(demo, carol, moderator, file_claim, committed, sent, t0):
    claim = file_claim(carol, kind=ClaimKind.SQUATTING, now=t0)
    with committed():
        services.claim_start_review(claim=claim, actor=moderator, now=t0)
        services.claim_contact_owners(claim=claim, actor=moderator, now=t0)
    notice = next(message for message in sent(3) if message.to == ["alice@example.com"])
    assert notice.subject == "[Wharf] Courtesy notice Name claim on demo (1/1)"
    with committed():
        assert services.claims_run_deadlines(now=t0 + 6 * DAY) == services.DeadlineReport()
        assert services.claims_run_deadlines(now=t0 + 7 * DAY).ready == [claim.pk]
    assert ContactAttempt.objects.count() == 1


def test_moderators_are_reminded_once_per_overdue_deadline(
    demo, carol, moderator, file_claim, committed, sent, t0
):
    claim = file_claim(carol, now=t0)
    sent(1)
    with committed():
        assert services.claims_run_deadlines(now=t0 + 6 * DAY) == services.DeadlineReport()
        assert services.claims_run_deadlines(now=t0 + 8 * DAY).overdue == [claim.pk]
        assert services.claims_run_deadlines(now=t0 + 9 * DAY).overdue == []
    reminder = sent(2)[1]
    assert f"Claim #{claim.pk} on demo: Overdue since {(t0 + 7 * DAY):%Y-%m-%d}: submitted." in reminder.body
    claim.refresh_from_db()
    assert claim.state == ClaimState.SUBMITTED  # the moderators decide; the clock only reminds
    # Review resets the service level; once that passes too, another reminder.
    with committed():
        services.claim_start_review(claim=claim, actor=moderator, now=t0 + 9 * DAY)
        assert services.claims_run_deadlines(now=t0 + 17 * DAY).overdue == [claim.pk]
    assert ClaimEvent.objects.filter(kind=ClaimEventKind.ADMINS_REMINDED).count() == 2


def test_moderator_addresses_come_from_the_setting_when_set(
    contacted, committed, settings, sent, t0, make_user
):
    from moderation.claims.selectors import moderator_emails

    root = make_user("root", superuser=True)
    make_user("lurker")
    assert moderator_emails() == ["mod@example.com", "root@example.com"]
    root.is_active = False
    root.save()
    Group.objects.get(name=MODERATORS_GROUP)  # the migration's group
    assert moderator_emails() == ["mod@example.com"]
    settings.WHARF_MODERATOR_EMAILS = ["claims@example.com"]
    with committed():
        for days in (15, 29, 43):
            services.claims_run_deadlines(now=t0 + days * DAY)
    digest = sent(3)[-1]
    assert (digest.subject, digest.to) == ("[Wharf] Name claims need a decision", ["claims@example.com"])


# --- owners' answers ----------------------------------------------------------------------------------------


def test_owner_keeps_the_project(contacted, alice, moderator, committed, sent, unchanged_claims, t0):
    with committed():
        services.claim_owner_answer(
            claim=contacted,
            owner=alice,
            answer=OwnerAnswer.KEEP,
            note="I release twice a year.",
            now=t0 + 3 * DAY,
        )
    contacted.refresh_from_db()
    assert (contacted.state, contacted.contact_closed_at) == (ClaimState.READY_FOR_DECISION, t0 + 3 * DAY)
    assert events(contacted)[-1] == (
        ClaimEventKind.OWNER_ANSWERED,
        ClaimState.OWNERS_CONTACTED,
        ClaimState.READY_FOR_DECISION,
    )
    answer = OwnerResponse.objects.get()
    assert (answer.owner, answer.answer, answer.note) == (alice, OwnerAnswer.KEEP, "I release twice a year.")
    [notice] = sent(1)
    assert notice.to == ["mod@example.com"]
    assert (
        "Owner alice answered: Keep my project: I am still maintaining it. Note: I release twice a year."
        in (notice.body)
    )
    assert "claim.owner-answer" in audit_actions(contacted)
    # The clock has nothing left to do, and a transfer against the owner's wishes is refused.
    assert services.claims_run_deadlines(now=t0 + 60 * DAY).reminded_owners == []
    with unchanged_claims(), pytest.raises(TransitionRefused) as refused:
        services.claim_approve(claim=contacted, actor=moderator, reason="abandoned")
    assert "against a reachable owner's wishes" in refused.value.message
    with committed():
        services.claim_reject(claim=contacted, actor=moderator, reason="The owner is reachable and keeps it.")
    contacted.refresh_from_db()
    assert (contacted.state, contacted.decision_reason) == (
        ClaimState.REJECTED,
        "The owner is reachable and keeps it.",
    )


def test_owner_agrees_to_transfer(contacted, alice, carol, moderator, committed, sent, t0):
    with committed():
        services.claim_owner_answer(claim=contacted, owner=alice, answer=OwnerAnswer.TRANSFER, now=t0 + DAY)
        services.claim_approve(claim=contacted, actor=moderator, reason="The owner agreed.", now=t0 + 2 * DAY)
    assert list(
        Role.objects.filter(project=contacted.project).values_list("user__username", "role_name")
    ) == [("carol", "Owner")]


def test_owner_offers_maintainer_on_a_transfer_claim(contacted, alice, carol, moderator, committed, sent, t0):
    with committed():
        services.claim_owner_answer(claim=contacted, owner=alice, answer=OwnerAnswer.MAINTAINER, now=t0 + DAY)
        claim = services.claim_approve(claim=contacted, actor=moderator, reason="As the owner offered.")
    assert claim.outcome == ApprovalOutcome.ADD_MAINTAINER
    assert sorted(Role.objects.values_list("user__username", "role_name")) == [
        ("alice", "Owner"),
        ("carol", "Maintainer"),
    ]


def test_answer_refusals(contacted, alice, make_user, moderator, committed, unchanged_claims, sent):
    bob = make_user("bob")
    with unchanged_claims(), pytest.raises(ClaimError) as refused:
        services.claim_owner_answer(claim=contacted, owner=bob, answer=OwnerAnswer.TRANSFER)
    assert refused.value.message == "You are not an Owner of project 'demo', so you cannot answer for it."
    with unchanged_claims(), pytest.raises(ClaimError) as refused:
        services.claim_owner_answer(claim=contacted, owner=alice, answer="sure")
    assert refused.value.message == "Choose one of the answers."
    with committed():
        services.claim_reject(claim=contacted, actor=moderator, reason="Duplicate of #1.")
    with unchanged_claims(), pytest.raises(ClaimError) as refused:
        services.claim_owner_answer(claim=contacted, owner=alice, answer=OwnerAnswer.KEEP)
    assert refused.value.message == "This claim is already rejected, so answers can no longer change it."


def test_an_answer_before_any_contact_is_refused(demo, alice, carol, file_claim, unchanged_claims):
    claim = file_claim(carol)
    with unchanged_claims(), pytest.raises(ClaimError) as refused:
        services.claim_owner_answer(claim=claim, owner=alice, answer=OwnerAnswer.KEEP)
    assert refused.value.message == "The owners of this project have not been asked about this claim."


def test_a_late_answer_lands_on_the_case(contacted, alice, moderator, committed, sent, t0):
    with committed():
        services.claims_run_deadlines(now=t0 + 15 * DAY)
        services.claims_run_deadlines(now=t0 + 29 * DAY)
        services.claims_run_deadlines(now=t0 + 43 * DAY)
        services.claim_owner_answer(claim=contacted, owner=alice, answer=OwnerAnswer.KEEP, now=t0 + 44 * DAY)
    contacted.refresh_from_db()
    assert contacted.state == ClaimState.READY_FOR_DECISION
    assert events(contacted)[-1] == (ClaimEventKind.OWNER_ANSWERED, "", "")
    with pytest.raises(TransitionRefused):
        services.claim_approve(claim=contacted, actor=moderator, reason="x")


# --- information from the claimant --------------------------------------------------------------------------


def test_request_and_provide_information(demo, carol, moderator, file_claim, committed, sent, t0):
    claim = file_claim(carol, now=t0)
    with committed():
        services.claim_request_info(
            claim=claim, actor=moderator, question="Which fork is yours?", now=t0 + DAY
        )
    claim.refresh_from_db()
    assert (claim.state, claim.due_at) == (ClaimState.INFO_REQUESTED, t0 + 15 * DAY)
    question = sent(2)[1]
    assert "Question:\nWhich fork is yours?" in question.body
    with committed():
        services.claim_provide_info(
            claim=claim, actor=carol, answer="git.example.com/carol/demo", now=t0 + 2 * DAY
        )
    claim.refresh_from_db()
    assert claim.state == ClaimState.IN_REVIEW
    assert "carol answered: git.example.com/carol/demo" in sent(3)[2].body
    assert [kind for kind, _, _ in events(claim)] == [
        ClaimEventKind.FILED,
        ClaimEventKind.INFO_REQUESTED,
        ClaimEventKind.INFO_PROVIDED,
    ]


def test_information_refusals(demo, carol, make_user, moderator, file_claim, committed, unchanged_claims):
    claim = file_claim(carol)
    with unchanged_claims(), pytest.raises(TransitionRefused) as refused:
        services.claim_provide_info(claim=claim, actor=carol, answer="here")
    assert (
        refused.value.message
        == "This claim is submitted, so it cannot be answered: no information was requested."
    )
    with unchanged_claims(), pytest.raises(ClaimError) as refused:
        services.claim_request_info(claim=claim, actor=moderator, question=" ")
    assert refused.value.message == "Give the question for the claimant."
    with committed():
        services.claim_request_info(claim=claim, actor=moderator, question="Which fork?")
    with unchanged_claims(), pytest.raises(ClaimError) as refused:
        services.claim_provide_info(claim=claim, actor=make_user("dave"), answer="mine")
    assert refused.value.message == "Only the claimant can answer for this claim."


def test_unanswered_question_goes_to_a_decision(demo, carol, moderator, file_claim, committed, sent, t0):
    claim = file_claim(carol, now=t0)
    with committed():
        services.claim_request_info(claim=claim, actor=moderator, question="Which fork?", now=t0)
        assert services.claims_run_deadlines(now=t0 + 13 * DAY).ready == []
        assert services.claims_run_deadlines(now=t0 + 14 * DAY).ready == [claim.pk]
    claim.refresh_from_db()
    assert claim.state == ClaimState.READY_FOR_DECISION
    assert claim.events.last().note == "The claimant did not answer the moderators' question in time."


def test_an_answer_after_the_contact_period_returns_to_the_decision(
    contacted, carol, moderator, committed, sent, t0
):
    with committed():
        for days in (15, 29, 43):
            services.claims_run_deadlines(now=t0 + days * DAY)
        services.claim_request_info(
            claim=contacted, actor=moderator, question="Why not a fork?", now=t0 + 44 * DAY
        )
        services.claim_provide_info(
            claim=contacted, actor=carol, answer="Users install demo.", now=t0 + 45 * DAY
        )
    contacted.refresh_from_db()
    assert contacted.state == ClaimState.READY_FOR_DECISION


# --- decisions ----------------------------------------------------------------------------------------------


@pytest.fixture
def ready(contacted, committed, sent, t0):
    with committed():
        for days in (15, 29, 43):
            services.claims_run_deadlines(now=t0 + days * DAY)
    sent(3)
    mail.outbox.clear()
    contacted.refresh_from_db()
    return contacted


def test_approve_a_transfer(ready, demo, alice, carol, make_user, make_token, moderator, committed, sent, t0):
    mia = make_user("mia")
    Role.objects.create(user=mia, project=demo, role_name="Maintainer")
    RoleInvitation.objects.create(
        project=demo, invitee=make_user("ivy"), inviter=alice, role_name="Owner", expires=t0 + 7 * DAY
    )
    others = [
        services.claim_file(claimant=make_user(name), name="demo", kind=ClaimKind.MAINTAINER, **CLAIM_TEXTS)
        for name in ("dave", "erin")
    ]
    mail.outbox.clear()
    with committed():
        claim = services.claim_approve(
            claim=ready, actor=moderator, reason="Unreachable for six weeks.", now=t0 + 44 * DAY
        )
    assert (claim.state, claim.outcome, claim.decided_by, claim.decided_at) == (
        ClaimState.APPROVED,
        ApprovalOutcome.TRANSFER,
        moderator,
        t0 + 44 * DAY,
    )
    assert list(Role.objects.values_list("user__username", "role_name")) == [("carol", "Owner")]
    assert RoleInvitation.objects.get().status == "revoked"
    assert list(
        JournalEntry.objects.filter(project=demo).order_by("-id")[:4].values_list("action", "actor_name")
    )[::-1] == [
        ("add Owner carol", "mod"),
        ("remove Owner alice", "mod"),
        ("remove Maintainer mia", "mod"),
        ("revoke_invite Owner ivy", "mod"),
    ]
    assert "claim.approve" in audit_actions(claim)
    approval = AuditEntry.objects.get(action="claim.approve")
    assert (approval.actor, approval.reason.splitlines()[0]) == (moderator, "Unreachable for six weeks.")
    assert {(t.target_type, t.target_name) for t in approval.targets.all()} == {
        ("claims.claim", f"Claim #{claim.pk} on demo"),
        ("registry.project", "demo"),
    }

    # Both sides hear of it; the other claims on the name are closed with their reason.
    # (The Owners' notices of the role changes come too; tests/registry/test_notifications.py has them.)
    def claim_mail():
        return [message for message in mail.outbox if "claim" in message.subject.lower()]

    wait_for(lambda: len(claim_mail()) >= 4)
    messages = claim_mail()
    [to_claimant] = [message for message in mails_to("carol@example.com") if message in messages]
    assert (
        "was approved. carol is now Owner of 'demo'; the previous collaborators were removed."
        in to_claimant.body
    )
    assert "Unreachable for six weeks." in to_claimant.body
    [to_owner] = [message for message in mails_to("alice@example.com") if message in messages]
    assert to_owner.subject == "[Wharf] Name claim on demo approved"
    for other in others:
        other.refresh_from_db()
        assert other.state == ClaimState.REJECTED
        assert (
            other.decision_reason
            == f"Another claim on 'demo' was approved (claim #{claim.pk}), so this one is closed."
        )
        assert other.events.last().kind == ClaimEventKind.SUPERSEDED
        assert other.decision_reason in mails_to(other.claimant.email)[0].body
    assert len(messages) == 4


def test_approve_a_transfer_keeping_the_previous_owners(ready, moderator, committed, sent):
    with committed():
        claim = services.claim_approve(
            claim=ready, actor=moderator, reason="Shared.", keep_previous_owners=True
        )
    assert sorted(Role.objects.values_list("user__username", "role_name")) == [
        ("alice", "Owner"),
        ("carol", "Owner"),
    ]
    assert claim.events.get(kind=ClaimEventKind.APPROVED).note == (
        "Shared.\ncarol is now Owner of 'demo'; the previous owners stay."
    )


def test_approve_a_maintainer_claim(demo, carol, moderator, file_claim, committed, sent, t0):
    claim = file_claim(carol, kind=ClaimKind.MAINTAINER, now=t0)
    with committed():
        services.claim_start_review(claim=claim, actor=moderator, now=t0)
        services.claim_contact_owners(claim=claim, actor=moderator, now=t0)
        for days in (15, 29, 43):
            services.claims_run_deadlines(now=t0 + days * DAY)
        services.claim_approve(claim=claim, actor=moderator, reason="Add a maintainer.", now=t0 + 44 * DAY)
    assert sorted(Role.objects.values_list("user__username", "role_name")) == [
        ("alice", "Owner"),
        ("carol", "Maintainer"),
    ]
    assert JournalEntry.objects.latest("id").action == "add Maintainer carol"


def test_approve_a_squatting_claim_frees_the_name(
    alice, carol, moderator, file_claim, committed, sent, t0, upload, make_token
):
    from registry.services.projects import NameRule, name_decision

    squatted = Project.objects.create(name="squat", normalized_name="squat")
    Role.objects.create(user=alice, project=squatted, role_name="Owner")
    claim = file_claim(carol, name="squat", kind=ClaimKind.SQUATTING, now=t0)
    with committed():
        services.claim_start_review(claim=claim, actor=moderator, now=t0)
        services.claim_contact_owners(claim=claim, actor=moderator, now=t0)
        services.claims_run_deadlines(now=t0 + 8 * DAY)
        claim = services.claim_approve(claim=claim, actor=moderator, reason="An empty registration.")
    assert claim.outcome == ApprovalOutcome.FREE_NAME
    assert list(Role.objects.values_list("user__username", "role_name")) == [("carol", "Owner")]
    decision = name_decision("squat", user=carol)
    assert (decision.rule, decision.user_role) == (NameRule.RESERVED, "Owner")
    # The freed name is the claimant's: their first upload goes through.
    assert upload(builders.wheel("squat", "1.0"), token=make_token(carol)).status_code == 200


def test_approve_an_appeal_records_the_decision_only(
    demo, carol, make_user, moderator, file_claim, committed, sent
):
    appeal = file_claim(carol, kind=ClaimKind.OTHER)
    rival = file_claim(make_user("dave"))
    with committed():
        services.claim_start_review(claim=appeal, actor=moderator)
        claim = services.claim_approve(claim=appeal, actor=moderator, reason="A fair point; noted.")
    assert (claim.state, claim.outcome) == (ClaimState.APPROVED, ApprovalOutcome.RECORD_ONLY)
    assert list(Role.objects.values_list("user__username", "role_name")) == [("alice", "Owner")]
    rival.refresh_from_db()
    assert rival.state == ClaimState.SUBMITTED


def test_approval_refusals(demo, carol, moderator, file_claim, committed, unchanged_claims):
    claim = file_claim(carol)
    with unchanged_claims(), pytest.raises(TransitionRefused) as refused:
        services.claim_approve(claim=claim, actor=moderator, reason="ok")
    assert refused.value.message == "This claim is submitted, so it cannot be approved."
    with committed():
        services.claim_start_review(claim=claim, actor=moderator)
    with unchanged_claims(), pytest.raises(TransitionRefused) as refused:
        services.claim_approve(claim=claim, actor=moderator, reason="ok")
    assert refused.value.message.startswith("The owners must be contacted")
    with unchanged_claims(), pytest.raises(ClaimError) as refused:
        services.claim_approve(claim=claim, actor=moderator, reason="")
    assert refused.value.message == "Give the reason for the decision, which the claimant sees."


def test_a_quarantined_project_is_not_transferred(ready, moderator, unchanged_claims):
    Project.objects.filter(pk=ready.project_id).update(status="quarantined")
    with unchanged_claims(), pytest.raises(ClaimError) as refused:
        services.claim_approve(claim=ready, actor=moderator, reason="ok")
    assert (
        refused.value.message
        == "Project 'demo' is quarantined by the index moderators, so it cannot be changed."
    )


def test_a_removed_project_can_only_be_rejected(ready, moderator, committed, unchanged_claims):
    Project.objects.filter(pk=ready.project_id).delete()
    ready.refresh_from_db()
    assert ready.project is None and ready.project_name == "demo"
    with unchanged_claims(), pytest.raises(ClaimError) as refused:
        services.claim_approve(claim=ready, actor=moderator, reason="ok")
    assert (
        refused.value.message
        == "The project of this claim no longer exists, so the claim can only be rejected."
    )


def test_reject_needs_a_reason_and_tells_the_claimant(
    demo, carol, moderator, file_claim, committed, sent, unchanged_claims
):
    claim = file_claim(carol)
    with unchanged_claims(), pytest.raises(ClaimError) as refused:
        services.claim_reject(claim=claim, actor=moderator, reason="   ")
    assert refused.value.message == "Give the reason for the rejection, which the claimant sees."
    with committed():
        services.claim_reject(claim=claim, actor=moderator, reason="The project had a release last month.")
    claim.refresh_from_db()
    assert (claim.state, claim.due_at, claim.decision_reason) == (
        ClaimState.REJECTED,
        None,
        "The project had a release last month.",
    )
    rejection = sent(2)[1]
    assert (
        "was rejected." in rejection.body
        and "Reason:\nThe project had a release last month." in rejection.body
    )
    with unchanged_claims(), pytest.raises(TransitionRefused) as refused:
        services.claim_reject(claim=claim, actor=moderator, reason="again")
    assert refused.value.message == "This claim is rejected, so it cannot be rejected."


def test_withdraw(demo, carol, make_user, file_claim, committed, unchanged_claims):
    claim = file_claim(carol)
    with unchanged_claims(), pytest.raises(ClaimError) as refused:
        services.claim_withdraw(claim=claim, actor=make_user("dave"))
    assert refused.value.message == "Only the claimant can withdraw a claim."
    with committed():
        services.claim_withdraw(claim=claim, actor=carol)
    claim.refresh_from_db()
    assert (claim.state, claim.due_at) == (ClaimState.WITHDRAWN, None)
    assert events(claim)[-1] == (ClaimEventKind.WITHDRAWN, ClaimState.SUBMITTED, ClaimState.WITHDRAWN)
    assert "claim.withdraw" in audit_actions(claim)
    with unchanged_claims(), pytest.raises(TransitionRefused):
        services.claim_withdraw(claim=claim, actor=carol)


def test_withdraw_while_waiting_for_owners_stops_the_clock(contacted, carol, committed, t0):
    with committed():
        services.claim_withdraw(claim=contacted, actor=carol, now=t0 + DAY)
        assert services.claims_run_deadlines(now=t0 + 60 * DAY) == services.DeadlineReport()
    assert ContactAttempt.objects.count() == 1


# --- releases while a claim is open -------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)  # the task runs on the worker, which only sees committed rows
def test_a_new_release_is_flagged_on_open_claims(
    settled, demo, alice, carol, make_user, make_token, upload, file_claim, committed
):
    from tests.conftest import wait_for

    open_claim = file_claim(carol)
    closed = file_claim(make_user("dave"))
    with committed():
        services.claim_withdraw(claim=closed, actor=closed.claimant)
    response = upload(builders.wheel("demo", "2.0"), token=make_token(alice))
    assert response.status_code == 200
    wait_for(lambda: Claim.objects.get(pk=open_claim.pk).owner_released_at is not None)
    event = open_claim.events.get(kind=ClaimEventKind.NEW_RELEASE)
    assert event.note.startswith("Release 2.0 was published by alice on ")
    assert Claim.objects.get(pk=closed.pk).owner_released_at is None
    assert "claim.new-release" in audit_actions(open_claim)


def test_uploads_to_projects_without_claims_do_not_touch_claims(
    demo, alice, make_token, upload, django_assert_max_num_queries
):
    assert upload(builders.wheel("demo", "3.0"), token=make_token(alice)).status_code == 200
    assert not ClaimEvent.objects.exists()


# --- the evidence -------------------------------------------------------------------------------------------


def test_evidence_of_an_abandoned_project(ready, demo, alice, t0):
    from allauth.mfa.models import Authenticator

    long_ago = t0 - 800 * DAY
    demo.releases.update(created=long_ago)
    from registry.models import File

    File.objects.filter(release__project=demo).update(upload_time=long_ago)
    JournalEntry.objects.filter(project=demo).update(submitted=long_ago)
    alice.last_login = t0 - 500 * DAY
    alice.save(update_fields=["last_login"])
    Authenticator.objects.create(user=alice, type=Authenticator.Type.TOTP, data={})
    EmailAddress.objects.filter(user=alice).update(verified=False)

    evidence = services.evidence_refresh(claim=ready, now=t0 + 44 * DAY)
    data = evidence.data
    assert evidence.taken_at == t0 + 44 * DAY
    assert (data["releases"], data["files"], data["has_files"], data["last_release_version"]) == (
        1,
        1,
        True,
        "1.0",
    )
    assert data["days_since_last_release"] == 844 and data["days_since_last_upload"] == 844
    assert data["days_since_journal"] == 844
    [owner] = data["owners"]
    assert (owner["username"], owner["days_since_login"], owner["verified_email"], owner["two_factor"]) == (
        "alice",
        544,
        False,
        True,
    )
    assert data["contact"]["attempts_made"] == 3 and data["contact"]["answers"] == []
    assert [(item["key"], item["status"]) for item in data["criteria"]] == [
        ("unreachable", "met"),
        ("no-recent-release", "met"),
        ("no-owner-activity", "met"),
    ]
    # Snapshots are kept, newest first.
    services.evidence_refresh(claim=ready, now=t0 + 45 * DAY)
    assert list(ready.evidence.values_list("taken_at", flat=True)[:2]) == [t0 + 45 * DAY, t0 + 44 * DAY]


def test_evidence_of_an_active_project(demo, carol, file_claim, t0):
    claim = file_claim(carol, now=t0)
    data = services.evidence_refresh(claim=claim, now=t0).data
    assert [(item["key"], item["status"]) for item in data["criteria"]] == [
        ("unreachable", "unknown"),
        ("no-recent-release", "not-met"),
        ("no-owner-activity", "not-met"),
    ]
    assert data["other_open_claims"] == 0 and data["past_claims"] == []


def test_the_moderators_group_holds_the_claim_permissions():
    group = Group.objects.get(name=MODERATORS_GROUP)
    codenames = set(
        group.permissions.filter(content_type__app_label="claims").values_list("codename", flat=True)
    )
    assert codenames == {"view_claim", "review_claim", "decide_claim"}
