"""Collaborators, invitations and the journal through the API, with every actor."""

import pytest

from registry.models import JournalEntry, Role, RoleInvitation
from tests.api.conftest import error

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

# Reading collaborators and the journal: the manage pages' rule (a role on the project) or a moderator.
READ = {
    "anonymous": (401, "not_authenticated"),
    "other user": (403, "permission_denied"),
    "maintainer": (200, None),
    "owner": (200, None),
    "moderator": (200, None),
    "other project": (403, "token_scope"),
    "expired": (401, "authentication_failed"),
    "revoked": (401, "authentication_failed"),
    "upload only": (403, "missing_permission"),
}
# Inviting, changing and removing: Owners only.
WRITE = {**READ, "maintainer": (403, "permission_denied"), "moderator": (403, "permission_denied")}


@pytest.mark.parametrize("actor", list(READ))
def test_read_collaborators_and_journal(api, world, actor):
    status, code = READ[actor]
    token = world.tokens[actor]
    for path in ("projects/demo/collaborators/", "projects/demo/journal/"):
        response = api("GET", path, token=token)
        if status == 200:
            assert response.status_code == 200, response.data
        else:
            error(response, status, code)
    if status == 200:
        rows = api("GET", "projects/demo/collaborators/", token=token).data["results"]
        assert [(r["username"], r["role"], r["status"]) for r in rows] == [
            ("alice", "Owner", "active"),
            ("mary", "Maintainer", "active"),
        ]


@pytest.mark.parametrize("actor", [a for a, (status, _) in WRITE.items() if status != 200])
def test_collaborator_changes_refused(api, world, actor, unchanged):
    status, code = WRITE[actor]
    token = world.tokens[actor]
    with unchanged():
        error(
            api("POST", "projects/demo/collaborators/", {"username": "bob", "role": "Owner"}, token=token),
            status,
            code,
        )
        error(api("PATCH", "projects/demo/collaborators/mary/", {"role": "Owner"}, token=token), status, code)
        error(api("DELETE", "projects/demo/collaborators/alice/", token=token), status, code)
    assert not RoleInvitation.objects.exists()


def test_invite_accept_change_remove(api, world, sent):
    owner, bob = world.tokens["owner"], world.tokens["other user"]
    invited = api(
        "POST", "projects/demo/collaborators/", {"username": "BOB", "role": "Maintainer"}, token=owner
    )
    assert invited.status_code == 201, invited.data
    assert (invited.data["invitee"], invited.data["role"], invited.data["status"]) == (
        "bob",
        "Maintainer",
        "pending",
    )
    # The invitee and the Owners (the invitation notice) are emailed. A worker sends them one after the other,
    # the notice first: each is waited for by its address, never by how many emails arrived so far.
    assert [message.subject for message in sent(1, to="bob@example.com")] == [
        "[Wharf] alice invited you to be Maintainer of demo"
    ]
    assert [message.subject for message in sent(1, to="alice@example.com")] == [
        "[Wharf] bob was invited to demo"
    ]
    again = api("POST", "projects/demo/collaborators/", {"username": "bob", "role": "Owner"}, token=owner)
    error(again, 409, "conflict", "already has an open invitation")
    listed = api("GET", "projects/demo/collaborators/", token=owner).data["results"]
    assert listed[-1]["status"] == "invited" and listed[-1]["invitation"] == invited.data["id"]

    mine = api("GET", "invitations/", token=bob).data["results"]
    assert [i["project"] for i in mine] == ["demo"]
    error(api("POST", f"invitations/{invited.data['id']}/accept/", token=world.tokens["maintainer"]), 404)
    accepted = api("POST", f"invitations/{invited.data['id']}/accept/", token=bob)
    assert accepted.status_code == 200 and accepted.data["status"] == "accepted"
    assert Role.objects.get(user=world.bob, project=world.demo).role_name == "Maintainer"

    changed = api("PATCH", "projects/demo/collaborators/bob/", {"role": "Owner"}, token=owner)
    assert changed.status_code == 200 and changed.data["role"] == "Owner"
    error(
        api("PATCH", "projects/demo/collaborators/bob/", {"role": "King"}, token=owner), 400, "invalid_choice"
    )
    assert api("DELETE", "projects/demo/collaborators/bob/", token=owner).status_code == 204
    assert not Role.objects.filter(user=world.bob, project=world.demo).exists()
    actions = list(
        JournalEntry.objects.filter(project=world.demo).order_by("id").values_list("action", flat=True)
    )
    assert actions[-4:] == [
        "invite Maintainer bob",
        "accepted Maintainer bob",
        "change Maintainer bob to Owner",
        "remove Owner bob",
    ]


def test_decline_and_revoke(api, world):
    owner = world.tokens["owner"]
    first = api(
        "POST", "projects/demo/collaborators/", {"username": "bob", "role": "Owner"}, token=owner
    ).data
    declined = api("POST", f"invitations/{first['id']}/decline/", token=world.tokens["other user"])
    assert declined.status_code == 200 and declined.data["status"] == "declined"
    error(
        api("POST", f"invitations/{first['id']}/accept/", token=world.tokens["other user"]), 409, "conflict"
    )
    api("POST", "projects/demo/collaborators/", {"username": "bob", "role": "Owner"}, token=owner)
    assert api("DELETE", "projects/demo/collaborators/bob/", token=owner).status_code == 204
    assert RoleInvitation.objects.filter(status="revoked").count() == 1
    error(api("DELETE", "projects/demo/collaborators/bob/", token=owner), 404, "not_found")


def test_the_last_owner_cannot_leave_and_a_maintainer_can(api, world):
    error(
        api("DELETE", "projects/demo/collaborators/alice/", token=world.tokens["owner"]),
        409,
        "conflict",
        "last Owner",
    )
    assert (
        api("DELETE", "projects/demo/collaborators/mary/", token=world.tokens["maintainer"]).status_code
        == 204
    )


def test_invitations_need_an_account_wide_token(api, world):
    error(api("GET", "invitations/", token=world.tokens["other project"]), 403, "token_scope")


def test_journal_since_a_serial(api, world):
    token = world.tokens["owner"]
    entries = api("GET", "projects/demo/journal/", token=token).data["results"]
    assert [e["action"] for e in entries][:3] == ["create", "add Owner alice", "new release"]
    assert entries[0]["actor"] == "alice" and entries[2]["version"] == "1.0"
    serials = [e["serial"] for e in entries]
    assert serials == sorted(serials)
    later = api("GET", f"projects/demo/journal/?since={serials[0]}", token=token).data["results"]
    assert [e["serial"] for e in later] == serials[1:]
    assert all(e["project"] == "demo" for e in later)
    error(api("GET", "projects/demo/journal/?since=x", token=token), 400)
    error(api("GET", "projects/demo/journal/?since=-1", token=token), 400)
    assert api("GET", "projects/demo/journal/?since=99999999999999999999999", token=token).status_code == 400
