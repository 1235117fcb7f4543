"""One entry per operation: the page, the admin and the API call the same service with the same arguments,
so each path of an operation writes the same journal entries, audit entries and security-log lines.

Each test runs the operation once through each path, on two equivalent subjects (the projects `demo` and
`other`, both alice's; or two accounts), and compares what was written with the subjects' names replaced.
"""

import re

import pytest

from accounts.models import ApiToken, SecurityEvent
from moderation.models import AdminFlag, AuditEntry, PendingAction, Report
from moderation.services import pending_action_request
from registry.models import JournalEntry, Project, Release, Role
from tests.moderation.conftest import run_action

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

REASON = "Spam wave of 2026."


def written(run, *names: str) -> dict:
    """Run `run()`; what it wrote to the journal, the audit trail and the security log, with each of
    `names` (the subject's) replaced by a placeholder."""
    marks = {
        "journal": JournalEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0,
        "audit": AuditEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0,
        "security": SecurityEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0,
    }
    run()

    def plain(text):
        for name in names:
            text = (text or "").replace(name, "<subject>")
        return re.sub(r"#\d+", "#N", text or "")

    journal = JournalEntry.objects.filter(id__gt=marks["journal"]).order_by("id")
    audit = AuditEntry.objects.filter(id__gt=marks["audit"]).prefetch_related("targets").order_by("id")
    # A token's first use of the day is the credential's line, not the operation's.
    security = (
        SecurityEvent.objects.filter(id__gt=marks["security"]).exclude(kind="token-used").order_by("id")
    )
    return {
        "journal": [(plain(e.name), e.version, plain(e.action), e.actor_name) for e in journal],
        "audit": [
            (
                plain(a.action),
                a.actor_name,
                plain(a.reason),
                sorted((t.target_type, plain(t.target_name)) for t in a.targets.all()),
            )
            for a in audit
        ],
        "security": [(plain(s.user.username), s.kind, plain(s.detail)) for s in security],
    }


@pytest.fixture
def page(admin_as, world):
    """A browser session of alice's (the Owner) for the manage pages."""
    return admin_as(world.alice)


@pytest.fixture
def moderator_admin(admin_as, world):
    return admin_as(world.moderator)


@pytest.fixture
def twin(world):
    """`other` gets what `demo` has: mary as Maintainer."""
    Role.objects.create(user=world.mary, project=world.other, role_name="Maintainer")
    return world


def test_yank_and_unyank(api, page, twin):
    by_page = written(
        lambda: page.post(
            "/manage/project/demo/release/1.0/yank/", {"confirm_version": "1.0", "reason": REASON}
        ),
        "demo",
    )
    by_api = written(
        lambda: api(
            "POST", "projects/other/releases/1.0/yank/", {"reason": REASON}, token=twin.tokens["owner"]
        ),
        "other",
    )
    assert by_page == by_api and by_page["journal"] == [("<subject>", "1.0", "yank release", "alice")]
    assert Release.objects.filter(yanked=True, yanked_reason=REASON).count() == 2
    by_page = written(lambda: page.post("/manage/project/demo/release/1.0/unyank/"), "demo")
    by_api = written(
        lambda: api("POST", "projects/other/releases/1.0/unyank/", token=twin.tokens["owner"]), "other"
    )
    assert by_page == by_api and by_page["journal"][0][2] == "unyank release"


def test_delete_file_release_and_project(api, page, twin):
    token = twin.tokens["owner"]
    by_page = written(
        lambda: page.post(
            "/manage/project/demo/release/1.0/files/"
            f"{Release.objects.get(project=twin.demo).files.get(packagetype='sdist').pk}/delete/",
            {"confirm": "demo-1.0.tar.gz"},
        ),
        "demo",
    )
    by_api = written(
        lambda: api(
            "DELETE",
            "projects/other/releases/1.0/files/other-1.0.tar.gz/",
            {"confirm": "other-1.0.tar.gz"},
            token=token,
        ),
        "other",
    )
    assert by_page == by_api and by_page["journal"][0][2] == "remove file <subject>-1.0.tar.gz"
    by_page = written(
        lambda: page.post("/manage/project/demo/release/1.0/delete/", {"confirm": "1.0"}), "demo"
    )
    by_api = written(
        lambda: api("DELETE", "projects/other/releases/1.0/", {"confirm": "1.0"}, token=token), "other"
    )
    assert by_page == by_api and by_page["journal"][0][2] == "remove release"
    by_page = written(lambda: page.post("/manage/project/demo/delete/", {"confirm": "demo"}), "demo")
    by_api = written(lambda: api("DELETE", "projects/other/", {"confirm": "other"}, token=token), "other")
    assert by_page == by_api and by_page["journal"][0][2] == "remove project"
    assert not Project.objects.exists()


