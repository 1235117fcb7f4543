"""The maintainers' pages: login, role and CSRF checks, invitations, roles, yanking, deletion, history.

Every change is checked for what it stored (rows, journal, mail, package storage); every refusal for its
message and for having changed nothing.
"""

import json
from contextlib import contextmanager
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from registry.enums import InvitationStatus
from registry.models import File, JournalEntry, Project, Release, Role, RoleInvitation, UsedFilename
from registry.services.projects import name_decision
from tests import builders
from tests.conftest import state, stored_paths, wait_for, worker_idle

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


@pytest.fixture
def demo(publish):
    """alice's project demo: 1.0 (sdist + wheel) and 2.0 (wheel)."""
    publish("demo", "1.0", sdist=True)
    publish("demo", "1.0")
    publish("demo", "2.0")
    return Project.objects.get(normalized_name="demo")


@pytest.fixture
def bob(make_user):
    return make_user("bob")


@pytest.fixture
def as_alice(web, alice):
    web.force_login(alice)
    return web


@pytest.fixture
def as_bob(bob):
    client = Client()
    client.force_login(bob)
    return client


def full_state() -> dict:
    return {
        **state(),
        "invitations": list(RoleInvitation.objects.values_list("status", flat=True).order_by("pk")),
        "role_names": list(Role.objects.values_list("role_name", flat=True).order_by("pk")),
        "yanked": list(Release.objects.values_list("yanked", "yanked_reason").order_by("pk")),
        "mail": len(mail.outbox),
    }


@contextmanager
def nothing_changes():
    # The emails of the steps before (sent by the worker when REDIS_URL is set) are all out first.
    from config.celery import app

    if not app.conf.task_always_eager:
        wait_for(worker_idle)
    before = full_state()
    yield
    assert full_state() == before


def actions(project) -> list[tuple[str, str | None, str]]:
    return list(
        JournalEntry.objects.filter(normalized_name=project.normalized_name)
        .order_by("id")
        .values_list("action", "version", "actor_name")
    )


def message_in(response, text: str) -> None:
    assert text in response.content.decode(), response.content.decode()[-3000:]


# --- access ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/manage/projects/"),
        ("get", "/manage/project/demo/"),
        ("get", "/manage/project/demo/collaborators/"),
        ("get", "/manage/project/demo/history/"),
        ("get", "/manage/project/demo/release/1.0/"),
        ("post", "/manage/project/demo/release/1.0/yank/"),
        ("post", "/manage/project/demo/delete/"),
        ("post", "/manage/invitations/1/accept/"),
    ],
)
def test_manage_pages_need_a_login(client, demo, method, path):
    with nothing_changes():
        response = getattr(client, method)(path, {"confirm_version": "1.0", "confirm": "demo"})
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/?next=")


def test_manage_pages_need_a_role(as_bob, demo):
    assert as_bob.get("/manage/project/demo/").status_code == 403
    assert as_bob.get("/manage/project/nope/").status_code == 404
    with nothing_changes():
        assert (
            as_bob.post("/manage/project/demo/release/1.0/yank/", {"confirm_version": "1.0"}).status_code
            == 403
        )
        assert as_bob.post("/manage/project/demo/delete/", {"confirm": "demo"}).status_code == 403


def test_changes_need_the_csrf_token(demo, alice):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    with nothing_changes():
        response = client.post("/manage/project/demo/release/1.0/yank/", {"confirm_version": "1.0"})
        assert response.status_code == 403
        response = client.post("/manage/project/demo/collaborators/", {"username": "x", "role_name": "Owner"})
        assert response.status_code == 403
    page = client.get("/manage/project/demo/release/1.0/").content.decode()
    assert 'name="csrfmiddlewaretoken"' in page


def test_get_cannot_change_anything(as_alice, demo):
    with nothing_changes():
        assert as_alice.get("/manage/project/demo/release/1.0/yank/").status_code == 405
        assert as_alice.get("/manage/project/demo/delete/").status_code == 405


def test_your_projects_page(as_alice, demo, publish):
    publish("other", "1.0")
    page = as_alice.get("/manage/projects/").content.decode()
    assert (
        '<a href="/manage/project/demo/">demo</a>' in page
        and '<a href="/manage/project/other/">other</a>' in page
    )


# --- invitations --------------------------------------------------------------------------------------------


def invite(client, username="bob", role="Maintainer"):
    return client.post("/manage/project/demo/collaborators/", {"username": username, "role_name": role})


