"""The API tokens page and the token services: create (scoped, expiring), show once, list, revoke, log."""

import datetime as dt
import re

import pytest
from allauth.account.models import EmailAddress
from django.core.management import call_command
from django.utils import timezone

from accounts.enums import SecurityEventKind
from accounts.exceptions import AccountError
from accounts.models import ApiToken, SecurityEvent
from accounts.services import token_create, token_mark_used
from accounts.tokens import token_digest
from registry.models import Project, Role
from tests import builders

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


def create(client, description="ci", scope="account", expires_on="", permissions=("upload",), follow=True):
    """POST the form and follow the redirect to the page that shows the new token (Post/Redirect/Get)."""
    return client.post(
        "/accounts/tokens/",
        {"description": description, "scope": scope, "expires_on": expires_on, "permissions": permissions},
        follow=follow,
    )


def shown_token(response) -> str:
    found = re.search(r'<code id="token-value">(wharf-[A-Za-z0-9_-]+)</code>', response.content.decode())
    assert found, response.content.decode()
    return found.group(1)


@pytest.fixture
def demo(alice):
    project = Project.objects.create(name="demo", normalized_name="demo")
    Role.objects.create(user=alice, project=project, role_name="Owner")
    return project


def test_tokens_page_needs_login(client, db):
    response = client.get("/accounts/tokens/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_create_account_token_shown_once(client, sign_in, alice):
    sign_in(alice)
    response = create(client, "laptop")
    assert response.status_code == 200
    raw = shown_token(response)
    assert len(raw) > 40
    token = ApiToken.objects.get()
    assert (token.user, token.description, token.project, token.expires) == (alice, "laptop", None, None)
    assert token.digest == token_digest(raw) and raw not in token.digest
    listing = client.get("/accounts/tokens/").content.decode()
    assert "laptop" in listing and "Whole account" in listing and raw not in listing
    event = SecurityEvent.objects.get(kind=SecurityEventKind.TOKEN_CREATED)
    assert (event.user, event.detail, event.ip_address) == (
        alice,
        "laptop (Whole account; upload)",
        "127.0.0.1",
    )


def test_create_project_token_with_expiry(client, sign_in, alice, demo):
    sign_in(alice)
    page = client.get("/accounts/tokens/").content.decode()
    assert f'value="project:{demo.pk}"' in page
    last_day = timezone.now().date() + dt.timedelta(days=30)
    response = create(client, "ci demo", f"project:{demo.pk}", last_day.isoformat())
    assert response.status_code == 200
    token = ApiToken.objects.get()
    assert token.project == demo
    assert token.expires == dt.datetime.combine(last_day + dt.timedelta(days=1), dt.time.min, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    "data, message",
    [
        ({"description": ""}, "This field is required."),
        ({"description": "x" * 101}, "Token names are 100 characters or less."),
        ({"scope": "project:999999"}, "Select a valid choice."),
        ({"expires_on": "2001-01-01"}, "The expiry must be today or later."),
        ({"expires_on": "not a date"}, "Enter a valid date."),
        ({"expires_on": "9999-12-31"}, "Choose an expiry before 9999-12-31"),
    ],
)
def test_bad_token_requests_store_nothing(client, sign_in, alice, data, message):
    sign_in(alice)
    response = create(client, **{"description": "ci", **data})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert ApiToken.objects.count() == 0
    assert not SecurityEvent.objects.filter(kind=SecurityEventKind.TOKEN_CREATED).exists()


def test_another_users_project_is_not_a_scope(client, sign_in, alice, make_user):
    bob = make_user("bob")
    theirs = Project.objects.create(name="theirs", normalized_name="theirs")
    Role.objects.create(user=bob, project=theirs, role_name="Owner")
    sign_in(alice)
    assert f"project:{theirs.pk}" not in client.get("/accounts/tokens/").content.decode()
    response = create(client, scope=f"project:{theirs.pk}")
    assert response.status_code == 400
    assert ApiToken.objects.count() == 0
    with pytest.raises(AccountError, match="only be scoped to a project you own or maintain"):
        token_create(user=alice, description="x", project=theirs)


def test_duplicate_live_name_refused(client, sign_in, alice):
    sign_in(alice)
    create(client, "ci")
    response = create(client, "ci")
    assert response.status_code == 400
    # Said once, beside the form (not also as a page message).
    assert (
        response.content.decode().count("You already have a token named &#x27;ci&#x27;; choose another name.")
        == 1
    )
    assert ApiToken.objects.count() == 1


def test_unverified_account_cannot_create_tokens(client, sign_in, alice):
    sign_in(alice)
    EmailAddress.objects.filter(user=alice).update(verified=False)
    page = client.get("/accounts/tokens/")
    assert "Verify your email to create an API token." in page.content.decode()
    assert 'href="/accounts/email/"' in page.content.decode()
    response = create(client)
    assert response.status_code == 403
    assert "Verify your email to create an API token." in response.content.decode()
    assert ApiToken.objects.count() == 0


def test_token_creation_asks_for_the_password_after_a_while(client, sign_in, alice, settings):
    sign_in(alice)
    settings.ACCOUNT_REAUTHENTICATION_TIMEOUT = 0
    response = create(client, "later", follow=False)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/reauthenticate/")
    assert ApiToken.objects.count() == 0
    # Confirming the password resumes the suspended request: the token is created and shown.
    settings.ACCOUNT_REAUTHENTICATION_TIMEOUT = 300
    resumed = client.post(response["Location"], {"password": "correct horse battery staple"}, follow=True)
    assert ApiToken.objects.get().description == "later"
    assert "wharf-" in resumed.content.decode()


def test_revoke(client, sign_in, alice, upload):
    sign_in(alice)
    raw = shown_token(create(client, "ci"))
    token = ApiToken.objects.get()
    confirmation = client.get(f"/accounts/tokens/{token.pk}/revoke/")
    assert "Revoke the token 'ci'?" in confirmation.content.decode()
    assert ApiToken.objects.get().revoked is None
    response = client.post(f"/accounts/tokens/{token.pk}/revoke/")
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked is not None
    assert "You have no API tokens." in client.get("/accounts/tokens/").content.decode()
    assert SecurityEvent.objects.filter(kind=SecurityEventKind.TOKEN_REVOKED, detail="ci").count() == 1
    refused = upload(builders.wheel("demo", "1.0"), token=raw)
    assert refused.status_code == 403
    assert "Invalid or non-existent authentication information" in refused.reason_phrase


def test_revoking_someone_elses_token_is_not_found(client, sign_in, alice, make_user, make_token):
    make_token(make_user("bob"), description="bob's")
    theirs = ApiToken.objects.get()
    sign_in(alice)
    assert client.post(f"/accounts/tokens/{theirs.pk}/revoke/").status_code == 404
    assert client.get(f"/accounts/tokens/{theirs.pk}/revoke/").status_code in (404, 405)
    theirs.refresh_from_db()
    assert theirs.revoked is None


def test_token_from_the_page_uploads_with_its_scope(client, sign_in, alice, demo, upload):
    sign_in(alice)
    raw = shown_token(create(client, "ci", f"project:{demo.pk}"))
    client.logout()
    assert upload(builders.wheel("demo", "1.0"), token=raw).status_code == 200
    refused = upload(builders.wheel("brand-new", "1.0"), token=raw)
    assert refused.status_code == 403
    assert "project-scoped token used outside of a project context" in refused.reason_phrase
    token = ApiToken.objects.get()
    assert token.last_used is not None
    used = SecurityEvent.objects.filter(kind=SecurityEventKind.TOKEN_USED)
    assert list(used.values_list("user__username", "detail")) == [("alice", "ci")]


def test_expired_token_refused_on_upload(alice, make_token, upload):
    raw = make_token(alice)
    ApiToken.objects.update(expires=timezone.now() - dt.timedelta(seconds=1))
    refused = upload(builders.wheel("demo", "1.0"), token=raw)
    assert refused.status_code == 403
    assert refused.reason_phrase.startswith("Invalid API Token: token is expired")


def test_token_use_is_logged_once_a_day(alice, make_token):
    make_token(alice)
    token = ApiToken.objects.select_related("user").get()
    token_mark_used(token)
    token_mark_used(token)
    assert SecurityEvent.objects.filter(kind=SecurityEventKind.TOKEN_USED).count() == 1
    token.last_used = timezone.now() - dt.timedelta(days=1)
    token_mark_used(token)
    assert SecurityEvent.objects.filter(kind=SecurityEventKind.TOKEN_USED).count() == 2


def test_mint_token_uses_the_same_service(alice, demo, capsys):
    call_command("mint_token", "alice", "--project", "demo", "--description", "cli")
    raw = capsys.readouterr().out.strip()
    token = ApiToken.objects.get()
    assert raw.startswith("wharf-") and token.digest == token_digest(raw)
    assert (token.description, token.project) == ("cli", demo)
    assert SecurityEvent.objects.filter(
        kind=SecurityEventKind.TOKEN_CREATED, detail="cli (Project: demo; upload)"
    ).exists()


def test_token_list_query_count(client, sign_in, alice, demo, make_token, django_assert_max_num_queries):
    sign_in(alice)
    for number in range(5):
        make_token(alice, description=f"t{number}", project=demo if number % 2 else None)
    with django_assert_max_num_queries(12):
        page = client.get("/accounts/tokens/")
    assert page.content.decode().count("Revoke…</a>") == 5


def test_post_redirect_get_shows_the_token_once(client, sign_in, alice):
    sign_in(alice)
    posted = create(client, "ci", follow=False)
    assert posted.status_code == 302 and posted["Location"] == "/accounts/tokens/"
    first = client.get("/accounts/tokens/")
    raw = shown_token(first)
    page = first.content.decode()
    assert f"password = {raw}" in page and f"--token {raw}" in page
    assert "http://testserver/legacy/" in page
    again = client.get("/accounts/tokens/").content.decode()
    assert raw not in again and 'id="token-value"' not in again
    assert ApiToken.objects.count() == 1


def test_expiry_is_shown_as_the_chosen_day(client, sign_in, alice):
    sign_in(alice)
    last_day = timezone.now().date() + dt.timedelta(days=7)
    page = create(client, "short", expires_on=last_day.isoformat()).content.decode()
    assert f"works through {last_day:%Y-%m-%d} (UTC)" in page
    assert f'<td data-label="Works through">{last_day:%Y-%m-%d}</td>' in page
    assert ApiToken.objects.get().expires_on == last_day


def test_permissions_on_the_page(client, sign_in, alice, make_user):
    sign_in(alice)
    page = client.get("/accounts/tokens/").content.decode()
    assert 'value="manage"' in page and 'value="tokens"' in page and 'value="moderate"' not in page
    create(client, "bot", permissions=("manage", "tokens"))
    token = ApiToken.objects.get()
    assert token.permissions == ["manage", "tokens"]
    assert (
        '<td data-label="Permissions">manage, tokens</td>' in client.get("/accounts/tokens/").content.decode()
    )
    refused = create(client, "mod", permissions=("moderate",))
    assert refused.status_code == 400 and ApiToken.objects.count() == 1
    assert create(client, "none", permissions=()).status_code == 400


def test_moderators_see_the_moderate_permission(client, sign_in, make_moderator):
    sign_in(make_moderator("molly"))
    assert 'value="moderate"' in client.get("/accounts/tokens/").content.decode()
    create(client, "queue", permissions=("moderate",))
    assert ApiToken.objects.get().permissions == ["moderate"]


def test_tokens_pages_carry_no_inline_script_or_style(client, sign_in, alice):
    sign_in(alice)
    pages = [create(client, "ci").content.decode()]
    pages.append(client.get(f"/accounts/tokens/{ApiToken.objects.get().pk}/revoke/").content.decode())
    for page in pages:
        content = page.split('<main id="content">', 1)[1].split("</main>", 1)[0]  # the layout is shared
        assert "<script>" not in content and "style=" not in content and "<style" not in content
        assert "onclick" not in content
    # The site's one script shows and runs the copy buttons; labels stand above the fields, without colons.
    assert 'data-copy-from="token-value" hidden>Copy token</button>' in pages[0]
    assert '<label for="id_description">Token name</label>' in pages[0] and "Token name:" not in pages[0]
    assert "<legend>Permissions</legend>" in pages[0]


def test_mint_token_default_name_is_readable(alice, capsys):
    call_command("mint_token", "alice")
    call_command("mint_token", "alice")
    names = sorted(ApiToken.objects.values_list("description", flat=True))
    assert re.fullmatch(r"Command line, \d{4}-\d\d-\d\d \d\d:\d\d UTC", names[0])
    assert names[1] in (f"{names[0]} (2)",) or re.fullmatch(r"Command line, .* UTC", names[1])
    assert names[0] != names[1]


def test_createuser_superuser_has_a_verified_email(db):
    """The first administrator can set up two-factor authentication (it needs a verified address) at once."""
    call_command(
        "createuser", "root", "--email", "root@example.com", "--password", "a long password", "--superuser"
    )
    address = EmailAddress.objects.get(email="root@example.com")
    assert address.verified and address.primary and address.user.is_superuser and address.user.is_staff
