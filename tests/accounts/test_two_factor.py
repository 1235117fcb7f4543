"""Two-factor authentication with allauth's MFA: TOTP with recovery codes, and what it guards."""

import pyotp
import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator

from accounts.enums import SecurityEventKind
from accounts.models import SecurityEvent
from tests import builders
from tests.accounts.conftest import PASSWORD

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


def activate_totp(client) -> pyotp.TOTP:
    page = client.get("/accounts/2fa/totp/activate/")
    assert page.status_code == 200
    totp = pyotp.TOTP(client.session["mfa.totp.secret"])
    response = client.post("/accounts/2fa/totp/activate/", {"code": totp.now()})
    assert response.status_code == 302, response.content.decode()[:3000]
    return totp


def kinds(user) -> list[str]:
    return list(SecurityEvent.objects.filter(user=user).order_by("id").values_list("kind", flat=True))


def test_totp_needs_a_verified_primary_email(client, sign_in, alice):
    sign_in(alice, confirm=True)
    EmailAddress.objects.filter(user=alice).update(verified=False)
    page = client.get("/accounts/2fa/")
    assert "Verify your email to modify two factor authentication." in page.content.decode()
    assert 'href="/accounts/email/"' in page.content.decode()
    client.get("/accounts/2fa/totp/activate/")
    code = pyotp.TOTP(client.session["mfa.totp.secret"]).now()
    response = client.post("/accounts/2fa/totp/activate/", {"code": code})
    assert response.status_code == 200
    assert "Verify your email to modify two factor authentication." in response.content.decode()
    assert Authenticator.objects.count() == 0


def test_totp_login_with_spaces_and_no_replay(client, sign_in, alice):
    sign_in(alice, confirm=True)
    totp = activate_totp(client)
    assert set(Authenticator.objects.filter(user=alice).values_list("type", flat=True)) == {
        "totp",
        "recovery_codes",
    }
    client.post("/accounts/logout/")

    response = client.post("/accounts/login/", {"login": "alice", "password": PASSWORD})
    assert response["Location"] == "/accounts/2fa/authenticate/"
    assert client.get("/accounts/").status_code == 302  # the password alone does not log in
    wrong = client.post("/accounts/2fa/authenticate/", {"code": "000000"})
    assert "Incorrect code." in wrong.content.decode()
    code = totp.now()
    spaced = f"{code[:3]} {code[3:]}"  # normalised before validation and the replay check
    assert client.post("/accounts/2fa/authenticate/", {"code": spaced})["Location"] == "/accounts/"
    assert client.get("/accounts/").status_code == 200
    client.post("/accounts/logout/")

    client.post("/accounts/login/", {"login": "alice", "password": PASSWORD})
    replay = client.post("/accounts/2fa/authenticate/", {"code": code})
    assert replay.status_code == 200 and "Incorrect code." in replay.content.decode()
    assert kinds(alice)[:5] == [
        SecurityEventKind.LOGIN,
        SecurityEventKind.TWO_FACTOR_ENABLED,
        SecurityEventKind.RECOVERY_CODES_REGENERATED,
        SecurityEventKind.LOGOUT,
        SecurityEventKind.TWO_FACTOR_FAILED,
    ]


def test_recovery_code_login_is_logged(client, sign_in, alice):
    sign_in(alice, confirm=True)
    activate_totp(client)
    codes = Authenticator.objects.get(user=alice, type="recovery_codes").wrap().get_unused_codes()
    client.post("/accounts/logout/")
    client.post("/accounts/login/", {"login": "alice", "password": PASSWORD})
    assert client.post("/accounts/2fa/authenticate/", {"code": codes[0]})["Location"] == "/accounts/"
    assert SecurityEventKind.RECOVERY_CODE_USED in kinds(alice)


def test_deactivate_totp_is_logged(client, sign_in, alice):
    sign_in(alice, confirm=True)
    activate_totp(client)
    response = client.post("/accounts/2fa/totp/deactivate/")
    assert response.status_code == 302
    assert Authenticator.objects.filter(user=alice).count() == 0
    assert SecurityEventKind.TWO_FACTOR_DISABLED in kinds(alice)


def test_upload_requires_2fa_when_configured(
    client, sign_in, alice, alice_token, settings, upload, unchanged
):
    settings.WHARF_REQUIRE_2FA_FOR_UPLOAD = True
    with unchanged():
        refused = upload(builders.wheel("demo", "1.0"), token=alice_token)
    assert refused.status_code == 403
    assert refused.reason_phrase.startswith(
        "User 'alice', associated with the API token used, does not have two-factor authentication enabled."
    )
    sign_in(alice, confirm=True)
    activate_totp(client)
    assert upload(builders.wheel("demo", "1.0"), token=alice_token).status_code == 200


def test_unverified_account_cannot_create_a_project_by_upload(make_user, make_token, upload, unchanged):
    bob = make_user("bob", verified=False)
    with unchanged():
        refused = upload(builders.wheel("bobs-project", "1.0"), token=make_token(bob))
    assert refused.status_code == 403
    assert "does not have a verified primary email address" in refused.reason_phrase
    assert "/help/#verified-email" in refused.reason_phrase


def test_adding_and_removing_totp_emails_the_account(client, sign_in, alice, sent):
    """Each two-factor change is one email to the account, in text and HTML, with what to do if it was not
    them."""
    sign_in(alice, confirm=True)
    activate_totp(client)
    assert client.post("/accounts/2fa/totp/deactivate/").status_code == 302
    notices = [message for message in sent(2) if "two-factor" in message.body]
    assert [message.to for message in notices] == [["alice@example.com"]] * 2
    added, removed = notices
    assert "An authenticator app (two-factor authentication) was added." in added.body
    assert "The authenticator app (two-factor authentication) was removed." in removed.alternatives[0][0]
    assert "If this was not you" in removed.body