def test_invite_accept(as_alice, as_bob, demo, bob, sent):
    response = invite(as_alice)
    assert (response.status_code, response["Location"]) == (302, "/manage/project/demo/collaborators/")
    invitation = RoleInvitation.objects.get()
    assert (invitation.invitee, invitation.role_name, invitation.status) == (bob, "Maintainer", "pending")
    assert timedelta(days=6, hours=23) < invitation.expires - invitation.created <= timedelta(days=7)
    assert actions(demo)[-1] == ("invite Maintainer bob", None, "alice")
    # bob is invited; the Owners (alice, who invited) are told of the invitation.
    email, notice = sorted(sent(2), key=lambda message: message.to != ["bob@example.com"])
    assert notice.to == ["alice@example.com"]
    assert notice.subject == "[Wharf] bob was invited to demo"
    assert email.to == ["bob@example.com"]
    assert email.subject == "[Wharf] alice invited you to be Maintainer of demo"
    assert "http://127.0.0.1:8000/manage/projects/" in email.body
    assert "Maintainers upload releases" in email.alternatives[0][0]
    assert "bob" in as_alice.get("/manage/project/demo/collaborators/").content.decode()

    page = as_bob.get("/manage/projects/").content.decode()
    assert f'action="/manage/invitations/{invitation.pk}/accept/"' in page
    response = as_bob.post(f"/manage/invitations/{invitation.pk}/accept/")
    assert (response.status_code, response["Location"]) == (302, "/manage/project/demo/")
    assert Role.objects.get(user=bob).role_name == "Maintainer"
    invitation.refresh_from_db()
    assert invitation.status == "accepted" and invitation.responded is not None
    assert actions(demo)[-1] == ("accepted Maintainer bob", None, "bob")
    # The new Maintainer uploads.
    assert as_bob.get("/manage/project/demo/").status_code == 200


def test_invitation_accepted_after_a_role_came_another_way(as_alice, as_bob, demo, bob):
    """A name claim made bob Owner while his Maintainer invitation was open: accepting must not claim
    he is Maintainer now (the message, the invitation and the journal would all say so)."""
    invite(as_alice)
    invitation = RoleInvitation.objects.get()
    Role.objects.create(project=demo, user=bob, role_name="Owner")
    with nothing_changes():
        response = as_bob.post(f"/manage/invitations/{invitation.pk}/accept/", follow=True)
    message_in(response, "You are already Owner of project &#x27;demo&#x27;; ask an Owner to change")
    assert Role.objects.get(user=bob).role_name == "Owner"


def test_invite_decline(as_alice, as_bob, demo, bob):
    invite(as_alice, role="Owner")
    invitation = RoleInvitation.objects.get()
    assert as_bob.post(f"/manage/invitations/{invitation.pk}/decline/").status_code == 302
    invitation.refresh_from_db()
    assert invitation.status == "declined" and not Role.objects.filter(user=bob).exists()
    assert actions(demo)[-1] == ("decline_invite Owner bob", None, "bob")


def test_revoked_and_expired_invitations_cannot_be_accepted(as_alice, as_bob, demo, bob):
    invite(as_alice)
    invitation = RoleInvitation.objects.get()
    response = as_alice.post(f"/manage/project/demo/invitations/{invitation.pk}/revoke/")
    assert response.status_code == 302
    assert actions(demo)[-1] == ("revoke_invite Maintainer bob", None, "alice")
    with nothing_changes():
        response = as_bob.post(f"/manage/invitations/{invitation.pk}/accept/", follow=True)
    message_in(response, "The invitation to project &#x27;demo&#x27; was revoked.")

    invite(as_alice)
    second = RoleInvitation.objects.get(status="pending")
    RoleInvitation.objects.filter(pk=second.pk).update(expires=timezone.now() - timedelta(seconds=1))
    with nothing_changes():
        response = as_bob.post(f"/manage/invitations/{second.pk}/accept/", follow=True)
    message_in(response, "The invitation to project &#x27;demo&#x27; has expired.")
    assert "/manage/invitations/" not in as_bob.get("/manage/projects/").content.decode()
    # A new invitation replaces the expired one.
    assert invite(as_alice).status_code == 302
    assert sorted(RoleInvitation.objects.values_list("status", flat=True)) == [
        "expired",
        "pending",
        "revoked",
    ]


