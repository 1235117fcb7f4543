"""The admin: staff log in through allauth with 2FA; security log and token revocation for admins."""

import pyotp
import pytest
from allauth.mfa.models import Authenticator

from accounts.enums import SecurityEventKind
from accounts.models import ApiToken, SecurityEvent
from tests.accounts.conftest import PASSWORD

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


@pytest.fixture
def root(make_user):
    return make_user("root", superuser=True)


def enable_totp(client) -> pyotp.TOTP:
    client.get("/accounts/2fa/totp/activate/")
    totp = pyotp.TOTP(client.session["mfa.totp.secret"])
    assert client.post("/accounts/2fa/totp/activate/", {"code": totp.now()}).status_code == 302
    return totp


def test_admin_login_goes_through_allauth(client, db):
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain[-1][0] == "/accounts/login/?next=%2Fadmin%2F"


def test_admin_requires_two_factor(client, sign_in, root, settings):
    settings.WHARF_ADMIN_REQUIRE_2FA = True
    sign_in(root, confirm=True)
    refused = client.get("/admin/", follow=True)
    assert refused.status_code == 403
    assert "requires two-factor authentication" in refused.content.decode()

    totp = enable_totp(client)
    # Enabling 2FA inside a password-only session is not enough: the next login must use it.
    assert client.get("/admin/", follow=True).status_code == 403
    client.post("/accounts/logout/")
    client.post("/accounts/login/?next=/admin/", {"login": "root", "password": PASSWORD})
    response = client.post("/accounts/2fa/authenticate/", {"code": totp.now()})
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_non_staff_refused(client, sign_in, alice, settings):
    settings.WHARF_ADMIN_REQUIRE_2FA = False
    sign_in(alice)
    response = client.get("/admin/", follow=True)
    assert response.status_code == 403
    assert "Your account has no access to the administration." in response.content.decode()


def test_password_only_admin_when_2fa_is_off(client, sign_in, root, settings):
    settings.WHARF_ADMIN_REQUIRE_2FA = False
    sign_in(root)
    assert client.get("/admin/").status_code == 200


@pytest.fixture
def admin_session(client, sign_in, root, settings):
    settings.WHARF_ADMIN_REQUIRE_2FA = False
    sign_in(root)
    return client


def test_security_log_in_the_admin(admin_session, alice, make_token):
    make_token(alice, description="ci")
    page = admin_session.get("/admin/accounts/securityevent/?q=alice")
    assert page.status_code == 200
    assert "API token created" in page.content.decode()
    event = SecurityEvent.objects.get(user=alice)
    assert admin_session.post(f"/admin/accounts/securityevent/{event.pk}/delete/").status_code == 403
    user_page = admin_session.get(f"/admin/accounts/user/{alice.pk}/change/").content.decode()
    assert f"/admin/accounts/securityevent/?user__id__exact={alice.pk}" in user_page


def test_revoke_action(admin_session, alice, make_token):
    make_token(alice, description="leaked")
    token = ApiToken.objects.get()
    response = admin_session.post(
        "/admin/accounts/apitoken/", {"action": "revoke", "_selected_action": [token.pk]}, follow=True
    )
    assert "1 token revoked." in response.content.decode()
    token.refresh_from_db()
    assert token.revoked is not None
    assert SecurityEvent.objects.filter(kind=SecurityEventKind.TOKEN_REVOKED, user=alice).count() == 1
    assert Authenticator.objects.count() == 0
