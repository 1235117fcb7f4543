"""Sign-up with a mandatory verified email, through allauth's pages with Wharf's rules."""

import pytest
from allauth.account.models import EmailAddress
from django.core import mail

from accounts.enums import SecurityEventKind
from accounts.models import SecurityEvent, User
from moderation.models import ProhibitedEmailDomain
from tests.accounts.conftest import PASSWORD, html_part, link_in

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


def signup(client, username="bob", email="bob@example.com", password=PASSWORD, **extra):
    data = {"username": username, "email": email, "password1": password, "password2": password, **extra}
    return client.post("/accounts/signup/", data)


def accounts_state() -> dict:
    return {
        "users": sorted(User.objects.values_list("username", flat=True)),
        "emails": sorted(EmailAddress.objects.values_list("email", flat=True)),
    }


def test_signup_sends_a_verification_email_and_the_link_verifies(client, sent):
    response = signup(client)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    user = User.objects.get()
    assert user.username == "bob"
    assert list(EmailAddress.objects.values_list("email", "primary", "verified")) == [
        ("bob@example.com", True, False)
    ]
    [message] = sent(1)
    assert message.to == ["bob@example.com"]
    assert message.subject == "[Wharf] Verify your email address"
    assert "Wharf" in message.body and "6 hours" in message.body
    assert "Wharf" in html_part(message)
    link = link_in(message)
    assert link in html_part(message)

    page = client.get(link)
    assert page.status_code == 200 and b"Confirm email address" in page.content
    response = client.post(link)
    assert response.status_code == 302
    assert EmailAddress.objects.get().verified is True
    # The browser that signed up is logged in once the address is verified.
    assert client.get("/accounts/").status_code == 200
    kinds = set(SecurityEvent.objects.filter(user=user).values_list("kind", flat=True))
    assert {SecurityEventKind.SIGNED_UP, SecurityEventKind.EMAIL_VERIFIED, SecurityEventKind.LOGIN} <= kinds


def test_unverified_account_cannot_log_in(client, sent):
    signup(client)
    sent(1)
    client.logout()
    response = client.post("/accounts/login/", {"login": "bob", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/accounts/confirm-email/"
    assert client.get("/accounts/").status_code == 302  # not logged in


def test_verification_link_expires(client, sent, settings):
    signup(client)
    link = link_in(sent(1)[0])
    settings.ACCOUNT_EMAIL_CONFIRMATION_EXPIRE_DAYS = 0  # any link is now older than its lifetime
    page = client.get(link)
    assert b"Expired or invalid link: request a new email verification link" in page.content
    client.post(link)
    assert EmailAddress.objects.get().verified is False


@pytest.mark.parametrize(
    "username, message",
    [
        ("-bob", "Usernames use ASCII letters"),
        ("bob-", "Usernames use ASCII letters"),
        ("b", "Usernames use ASCII letters"),
        ("bob.", "Usernames use ASCII letters"),
        ("bøb", "Usernames use ASCII letters"),
        ("bob smith", "Usernames use ASCII letters"),
        ("b" * 51, "Choose a username with 50 characters or less."),
    ],
)
def test_bad_usernames_refused(client, username, message):
    response = signup(client, username=username)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert accounts_state() == {"users": [], "emails": []}
    assert mail.outbox == []


def test_username_taken_whatever_its_case(client, make_user):
    make_user("Alice")
    before = accounts_state()
    response = signup(client, username="aLICE", email="other@example.com")
    assert "This username is already taken." in response.content.decode()
    assert accounts_state() == before


@pytest.mark.parametrize(
    ("email", "message"),
    [
        # Longer than 254 characters: refused, never cut to fit the column.
        ("x" * 250 + "@example.com", "The email address is too long. Try again."),
        ("bob@localhost", "The email address isn&#x27;t valid. Try again."),
        ("bob@[127.0.0.1]", "The email address isn&#x27;t valid. Try again."),
        ("bob@example.invalid", "The email address isn&#x27;t valid. Try again."),
    ],
)
def test_unusable_email_refused(client, email, message):
    response = signup(client, email=email)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert accounts_state() == {"users": [], "emails": []}
    assert mail.outbox == []


def test_prohibited_email_domain_refused(client):
    ProhibitedEmailDomain.objects.create(domain="spam.example")
    response = signup(client, email="bob@mail.spam.example")
    assert (
        "You can&#x27;t use an email address from this domain. Use a different email."
        in response.content.decode()
    )
    assert accounts_state() == {"users": [], "emails": []}
    assert mail.outbox == []


def test_registration_freeze(client, set_flag):
    set_flag("disallow-new-user-registration", message="New user registration temporarily disabled.")
    page = client.get("/accounts/signup/")
    assert page.status_code == 403
    assert "New user registration temporarily disabled." in page.content.decode()
    response = signup(client)
    assert response.status_code == 403
    assert accounts_state() == {"users": [], "emails": []}
    assert mail.outbox == []
    set_flag("disallow-new-user-registration", enabled=False)
    assert signup(client).status_code == 302


def test_existing_address_gets_an_email_not_an_error(client, make_user, sent):
    """Signing up with a used address answers as for a new one and tells the owner (no enumeration)."""
    make_user("alice", email="alice@example.com")
    before = accounts_state()
    response = signup(client, username="mallory", email="alice@example.com")
    assert response.status_code == 302 and response["Location"] == "/accounts/confirm-email/"
    assert accounts_state() == before
    [message] = sent(1)
    assert message.to == ["alice@example.com"] and "already exists" in message.body


def test_signup_rate_limit_per_ip(client, settings, sent):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "signup": "2/h/ip"}
    assert signup(client, "one", "one@example.com").status_code == 302
    client.logout()
    assert signup(client, "two", "two@example.com").status_code == 302
    client.logout()
    response = signup(client, "three", "three@example.com")
    assert (response.status_code, response["Retry-After"]) == (429, "3600")
    assert (
        "You have made too many requests of this kind in a short time. Wait 60 minutes"
        in response.content.decode()
    )
    assert sorted(User.objects.values_list("username", flat=True)) == ["one", "two"]


def test_password_too_long(client):
    response = signup(client, password="x" * 5000)
    assert "Password too long." in response.content.decode()
    assert accounts_state() == {"users": [], "emails": []}
