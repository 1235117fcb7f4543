"""Login by username or email, lockout after failures, generic answers, and the security log."""

import pytest

from accounts.enums import SecurityEventKind
from accounts.models import SecurityEvent
from tests.accounts.conftest import PASSWORD

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

GENERIC = "The username and/or password you specified are not correct."


def login(client, login, password=PASSWORD):
    return client.post("/accounts/login/", {"login": login, "password": password})


@pytest.mark.parametrize("identifier", ["alice", "ALICE", "alice@example.com", "Alice@Example.com"])
def test_login_by_username_or_email(client, alice, identifier):
    response = login(client, identifier)
    assert response.status_code == 302 and response["Location"] == "/accounts/"
    assert client.get("/accounts/").status_code == 200
    assert SecurityEvent.objects.filter(user=alice, kind=SecurityEventKind.LOGIN).count() == 1


def test_wrong_password_is_logged_on_the_account(client, alice):
    response = login(client, "alice", "wrong password")
    assert response.status_code == 200
    assert GENERIC in response.content.decode()
    event = SecurityEvent.objects.get(user=alice)
    assert (event.kind, event.ip_address) == (SecurityEventKind.LOGIN_FAILED, "127.0.0.1")


def test_unknown_and_disabled_accounts_answer_like_a_wrong_password(client, alice, make_user):
    unknown = login(client, "nobody")
    bob = make_user("bob")
    bob.is_active = False
    bob.save()
    disabled = login(client, "bob")  # with the right password
    for response in (unknown, disabled):
        assert response.status_code == 200
        assert GENERIC in response.content.decode()
    assert client.get("/accounts/").status_code == 302


def test_lockout_after_repeated_failures(client, alice, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login_failed": "10/5m/ip,3/5m/key"}
    for _ in range(3):
        assert GENERIC in login(client, "alice", "wrong").content.decode()
    # Locked out: even the right password is refused for a while, with PyPI's message, on a 429 page that
    # says when to come back.
    response = login(client, "alice")
    assert (response.status_code, response["Retry-After"]) == (429, "300")
    page = response.content.decode()
    assert (
        "There have been too many unsuccessful login attempts. You have been locked out for 5 minutes."
        in page
    )
    assert "Wait 5 minutes and try again." in page and 'href="/accounts/password/reset/"' in page
    assert client.get("/accounts/").status_code == 302


def test_lockout_per_ip_covers_every_account(client, alice, make_user, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login_failed": "2/5m/ip,10/5m/key"}
    make_user("bob")
    login(client, "alice", "wrong")
    login(client, "bob", "wrong")
    response = login(client, "bob")
    assert response.status_code == 429 and response["Retry-After"] == "300"
    assert "There have been too many unsuccessful login attempts." in response.content.decode()


def test_logout(client, sign_in, alice):
    sign_in(alice)
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert client.get("/accounts/").status_code == 302
    assert SecurityEvent.objects.filter(user=alice, kind=SecurityEventKind.LOGOUT).exists()


def test_open_redirect_after_login_is_refused(client, alice):
    response = client.post("/accounts/login/?next=//evil.example/", {"login": "alice", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/accounts/"
