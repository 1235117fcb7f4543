"""Four eyes: removing projects or freezing accounts in bulk above WHARF_MODERATION_APPROVAL_THRESHOLD waits
for a second moderator, who approves (running the action, both people on record) or rejects it."""

import pytest

from accounts.models import User
from moderation.enums import PendingActionKind, PendingActionState
from moderation.exceptions import ModerationError
from moderation.models import AuditEntry, PendingAction
from moderation.services import pending_action_approve
from registry.models import File, JournalEntry, Project, UsedFilename
from tests.conftest import stored_paths, wait_for
from tests.moderation.conftest import messages_of, run_action, text_of

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

PROJECTS = "/admin/moderation/moderatedproject/"
PENDING = "/admin/moderation/pendingaction/"


@pytest.fixture
def three(publish, settings):
    settings.WHARF_MODERATION_APPROVAL_THRESHOLD = 2
    for name in ("spam-a", "spam-b", "spam-c"):
        publish(name, "1.0")
    return list(Project.objects.order_by("name"))


def test_bulk_removal_waits_for_a_second_moderator(mod_client, admin_as, make_moderator, three, sent):
    stored = stored_paths()
    filenames = set(File.objects.values_list("filename", flat=True))
    page, done = run_action(
        mod_client,
        PROJECTS,
        "remove_projects",
        [p.pk for p in three],
        reason="Spam wave.",
        prohibit_names="on",
    )
    assert "These are more than 2: confirming sends a request that another moderator must approve" in text_of(
        page
    )
    assert "now waits for a second moderator" in text_of(mod_client.get(done["Location"]))
    pending = PendingAction.objects.get()
    assert (pending.kind, pending.state, pending.object_names, pending.options) == (
        PendingActionKind.REMOVE_PROJECTS,
        PendingActionState.PENDING,
        ["spam-a", "spam-b", "spam-c"],
        {"prohibit_names": True},
    )
    assert Project.objects.count() == 3  # nothing removed yet
    requested = AuditEntry.objects.get()
    assert (requested.action, requested.actor_name) == ("approval requested: remove projects", "mod")

    # The requester cannot approve their own request.
    _, refused = run_action(mod_client, PENDING, "approve", [pending.pk], reason="me again")
    assert "Another moderator must approve this request: you made it." in text_of(
        mod_client.get(refused["Location"])
    )
    assert Project.objects.count() == 3

    second = admin_as(make_moderator("second"))
    assert "spam-b" in text_of(second.get(f"{PENDING}{pending.pk}/change/"))
    _, approved = run_action(second, PENDING, "approve", [pending.pk], reason="Checked: all spam.")
    assert "1 request approved and carried out." in text_of(second.get(approved["Location"]))
    assert not Project.objects.exists() and not File.objects.exists()
    assert set(UsedFilename.objects.values_list("filename", flat=True)) >= filenames  # names burned
    assert list(
        JournalEntry.objects.filter(action="remove project").values_list("name", flat=True).order_by("name")
    ) == [
        "spam-a",
        "spam-b",
        "spam-c",
    ]
    wait_for(lambda: not stored & stored_paths())  # files leave storage after the commit
    pending.refresh_from_db()
    assert (pending.state, pending.decided_by.username, pending.decision_note) == (
        PendingActionState.APPROVED,
        "second",
        "Checked: all spam.",
    )
    removed = AuditEntry.objects.get(action="project removed")
    assert removed.actor_name == "second"
    assert removed.reason == "Spam wave. (requested by mod, approved by second: Checked: all spam.)"
    assert AuditEntry.objects.filter(action="request approved", actor_name="second").exists()
    assert AuditEntry.objects.filter(action="name prohibited").exists()  # the option went along
    assert sent(1)[0].subject == "[Wharf] 3 of your projects were removed"


def test_below_the_threshold_removal_runs_at_once(mod_client, three, settings):
    settings.WHARF_MODERATION_APPROVAL_THRESHOLD = 3
    run_action(mod_client, PROJECTS, "remove_projects", [p.pk for p in three], reason="Spam.")
    assert not Project.objects.exists() and not PendingAction.objects.exists()