def test_roles(api, page, twin):
    token = twin.tokens["owner"]
    by_page = written(
        lambda: page.post("/manage/project/demo/collaborators/", {"username": "bob", "role_name": "Owner"}),
        "demo",
    )
    by_api = written(
        lambda: api(
            "POST", "projects/other/collaborators/", {"username": "bob", "role": "Owner"}, token=token
        ),
        "other",
    )
    assert by_page == by_api and by_page["journal"][0][2] == "invite Owner bob"
    role = Role.objects.get(project=twin.demo, user=twin.mary)
    by_page = written(
        lambda: page.post(f"/manage/project/demo/collaborators/{role.pk}/role/", {"role_name": "Owner"}),
        "demo",
    )
    by_api = written(
        lambda: api("PATCH", "projects/other/collaborators/mary/", {"role": "Owner"}, token=token), "other"
    )
    assert by_page == by_api and by_page["journal"][0][2] == "change Maintainer mary to Owner"
    by_page = written(lambda: page.post(f"/manage/project/demo/collaborators/{role.pk}/remove/"), "demo")
    by_api = written(lambda: api("DELETE", "projects/other/collaborators/mary/", token=token), "other")
    assert by_page == by_api and by_page["journal"][0][2] == "remove Owner mary"


def test_invitation_answers(api, admin_as, twin):
    owner = twin.tokens["owner"]
    for name in ("demo", "other"):
        api("POST", f"projects/{name}/collaborators/", {"username": "bob", "role": "Maintainer"}, token=owner)
    demo_invite, other_invite = (twin.bob.role_invitations.get(project__name=n) for n in ("demo", "other"))
    bob_page = admin_as(twin.bob)
    by_page = written(lambda: bob_page.post(f"/manage/invitations/{demo_invite.pk}/accept/"), "demo")
    by_api = written(
        lambda: api("POST", f"invitations/{other_invite.pk}/accept/", token=twin.tokens["other user"]),
        "other",
    )
    assert by_page == by_api and by_page["journal"][0][2] == "accepted Maintainer bob"


def test_tokens(api, client, twin, moderator_admin, admin_as):
    assert (
        client.post(
            "/accounts/login/", {"login": "alice", "password": "correct horse battery staple"}
        ).status_code
        == 302
    )
    by_page = written(
        lambda: client.post(
            "/accounts/tokens/",
            {"description": "ci", "scope": f"project:{twin.demo.pk}", "permissions": ["upload"]},
        ),
        "demo",
    )
    by_api = written(
        lambda: api(
            "POST",
            "tokens/",
            {"description": "ci2", "project": "other", "permissions": ["upload"]},
            token=twin.tokens["owner"],
        ),
        "other",
    )
    assert [(u, k) for u, k, _ in by_page["security"]] == [(u, k) for u, k, _ in by_api["security"]]
    assert by_page["security"][0][2] == "ci (Project: <subject>; upload)"
    assert by_api["security"][0][2] == "ci2 (Project: <subject>; upload)"
    ci, ci2 = ApiToken.objects.get(description="ci"), ApiToken.objects.get(description="ci2")
    by_page = written(lambda: client.post(f"/accounts/tokens/{ci.pk}/revoke/"), "ci")
    by_api = written(lambda: api("DELETE", f"tokens/{ci2.pk}/", token=twin.tokens["owner"]), "ci2")
    assert by_page == by_api and by_page["security"][0][1] == "token-revoked"
    third = ApiToken.objects.get(description="scoped")
    root = admin_as(type(twin.alice).objects.create_superuser("root", "root@example.com", "x"))
    by_admin = written(
        lambda: root.post("/admin/accounts/apitoken/", {"action": "revoke", "_selected_action": [third.pk]}),
        "scoped",
    )
    assert [(u, k, d) for u, k, d in by_admin["security"]] == [("alice", "token-revoked", "<subject>")]


def test_reports(api, admin_as, twin, moderator_admin):
    body = {"reason": "spam", "description": "Nothing but casino links here."}
    bob_page = admin_as(twin.bob)
    response = bob_page.post("/project/demo/report/", body)
    assert response.status_code == 302
    assert api("POST", "projects/other/reports/", body, token=twin.tokens["other user"]).status_code == 201
    rows = sorted(
        Report.objects.values_list("project_name", "reporter__username", "reason", "description", "state")
    )
    assert [row[1:] for row in rows] == [("bob", "spam", body["description"], "open")] * 2
    demo_report, other_report = (Report.objects.get(project_name=n) for n in ("demo", "other"))
    by_admin = written(
        lambda: run_action(moderator_admin, "/admin/moderation/report/", "dismiss", [demo_report.pk], REASON),
        "demo",
    )
    by_api = written(
        lambda: api(
            "POST",
            f"moderation/reports/{other_report.pk}/dismiss/",
            {"reason": REASON},
            token=twin.tokens["moderator"],
        ),
        "other",
    )
    assert by_admin == by_api and by_admin["audit"][0][0] == "report dismissed"


