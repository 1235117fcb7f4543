"""Self-service account deletion (after re-authentication; refused while the user is a project's only Owner;
roles and tokens go, the journal keeps the username) and the moderators' two-factor reset (reason, audit,
email)."""

import pytest
from allauth.mfa.models import Authenticator
from django.test import Client

from accounts.models import ApiToken, SecurityEvent, User
from moderation.models import AuditEntry
from moderation.services import users_reset_two_factor
from registry.enums import RoleName
from registry.models import JournalEntry, Project, Role
from tests import builders
from tests.conftest import committing

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


@pytest.fixture
def shared(alice, make_user, make_token, upload):
    """demo: alice Owner (uploaded it), bob Owner too."""
    upload(builders.wheel("demo", "1.0"), token=make_token(alice))
    project = Project.objects.get()
    bob = make_user("bob")
    Role.objects.create(project=project, user=bob, role_name=RoleName.OWNER)
    return project, bob


def logged_in(user, callbacks) -> Client:
    client = committing(Client(), callbacks)
    password = "correct horse battery staple"
    assert client.post("/accounts/login/", {"login": user.username, "password": password}).status_code == 302
    assert client.post("/accounts/reauthenticate/", {"password": password}).status_code == 302
    return client


def test_the_only_owner_cannot_delete_the_account(
    alice, make_token, upload, django_capture_on_commit_callbacks, unchanged
):
    upload(builders.wheel("mine", "1.0"), token=make_token(alice))
    client = logged_in(alice, django_capture_on_commit_callbacks)
    assert "You are the only Owner of" in client.get("/manage/account/delete/").content.decode()
    with unchanged():
        response = client.post("/manage/account/delete/", {"confirm": "alice"})
    assert response.status_code == 400
    assert "You are the only Owner of" in response.content.decode() and "mine" in response.content.decode()
    assert User.objects.filter(username="alice").exists()


def test_deletion_removes_roles_and_tokens_and_keeps_the_name_in_the_journal(
    shared, alice, django_capture_on_commit_callbacks, sent
):
    project, _bob = shared
    client = logged_in(alice, django_capture_on_commit_callbacks)
    wrong = client.post("/manage/account/delete/", {"confirm": "alic"})
    assert wrong.status_code == 400 and User.objects.filter(username="alice").exists()
    response = client.post("/manage/account/delete/", {"confirm": "alice"})
    assert response.status_code == 302, response.content.decode()
    assert not User.objects.filter(username="alice").exists()
    assert not ApiToken.objects.exists() and Role.objects.filter(project=project).count() == 1
    entries = list(JournalEntry.objects.filter(project=project).values_list("action", "actor_name"))
    assert ("remove Owner alice", "alice") in entries and ("create", "alice") in entries
    assert [message.to for message in sent(1)] == [["alice@example.com"]]
    assert client.get("/manage/projects/").status_code == 302  # logged out


def test_deletion_asks_for_the_password_again(shared, alice):
    client = Client()
    client.force_login(alice)  # no recent password: allauth asks for it first
    response = client.post("/manage/account/delete/", {"confirm": "alice"})
    assert response.status_code == 302 and "reauthenticate" in response["Location"]
    assert User.objects.filter(username="alice").exists()


def test_moderators_reset_two_factor_with_a_reason(
    alice, make_user, django_capture_on_commit_callbacks, sent
):
    moderator = make_user("mod")
    Authenticator.objects.create(user=alice, type=Authenticator.Type.TOTP, data={"secret": "x"})
    with django_capture_on_commit_callbacks(execute=True):
        assert users_reset_two_factor(
            users=[alice], actor=moderator, reason="Lost phone; checked by email."
        ) == [alice]
    assert not Authenticator.objects.filter(user=alice).exists()
    assert SecurityEvent.objects.filter(user=alice, detail__contains="Lost phone").exists()
    entry = AuditEntry.objects.get(action="two-factor authentication reset")
    assert entry.reason == "Lost phone; checked by email." and entry.actor == moderator
    [email] = sent(1)
    assert email.to == ["alice@example.com"] and "Lost phone" in email.body
    from moderation.exceptions import ModerationError

    with pytest.raises(ModerationError):
        users_reset_two_factor(users=[alice], actor=moderator, reason="")