def test_bulk_freeze_waits_and_can_be_rejected(mod_client, admin_as, make_moderator, make_user, settings):
    settings.WHARF_MODERATION_APPROVAL_THRESHOLD = 2
    bots = [make_user(f"bot{index}") for index in range(3)]
    run_action(mod_client, "/admin/moderation/moderateduser/", "freeze", [u.pk for u in bots], reason="Bots.")
    pending = PendingAction.objects.get()
    assert pending.kind == PendingActionKind.FREEZE_USERS
    assert all(user.is_active for user in User.objects.filter(username__startswith="bot"))
    second = admin_as(make_moderator("second"))
    run_action(second, PENDING, "reject", [pending.pk], reason="Real people.")
    pending.refresh_from_db()
    assert pending.state == PendingActionState.REJECTED
    assert all(user.is_active for user in User.objects.filter(username__startswith="bot"))
    with pytest.raises(ModerationError, match="was already rejected"):
        pending_action_approve(pending=pending, actor=second_user(), note="late")


def second_user():
    return User.objects.get(username="second")


def test_approval_needs_the_actions_permission(make_moderator, make_user, moderator, settings, three):
    settings.WHARF_MODERATION_APPROVAL_THRESHOLD = 1
    from moderation.services import bulk_action

    outcome = bulk_action(kind=PendingActionKind.REMOVE_PROJECTS, objects=three, actor=moderator, reason="x")
    assert outcome.pending is not None and outcome.done == []
    stranger = make_user("stranger")
    with pytest.raises(ModerationError, match=r"You do not have the permission this action needs\."):
        pending_action_approve(pending=outcome.pending, actor=stranger, note="ok")
    assert Project.objects.count() == 3


def test_a_request_that_could_never_run_is_refused_at_once(mod_client, make_user, settings):
    settings.WHARF_MODERATION_APPROVAL_THRESHOLD = 1
    users = [make_user("bot"), make_user("root", superuser=True)]
    _, done = run_action(mod_client, "/admin/moderation/moderateduser/", "freeze", [u.pk for u in users], "x")
    message = text_of(mod_client.get(done["Location"]))
    assert "&#x27;root&#x27; is a staff account: remove its staff status before freezing it." in message
    assert not PendingAction.objects.exists() and User.objects.get(username="bot").is_active


def test_approving_several_requests_decides_each_and_says_so(
    mod_client, admin_as, make_moderator, make_user, settings, three
):
    """One of the selection is the approver's own: it is refused with its number, the other runs and is
    reported (neither hides the other)."""
    settings.WHARF_MODERATION_APPROVAL_THRESHOLD = 1
    from moderation.services import bulk_action

    second_moderator = make_moderator("second")
    theirs = bulk_action(
        kind=PendingActionKind.REMOVE_PROJECTS, objects=three[:2], actor=second_moderator, reason="Spam."
    ).pending
    mine = bulk_action(
        kind=PendingActionKind.FREEZE_USERS,
        objects=[make_user("bot1"), make_user("bot2")],
        actor=User.objects.get(username="mod"),
        reason="Bots.",
    ).pending
    _, done = run_action(mod_client, PENDING, "approve", [theirs.pk, mine.pk], reason="Checked.")
    shown = messages_of(mod_client, done)
    assert f"Request {mine.pk}: Another moderator must approve this request: you made it." in shown
    assert "1 request approved and carried out." in shown
    assert list(Project.objects.values_list("name", flat=True)) == ["spam-c"]
    assert User.objects.get(username="bot1").is_active


def test_the_warning_counts_what_the_action_acts_on(mod_client, make_user, settings, three):
    """Many reports of one project remove one project (no approval needed, no warning); the owners of a few
    projects can be many (approval needed, and the page says so)."""
    settings.WHARF_MODERATION_APPROVAL_THRESHOLD = 2
    from moderation.enums import ReportReason
    from moderation.models import Report
    from registry.models import Role

    reports = [
        Report.objects.create(
            project=three[0],
            project_name=three[0].name,
            reporter=make_user(f"reporter{index}"),
            reason=ReportReason.SPAM,
            description="A link farm.",
        )
        for index in range(3)
    ]
    ids = [report.pk for report in reports]
    page, _ = run_action(mod_client, "/admin/moderation/report/", "remove_projects", ids, reason=None)
    assert "another moderator must approve" not in text_of(page)
    for index in range(3):
        Role.objects.create(project=three[0], user=make_user(f"owner{index}"), role_name="Owner")
    page, _ = run_action(mod_client, "/admin/moderation/report/", "freeze_owners", ids[:1], reason=None)
    assert "another moderator must approve" in text_of(page)