@pytest.mark.parametrize(
    ("username", "message"),
    [
        ("nobody", "There is no user named &#x27;nobody&#x27;."),
        ("carol", "User &#x27;carol&#x27; does not have a verified primary email address"),
        ("alice", "User &#x27;alice&#x27; already has a role on project &#x27;demo&#x27;."),
    ],
)
def test_invitation_refusals(as_alice, demo, make_user, username, message):
    make_user("carol", verified=False)
    with nothing_changes():
        response = invite(as_alice, username=username)
    assert response.status_code == 400
    message_in(response, message)


def test_second_open_invitation_is_refused(as_alice, demo, bob):
    invite(as_alice)
    with nothing_changes():
        response = invite(as_alice, username="BOB")
    assert response.status_code == 400
    message_in(response, "already has an open invitation")


def test_inviter_needs_a_verified_email(web, demo, alice, bob):
    alice.emailaddress_set.update(verified=False)
    web.force_login(alice)
    with nothing_changes():
        response = invite(web)
    assert response.status_code == 400
    message_in(
        response, "You need a verified primary email address to invite collaborators; add or verify one at"
    )
    assert 'href="/accounts/email/"' in response.content.decode()


def test_only_owners_invite_and_see_owner_forms(as_alice, demo, bob, make_user):
    Role.objects.create(user=bob, project=demo, role_name="Maintainer")
    client = Client()
    client.force_login(bob)
    page = client.get("/manage/project/demo/collaborators/").content.decode()
    assert (
        "Invite a collaborator" not in page
        and "Delete" not in client.get("/manage/project/demo/").content.decode()
    )
    make_user("carol")
    with nothing_changes():
        response = invite(client, username="carol")
    assert response.status_code == 403
    message_in(response, "Only Owners of project &#x27;demo&#x27; can do this.")


def test_nobody_answers_someone_elses_invitation(as_alice, demo, bob, make_user):
    invite(as_alice)
    invitation = RoleInvitation.objects.get()
    carol = Client()
    carol.force_login(make_user("carol"))
    with nothing_changes():
        assert carol.post(f"/manage/invitations/{invitation.pk}/accept/").status_code == 404
        assert carol.post(f"/manage/invitations/{invitation.pk}/shrug/").status_code == 404


# --- roles --------------------------------------------------------------------------------------------------


def test_owner_changes_a_role(as_alice, demo, bob):
    role = Role.objects.create(user=bob, project=demo, role_name="Maintainer")
    response = as_alice.post(f"/manage/project/demo/collaborators/{role.pk}/role/", {"role_name": "Owner"})
    assert response.status_code == 302
    assert Role.objects.get(pk=role.pk).role_name == "Owner"
    assert actions(demo)[-1] == ("change Maintainer bob to Owner", None, "alice")


def test_last_owner_cannot_leave_or_step_down(as_alice, demo, alice):
    role = Role.objects.get(user=alice)
    with nothing_changes():
        response = as_alice.post(f"/manage/project/demo/collaborators/{role.pk}/remove/")
        assert response.status_code == 400
        message_in(response, "The last Owner of project &#x27;demo&#x27; cannot leave")
        response = as_alice.post(
            f"/manage/project/demo/collaborators/{role.pk}/role/", {"role_name": "Maintainer"}
        )
        assert response.status_code == 400
        message_in(response, "cannot lose the Owner role")


def test_owner_leaves_when_another_owner_remains(as_alice, demo, alice, bob):
    Role.objects.create(user=bob, project=demo, role_name="Owner")
    role = Role.objects.get(user=alice)
    response = as_alice.post(f"/manage/project/demo/collaborators/{role.pk}/remove/")
    assert (response.status_code, response["Location"]) == (302, "/manage/projects/")
    assert list(demo.roles.values_list("user__username", flat=True)) == ["bob"]
    assert actions(demo)[-1] == ("remove Owner alice", None, "alice")


def test_maintainer_may_leave_but_not_remove_others(demo, alice, bob):
    maintainer = Role.objects.create(user=bob, project=demo, role_name="Maintainer")
    client = Client()
    client.force_login(bob)
    owner = Role.objects.get(user=alice)
    with nothing_changes():
        assert client.post(f"/manage/project/demo/collaborators/{owner.pk}/remove/").status_code == 403
    assert client.post(f"/manage/project/demo/collaborators/{maintainer.pk}/remove/").status_code == 302
    assert not Role.objects.filter(user=bob).exists()
    assert actions(demo)[-1] == ("remove Maintainer bob", None, "bob")


