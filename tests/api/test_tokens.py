"""Token permissions and the tokens endpoints: who may list, create and revoke, attenuation, the upload
permission, `mint_token --permission` and the admin."""

import datetime as dt

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from accounts.enums import SecurityEventKind
from accounts.models import ApiToken, SecurityEvent
from accounts.services import token_permissions_set
from accounts.tokens import token_digest
from tests import builders
from tests.api.conftest import error

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

REFUSED = {
    "anonymous": (401, "not_authenticated"),
    "expired": (401, "authentication_failed"),
    "revoked": (401, "authentication_failed"),
    "upload only": (403, "missing_permission"),
}


@pytest.mark.parametrize("actor", list(REFUSED))
def test_token_endpoints_refused(api, world, actor, unchanged):
    status, code = REFUSED[actor]
    token = world.tokens[actor]
    live = ApiToken.objects.filter(revoked__isnull=True).count()
    with unchanged():
        error(api("GET", "tokens/", token=token), status, code)
        error(api("POST", "tokens/", {"description": "x"}, token=token), status, code)
        victim = ApiToken.objects.get(description="all")
        error(api("DELETE", f"tokens/{victim.pk}/", token=token), status, code)
    assert ApiToken.objects.filter(revoked__isnull=True).count() == live


def test_each_user_sees_only_their_tokens(api, world):
    mine = api("GET", "tokens/", token=world.tokens["maintainer"])
    assert mine.status_code == 200
    assert [t["description"] for t in mine.data["results"]] == ["token 1"]
    alices = api("GET", "tokens/", token=world.tokens["owner"]).data["results"]
    assert {t["description"] for t in alices} == {"publish", "all", "scoped", "expired", "upload only"}
    scoped = next(t for t in alices if t["description"] == "scoped")
    assert scoped["project"] == "other" and scoped["permissions"] == ["upload", "manage", "tokens"]
    assert set(scoped) == {"id", "description", "project", "permissions", "created", "last_used", "expires"}
    theirs = ApiToken.objects.get(user=world.bob)
    error(api("DELETE", f"tokens/{theirs.pk}/", token=world.tokens["owner"]), 404, "not_found")
    assert ApiToken.objects.get(pk=theirs.pk).revoked is None


def test_project_token_sees_and_makes_only_its_project_tokens(api, world):
    token = world.tokens["other project"]
    listed = api("GET", "tokens/", token=token).data["results"]
    assert [t["description"] for t in listed] == ["scoped"]
    error(api("POST", "tokens/", {"description": "wide"}, token=token), 403, "permission_denied", "scoped")
    made = api("POST", "tokens/", {"description": "ci", "project": "other"}, token=token)
    assert made.status_code == 201, made.data
    assert made.data["project"] == "other"


def test_create_token_answers_the_secret_once(api, world):
    last_day = timezone.now().date() + dt.timedelta(days=10)
    answer = api(
        "POST",
        "tokens/",
        {
            "description": "release bot",
            "project": "Demo",
            "permissions": ["upload"],
            "expires": str(last_day),
        },
        token=world.tokens["owner"],
    )
    assert answer.status_code == 201, answer.data
    raw = answer.data["token"]
    created = ApiToken.objects.get(description="release bot")
    assert created.digest == token_digest(raw) and created.project == world.demo
    assert answer.data["expires"] == str(last_day) and answer.data["permissions"] == ["upload"]
    listed = api("GET", "tokens/", token=world.tokens["owner"]).data["results"]
    assert "token" not in next(t for t in listed if t["description"] == "release bot")
    assert SecurityEvent.objects.filter(
        kind=SecurityEventKind.TOKEN_CREATED, detail="release bot (Project: demo; upload)"
    ).exists()


def test_a_token_creates_tokens_with_at_most_its_permissions(api, world, make_token, unchanged):
    narrow = make_token(world.alice, permissions=("tokens",), description="narrow")
    with unchanged():
        response = api("POST", "tokens/", {"description": "x", "permissions": ["manage"]}, token=narrow)
    error(response, 403, "permission_denied", "lacks the 'manage' permission")
    assert not ApiToken.objects.filter(description="x").exists()
    assert (
        api("POST", "tokens/", {"description": "y", "permissions": ["tokens"]}, token=narrow).status_code
        == 201
    )


def test_a_child_token_never_outlives_its_parent(api, world, make_token):
    soon = timezone.now() + dt.timedelta(days=2)
    parent = make_token(world.alice, permissions=("tokens",), description="short", expires=soon)
    later = str(timezone.now().date() + dt.timedelta(days=30))
    error(
        api("POST", "tokens/", {"description": "c", "expires": later}, token=parent), 403, "permission_denied"
    )
    child = api("POST", "tokens/", {"description": "c", "permissions": ["tokens"]}, token=parent)
    assert child.status_code == 201
    assert ApiToken.objects.get(description="c").expires == soon


