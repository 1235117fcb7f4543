"""Freezing accounts from the admin: no login (site and admin), no uploads, tokens revoked, sessions ended,
every project quarantined, on record in the security log and the audit trail, emailed; unfreezing restores
exactly the account's earlier state and releases what the freeze quarantined."""

import pytest
from django.contrib.sessions.models import Session
from django.test import Client

from accounts.enums import SecurityEventKind
from accounts.models import ApiToken, SecurityEvent, User
from moderation import policy
from moderation.exceptions import ModerationError
from moderation.models import AccountFreeze, AuditEntry, Quarantine
from moderation.services import projects_quarantine, users_freeze, users_unfreeze
from registry.enums import ProjectStatus
from registry.models import Project
from registry.services.roles import role_invite
from tests import builders
from tests.conftest import mails_to
from tests.moderation.conftest import run_action, text_of

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

USERS = "/admin/moderation/moderateduser/"
PASSWORD = "correct horse battery staple"  # make_user's


def sessions_of(user) -> int:
    return sum(str(s.get_decoded().get("_auth_user_id")) == str(user.pk) for s in Session.objects.all())


def log_in(username: str) -> Client:
    client = Client()
    response = client.post("/accounts/login/", {"login": username, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:1000]
    return client


def test_freeze_and_unfreeze_through_the_admin(mod_client, alice, alice_token, publish, upload, sent):
    publish("demo", "1.0")
    publish("other", "1.0")
    session = log_in("alice")
    assert session.get("/accounts/").status_code == 200

    _, done = run_action(mod_client, USERS, "freeze", [alice.pk], reason="Spam campaign.")
    assert done.status_code == 302
    alice.refresh_from_db()
    assert not alice.is_active and policy.account_frozen(alice.pk)
    # Sessions ended, tokens revoked, login refused like a wrong password (no state leak).
    assert sessions_of(alice) == 0
    assert session.get("/accounts/").status_code == 302
    assert not ApiToken.objects.filter(revoked__isnull=True).exists()
    failed = Client().post("/accounts/login/", {"login": "alice", "password": PASSWORD})
    assert failed.status_code == 200 and "not correct" in failed.content.decode()
    refused = upload(builders.wheel("demo", "2.0"), token=alice_token)
    assert refused.status_code == 403 and refused.reason_phrase.startswith(
        "Invalid or non-existent authentication"
    )
    # Every project quarantined, with the freeze's reason.
    assert set(Project.objects.values_list("status", flat=True)) == {ProjectStatus.QUARANTINED}
    assert {q.reason for q in Quarantine.objects.all()} == {
        "A maintainer's account was frozen by the moderators: Spam campaign."
    }
    # On record: security log, audit trail, one email.
    event = SecurityEvent.objects.filter(user=alice, kind=SecurityEventKind.ACCOUNT_FROZEN).get()
    assert event.detail == "Spam campaign. (1 API token(s) revoked)"
    assert set(AuditEntry.objects.values_list("action", flat=True)) == {
        "account frozen",
        "project quarantined",
    }
    email = sent(1)[0]
    assert email.to == ["alice@example.com"] and email.subject == "[Wharf] Your account was suspended"
    assert "Reason: Spam campaign." in email.body and "- demo" in email.body and "- other" in email.body
    user_page = text_of(mod_client.get(f"{USERS}{alice.pk}/change/"))
    assert (
        "Spam campaign." in user_page
        and "Still frozen." in user_page
        and "Account frozen by the moderators" in (user_page)
    )

    _, done = run_action(mod_client, USERS, "unfreeze", [alice.pk], reason="Appeal accepted.")
    alice.refresh_from_db()
    assert alice.is_active and not policy.account_frozen(alice.pk)
    assert set(Project.objects.values_list("status", flat=True)) == {ProjectStatus.ACTIVE}
    assert log_in("alice").get("/accounts/").status_code == 200
    # Revoked tokens stay revoked.
    assert upload(builders.wheel("demo", "2.0"), token=alice_token).status_code == 403
    assert SecurityEvent.objects.filter(user=alice, kind=SecurityEventKind.ACCOUNT_UNFROZEN).exists()
    assert mails_to("alice@example.com")[-1].subject == "[Wharf] Your account was restored"


def test_admin_login_refused_for_a_frozen_moderator_account(admin_as, make_moderator, moderator):
    other = make_moderator("other")
    other.is_staff = False  # staff accounts cannot be frozen; a former moderator can
    other.save()
    client = admin_as(other)
    users_freeze(users=[other], actor=moderator, reason="Compromised.")
    assert client.get("/admin/").status_code == 302


def test_unfreeze_restores_an_inactive_account_as_inactive(make_user, moderator):
    dormant = make_user("dormant")
    User.objects.filter(pk=dormant.pk).update(is_active=False)
    dormant.refresh_from_db()
    users_freeze(users=[dormant], actor=moderator, reason="x")
    assert AccountFreeze.objects.get().was_active is False
    users_unfreeze(users=[dormant], actor=moderator, reason="y")
    dormant.refresh_from_db()
    assert dormant.is_active is False


def test_staff_and_self_cannot_be_frozen(make_user, moderator):
    root = make_user("root", superuser=True)
    with pytest.raises(ModerationError, match="'root' is a staff account"):
        users_freeze(users=[root], actor=moderator, reason="x")
    with pytest.raises(ModerationError, match=r"You cannot freeze your own account\."):
        users_freeze(users=[moderator], actor=moderator, reason="x")
    assert not AccountFreeze.objects.exists() and User.objects.get(pk=root.pk).is_active


def test_freeze_twice_changes_once(alice, moderator):
    assert users_freeze(users=[alice], actor=moderator, reason="x") == [alice]
    assert users_freeze(users=[alice], actor=moderator, reason="x") == []
    assert AccountFreeze.objects.count() == 1
    assert users_unfreeze(users=[alice], actor=moderator, reason="y") == [alice]
    assert users_unfreeze(users=[alice], actor=moderator, reason="y") == []


def test_unfreeze_keeps_projects_quarantined_for_other_reasons(alice, moderator, publish, make_user):
    publish("demo", "1.0")
    publish("malware", "1.0")
    projects_quarantine(projects=Project.objects.filter(name="malware"), actor=moderator, reason="Malware.")
    users_freeze(users=[alice], actor=moderator, reason="Spam.")
    users_unfreeze(users=[alice], actor=moderator, reason="Appeal.")
    assert dict(Project.objects.values_list("name", "status")) == {
        "demo": ProjectStatus.ACTIVE,
        "malware": ProjectStatus.QUARANTINED,
    }


def test_a_moderators_quarantine_outlasts_the_freeze_that_held_the_project(alice, moderator, publish):
    """Frozen first (the freeze quarantined it), then quarantined for its own reason: unfreezing the account
    must not make the project public again."""
    publish("demo", "1.0")
    users_freeze(users=[alice], actor=moderator, reason="Spam.")
    held = projects_quarantine(projects=Project.objects.all(), actor=moderator, reason="Malware confirmed.")
    assert [project.name for project in held] == ["demo"]
    quarantine = Quarantine.objects.get(released__isnull=True)
    assert (quarantine.freeze, quarantine.reason) == (None, "Malware confirmed.")
    assert AuditEntry.objects.filter(action="project quarantined", reason="Malware confirmed.").exists()
    users_unfreeze(users=[alice], actor=moderator, reason="Appeal.")
    assert Project.objects.get().status == ProjectStatus.QUARANTINED


def test_a_project_stays_quarantined_while_another_maintainer_is_frozen(alice, moderator, publish, make_user):
    publish("shared", "1.0")
    project = Project.objects.get()
    bob = make_user("bob")
    invitation = role_invite(project=project, inviter=alice, username="bob", role_name="Maintainer")
    from registry.services.roles import invitation_accept

    invitation_accept(invitation=invitation, user=bob)
    users_freeze(users=[alice, bob], actor=moderator, reason="Ring of spammers.")
    users_unfreeze(users=[alice], actor=moderator, reason="Alice was hacked.")
    assert Project.objects.get().status == ProjectStatus.QUARANTINED
    assert Quarantine.objects.get(released__isnull=True).freeze.user == bob
    users_unfreeze(users=[bob], actor=moderator, reason="Bob too.")
    assert Project.objects.get().status == ProjectStatus.ACTIVE


def test_freezing_leaves_other_sessions_alone(alice, make_user, moderator):
    log_in("alice")
    bob = make_user("bob")
    bob_session = log_in("bob")
    users_freeze(users=[alice], actor=moderator, reason="x")
    assert (sessions_of(alice), sessions_of(bob)) == (0, 1)
    assert bob_session.get("/accounts/").status_code == 200