# --- yanking (PEP 592) --------------------------------------------------------------------------------------


def simple_files(client) -> dict:
    response = client.get("/simple/demo/", HTTP_ACCEPT="application/vnd.pypi.simple.v1+json")
    return {file["filename"]: file["yanked"] for file in json.loads(response.content)["files"]}


def test_yank_and_unyank(as_alice, demo, client):
    assert simple_files(client)["demo-2.0-py3-none-any.whl"] is False  # cached before the change
    response = as_alice.post(
        "/manage/project/demo/release/2.0/yank/", {"confirm_version": "2.0", "reason": "Broken <b>wheel</b>"}
    )
    assert (response.status_code, response["Location"]) == (302, "/manage/project/demo/release/2.0/")
    release = Release.objects.get(version="2.0")
    assert (release.yanked, release.yanked_reason) == (True, "Broken <b>wheel</b>")
    assert release.yanked_at is not None
    assert actions(demo)[-1] == ("yank release", "2.0", "alice")
    assert simple_files(client) == {
        "demo-1.0.tar.gz": False,
        "demo-1.0-py3-none-any.whl": False,
        "demo-2.0-py3-none-any.whl": "Broken <b>wheel</b>",
    }
    html = client.get("/simple/demo/").content.decode()
    assert 'data-yanked="Broken &lt;b&gt;wheel&lt;/b&gt;"' in html
    document = json.loads(client.get("/pypi/demo/json").content)
    assert document["info"]["version"] == "1.0"  # the latest skips yanked releases
    assert document["releases"]["2.0"][0]["yanked_reason"] == "Broken <b>wheel</b>"

    with nothing_changes():
        response = as_alice.post("/manage/project/demo/release/2.0/yank/", {"confirm_version": "2.0"})
    assert response.status_code == 400
    message_in(response, "Release 2.0 of &#x27;demo&#x27; is already yanked.")

    assert as_alice.post("/manage/project/demo/release/2.0/unyank/").status_code == 302
    release.refresh_from_db()
    assert (release.yanked, release.yanked_reason, release.yanked_at) == (False, "", None)
    assert actions(demo)[-1] == ("unyank release", "2.0", "alice")
    assert simple_files(client)["demo-2.0-py3-none-any.whl"] is False


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"confirm_version": "2.1"}, "That is not the version: type &#x27;2.0&#x27; exactly to confirm."),
        ({}, "This field is required."),
        ({"confirm_version": "2.0", "reason": "x" * 1001}, "at most 1000 characters"),
        ({"confirm_version": "2.0", "reason": "nul\x00"}, "Null characters are not allowed."),
    ],
)
def test_yank_refusals(as_alice, demo, data, message):
    with nothing_changes():
        response = as_alice.post("/manage/project/demo/release/2.0/yank/", data)
    assert response.status_code == 400
    message_in(response, message)


def test_maintainers_cannot_yank(demo, bob):
    Role.objects.create(user=bob, project=demo, role_name="Maintainer")
    client = Client()
    client.force_login(bob)
    assert "Yank 2.0" not in client.get("/manage/project/demo/release/2.0/").content.decode()
    with nothing_changes():
        response = client.post("/manage/project/demo/release/2.0/yank/", {"confirm_version": "2.0"})
    assert response.status_code == 403


def test_quarantined_project_cannot_be_changed(as_alice, demo):
    Project.objects.update(status="quarantined")
    with nothing_changes():
        response = as_alice.post("/manage/project/demo/release/2.0/yank/", {"confirm_version": "2.0"})
        assert response.status_code == 400
        message_in(response, "Project &#x27;demo&#x27; is quarantined by the index moderators")
        assert as_alice.post("/manage/project/demo/delete/", {"confirm": "demo"}).status_code == 400


# --- deletion -----------------------------------------------------------------------------------------------