@pytest.mark.parametrize(
    "body, status, code, contains",
    [
        ({}, 400, "required", "'description'"),
        ({"description": ""}, 400, "blank", ""),
        ({"description": "x" * 101}, 400, "max_length", ""),
        ({"description": "x", "permissions": []}, 400, "empty", ""),
        ({"description": "x", "permissions": ["root"]}, 400, "invalid_choice", ""),
        ({"description": "x", "permissions": ["moderate"]}, 403, "permission_denied", "moderators"),
        ({"description": "x", "project": "other-project-nobody-has"}, 400, "invalid", "you own or maintain"),
        ({"description": "x", "expires": "2001-01-01"}, 400, "invalid", "today or later"),
        ({"description": "x", "expires": "soon"}, 400, "invalid", ""),
        ({"description": "all"}, 400, "invalid", "already have a token named 'all'"),
        ({"description": "a\x00b"}, 400, "", ""),
    ],
)
def test_bad_token_requests_store_nothing(api, world, body, status, code, contains):
    before = ApiToken.objects.count()
    error(api("POST", "tokens/", body, token=world.tokens["owner"]), status, code or None, contains)
    assert ApiToken.objects.count() == before


def test_unverified_email_cannot_create_tokens(api, world):
    world.alice.emailaddress_set.update(verified=False)
    response = api("POST", "tokens/", {"description": "x"}, token=world.tokens["owner"])
    error(response, 403, "email_not_verified", "Verify your email to create an API token.")


def test_moderators_may_give_the_moderate_permission(api, world):
    made = api(
        "POST",
        "tokens/",
        {"description": "mod", "permissions": ["moderate"]},
        token=world.tokens["moderator"],
    )
    assert made.status_code == 201 and made.data["permissions"] == ["moderate"]


def test_revoke_through_the_api(api, world, upload):
    made = api("POST", "tokens/", {"description": "temp"}, token=world.tokens["owner"]).data
    assert api("DELETE", f"tokens/{made['id']}/", token=world.tokens["owner"]).status_code == 204
    assert ApiToken.objects.get(pk=made["id"]).revoked is not None
    refused = upload(builders.wheel("demo", "2.0"), token=made["token"])
    assert refused.status_code == 403
    error(api("GET", "me/", token=made["token"]), 401, "authentication_failed")


def test_upload_needs_the_upload_permission(world, make_token, upload, unchanged):
    manage_only = make_token(world.alice, permissions=("manage",), description="manage only")
    with unchanged():
        refused = upload(builders.wheel("demo", "2.0"), token=manage_only)
    assert refused.status_code == 403
    assert "lacks the 'upload' permission" in refused.reason_phrase
    assert upload(builders.wheel("demo", "2.0"), token=world.tokens["upload only"]).status_code == 200


def test_session_creation_needs_a_recent_login(api, client, world, settings):
    client.force_login(world.alice)
    settings.ACCOUNT_REAUTHENTICATION_TIMEOUT = 0
    response = client.post("/api/v1/tokens/", {"description": "web"}, content_type="application/json")
    assert response.status_code == 403
    assert response.json()["code"] == "reauthentication_required"


def test_mint_token_permissions_and_default_name(world, capsys):
    call_command("mint_token", "alice", "--permission", "manage", "--permission", "upload")
    raw = capsys.readouterr().out.strip()
    token = ApiToken.objects.get(digest=token_digest(raw))
    assert token.permissions == ["upload", "manage"]
    assert token.description.startswith("Command line, ") and token.description.endswith(" UTC")
    call_command("mint_token", "alice")
    second = ApiToken.objects.get(digest=token_digest(capsys.readouterr().out.strip()))
    assert second.permissions == ["upload"]
    assert second.description in (f"{token.description} (2)", second.description)
    assert second.description != token.description
    with pytest.raises(CommandError, match="'root' is not a token permission"):
        call_command("mint_token", "alice", "--permission", "root")
    with pytest.raises(CommandError, match="Only moderators"):
        call_command("mint_token", "alice", "--permission", "moderate")


def test_admin_sets_permissions(admin_as, world, make_user):
    client = admin_as(make_user("root", superuser=True))
    token = ApiToken.objects.get(description="upload only")
    page = client.get(f"/admin/accounts/apitoken/{token.pk}/change/")
    assert page.status_code == 200 and 'name="permissions"' in page.content.decode()
    response = client.post(
        f"/admin/accounts/apitoken/{token.pk}/change/", {"permissions": ["upload", "manage"]}
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert ApiToken.objects.get(pk=token.pk).permissions == ["upload", "manage"]
    event = SecurityEvent.objects.get(kind=SecurityEventKind.TOKEN_PERMISSIONS_CHANGED)
    assert event.detail == "upload only: upload → upload, manage by root"
    refused = client.post(f"/admin/accounts/apitoken/{token.pk}/change/", {"permissions": ["moderate"]})
    assert refused.status_code == 200 and "Only moderators" in refused.content.decode()
    assert ApiToken.objects.get(pk=token.pk).permissions == ["upload", "manage"]


def test_permissions_service_refuses_revoked_tokens(world):
    token = ApiToken.objects.select_related("user").get(description="revoked")
    with pytest.raises(Exception, match="is revoked"):
        token_permissions_set(token=token, permissions=["upload"])