def test_quarantine_and_release(api, twin, moderator_admin):
    token = twin.tokens["moderator"]
    projects = "/admin/moderation/moderatedproject/"
    by_admin = written(
        lambda: run_action(moderator_admin, projects, "quarantine_projects", [twin.demo.pk], REASON), "demo"
    )
    by_api = written(
        lambda: api("POST", "moderation/projects/other/quarantine/", {"reason": REASON}, token=token), "other"
    )
    assert by_admin == by_api
    assert by_admin["journal"] == [("<subject>", None, "project quarantined", "molly")]
    assert by_admin["audit"][0][:3] == ("project quarantined", "molly", REASON)
    by_admin = written(
        lambda: run_action(moderator_admin, projects, "release_projects", [twin.demo.pk], REASON), "demo"
    )
    by_api = written(
        lambda: api("POST", "moderation/projects/other/release/", {"reason": REASON}, token=token), "other"
    )
    assert by_admin == by_api and by_admin["journal"][0][2] == "project quarantine cleared"


def test_remove_projects(api, twin, moderator_admin):
    by_admin = written(
        lambda: run_action(
            moderator_admin, "/admin/moderation/moderatedproject/", "remove_projects", [twin.demo.pk], REASON
        ),
        "demo",
    )
    by_api = written(
        lambda: api(
            "POST", "moderation/projects/other/remove/", {"reason": REASON}, token=twin.tokens["moderator"]
        ),
        "other",
    )
    assert by_admin == by_api and by_admin["journal"][0][2] == "remove project"
    assert by_admin["audit"][0][:2] == ("project removed", "molly")


def test_freeze_and_unfreeze(api, twin, make_user, moderator_admin):
    for name, project in (("carol", twin.demo), ("dave", twin.other)):
        Role.objects.create(user=make_user(name), project=project, role_name="Maintainer")
    carol = type(twin.alice).objects.get(username="carol")
    users, token = "/admin/moderation/moderateduser/", twin.tokens["moderator"]
    by_admin = written(
        lambda: run_action(moderator_admin, users, "freeze", [carol.pk], REASON), "carol", "demo"
    )
    by_api = written(
        lambda: api("POST", "moderation/users/dave/freeze/", {"reason": REASON}, token=token), "dave", "other"
    )
    assert by_admin == by_api
    assert [row[0] for row in by_admin["audit"]] == ["project quarantined", "account frozen"]
    by_admin = written(
        lambda: run_action(moderator_admin, users, "unfreeze", [carol.pk], REASON), "carol", "demo"
    )
    by_api = written(
        lambda: api("POST", "moderation/users/dave/unfreeze/", {"reason": REASON}, token=token),
        "dave",
        "other",
    )
    assert by_admin == by_api and by_admin["audit"][0][0] == "account unfrozen"


def test_flags(api, twin, moderator_admin):
    flag, _ = AdminFlag.objects.get_or_create(
        id="disallow-new-upload", defaults={"description": "Disallow new uploads", "message": "Paused."}
    )
    change = f"/admin/moderation/adminflag/{flag.pk}/change/"
    by_admin = written(
        lambda: moderator_admin.post(change, {"enabled": "on", "message": "Paused.", "reason": REASON})
    )
    by_api = written(
        lambda: api(
            "PUT",
            f"moderation/flags/{flag.pk}/",
            {"enabled": False, "message": "Paused.", "reason": REASON},
            token=twin.tokens["moderator"],
        )
    )
    assert [row[1:] for row in by_admin["audit"]] == [row[1:] for row in by_api["audit"]]
    assert (by_admin["audit"][0][0], by_api["audit"][0][0]) == (
        "flag disallow-new-upload on",
        "flag disallow-new-upload off",
    )


def test_pending_approval(api, twin, make_moderator, admin_as, make_token):
    first = make_moderator("max")
    requests = [
        pending_action_request(kind="remove-projects", objects=[project], actor=first, reason=REASON)
        for project in (twin.demo, twin.other)
    ]
    by_admin = written(
        lambda: run_action(
            admin_as(twin.moderator),
            "/admin/moderation/pendingaction/",
            "approve",
            [requests[0].pk],
            "Agreed.",
        ),
        "demo",
    )
    by_api = written(
        lambda: api(
            "POST",
            f"moderation/pending/{requests[1].pk}/approve/",
            {"reason": "Agreed."},
            token=twin.tokens["moderator"],
        ),
        "other",
    )
    assert by_admin == by_api
    assert [row[0] for row in by_admin["audit"]] == ["project removed", "request approved"]
    assert PendingAction.objects.filter(state="approved").count() == 2