def test_delete_a_file(as_alice, demo, upload, alice_token):
    file = File.objects.get(filename="demo-2.0-py3-none-any.whl")
    size_before = Project.objects.get().total_size
    page = as_alice.get("/manage/project/demo/release/2.0/").content.decode()
    assert "filenames stay used" in page and "yank it instead" in page
    with nothing_changes():
        response = as_alice.post(
            f"/manage/project/demo/release/2.0/files/{file.pk}/delete/", {"confirm": "demo"}
        )
        assert response.status_code == 400
    response = as_alice.post(
        f"/manage/project/demo/release/2.0/files/{file.pk}/delete/", {"confirm": file.filename}
    )
    assert response.status_code == 302
    assert not File.objects.filter(pk=file.pk).exists() and Release.objects.filter(version="2.0").exists()
    assert UsedFilename.objects.filter(filename=file.filename).exists()
    assert Project.objects.get().total_size == size_before - file.size
    assert actions(demo)[-1] == (f"remove file {file.filename}", "2.0", "alice")
    wait_for(lambda: file.path not in stored_paths() and f"{file.path}.metadata" not in stored_paths())
    assert len(stored_paths()) == 3  # the other wheel with its metadata, and the sdist
    # The name is burned: the same file cannot come back.
    response = upload(builders.wheel("demo", "2.0"), token=alice_token)
    assert response.status_code == 400
    assert response.reason_phrase.startswith(
        "This filename was previously used by a file that has since been deleted."
    )


def test_delete_a_release(as_alice, demo):
    paths = set(File.objects.filter(release__version="1.0").values_list("path", flat=True))
    with nothing_changes():
        assert (
            as_alice.post("/manage/project/demo/release/1.0/delete/", {"confirm": "1.0.0"}).status_code == 400
        )
    response = as_alice.post("/manage/project/demo/release/1.0/delete/", {"confirm": "1.0"})
    assert (response.status_code, response["Location"]) == (302, "/manage/project/demo/")
    assert list(Release.objects.values_list("version", flat=True)) == ["2.0"]
    project = Project.objects.get()
    assert project.total_size == File.objects.get().size
    assert actions(demo)[-1] == ("remove release", "1.0", "alice")
    assert UsedFilename.objects.count() == 3
    wait_for(lambda: not paths & stored_paths())


def test_delete_the_project(as_alice, demo, client):
    page = as_alice.get("/manage/project/demo/").content.decode()
    assert "filenames of its files <strong>stay used</strong>" in page
    with nothing_changes():
        assert as_alice.post("/manage/project/demo/delete/", {"confirm": "Demo"}).status_code == 400
    response = as_alice.post("/manage/project/demo/delete/", {"confirm": "demo"})
    assert (response.status_code, response["Location"]) == (302, "/manage/projects/")
    assert not Project.objects.exists() and not Release.objects.exists() and not Role.objects.exists()
    assert UsedFilename.objects.count() == 3
    last = JournalEntry.objects.latest("id")
    assert (last.name, last.action, last.actor_name, last.project) == (
        "demo",
        "remove project",
        "alice",
        None,
    )
    wait_for(lambda: stored_paths() == set())
    assert client.get("/simple/demo/").status_code == 404
    assert client.get("/project/demo/").status_code == 404
    assert name_decision("demo").available


# --- history and query counts ------------------------------------------------------------------------------


def test_history_lists_the_journal(as_alice, demo):
    as_alice.post("/manage/project/demo/release/2.0/yank/", {"confirm_version": "2.0"})
    page = as_alice.get("/manage/project/demo/history/").content.decode()
    assert page.index("yank release") < page.index("new release") < page.index("create")
    assert "add py3 file demo-2.0-py3-none-any.whl" in page


def count_queries(client, path) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    "path",
    [
        "/manage/projects/",
        "/manage/project/demo/",
        "/manage/project/demo/collaborators/",
        "/manage/project/demo/release/1.0/",
        "/manage/project/demo/history/",
    ],
)
def test_manage_pages_have_constant_query_counts(as_alice, demo, publish, make_user, path):
    small = count_queries(as_alice, path)
    for index in range(4):
        publish(f"other{index}", "1.0")
        publish("demo", f"3.{index}")
        user = make_user(f"user{index}")
        Role.objects.create(user=user, project=demo, role_name="Maintainer")
        RoleInvitation.objects.create(
            project=demo,
            invitee=make_user(f"invitee{index}"),
            role_name="Owner",
            expires=timezone.now() + timedelta(days=1),
        )
        RoleInvitation.objects.create(
            project=Project.objects.get(normalized_name=f"other{index}"),
            invitee=Role.objects.get(project=demo, role_name="Owner").user,
            role_name="Owner",
            expires=timezone.now() + timedelta(days=1),
            status=InvitationStatus.PENDING,
        )
    assert count_queries(as_alice, path) == small
