"""The account's email page: add, remove, make primary (verified only), re-send confirmation (limited)."""

import pytest
from allauth.account.models import EmailAddress
from django.core import mail

from accounts.enums import SecurityEventKind
from accounts.models import SecurityEvent
from moderation.models import ProhibitedEmailDomain
from tests.accounts.conftest import link_in

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


def addresses(user) -> list[tuple[str, bool, bool]]:
    return sorted(EmailAddress.objects.filter(user=user).values_list("email", "primary", "verified"))


def act(client, action, email):
    return client.post("/accounts/email/", {"email": email, action: ""}, follow=True)


def test_email_page_needs_login(client, db):
    response = client.get("/accounts/email/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_add_verify_make_primary_remove(client, sign_in, alice, sent):
    sign_in(alice)
    response = client.post("/accounts/email/", {"email": "alice@work.example", "action_add": ""})
    assert response.status_code == 302
    assert addresses(alice) == [("alice@example.com", True, True), ("alice@work.example", False, False)]
    [message] = sent(1)
    assert message.to == ["alice@work.example"]

    # Not yet verified: it cannot become primary.
    page = act(client, "action_primary", "alice@work.example")
    assert "Only a verified email address can be made primary." in page.content.decode()
    assert addresses(alice)[1] == ("alice@work.example", False, False)

    client.post(link_in(message))
    assert addresses(alice)[1] == ("alice@work.example", False, True)
    page = act(client, "action_primary", "alice@work.example")
    assert addresses(alice) == [("alice@example.com", False, True), ("alice@work.example", True, True)]
    # The old primary address is told about the change.
    notices = [m for m in sent(2) if m.to == ["alice@example.com"]]
    assert notices and "alice@work.example" in notices[-1].body
    assert "has been changed from alice@example.com to alice@work.example" in notices[-1].alternatives[0][0]

    page = act(client, "action_remove", "alice@work.example")
    assert "Cannot remove primary email address alice@work.example" in page.content.decode()
    act(client, "action_remove", "alice@example.com")
    assert addresses(alice) == [("alice@work.example", True, True)]
    kinds = list(SecurityEvent.objects.filter(user=alice).order_by("id").values_list("kind", flat=True))
    assert kinds == [
        SecurityEventKind.LOGIN,
        SecurityEventKind.EMAIL_ADDED,
        SecurityEventKind.EMAIL_VERIFIED,
        SecurityEventKind.EMAIL_PRIMARY_CHANGED,
        SecurityEventKind.EMAIL_REMOVED,
    ]


def test_prohibited_domain_cannot_be_added(client, sign_in, alice):
    ProhibitedEmailDomain.objects.create(domain="spam.example")
    sign_in(alice)
    response = client.post("/accounts/email/", {"email": "alice@spam.example", "action_add": ""})
    assert response.status_code == 200
    assert "You can&#x27;t use an email address from this domain." in response.content.decode()
    assert addresses(alice) == [("alice@example.com", True, True)]
    assert mail.outbox == []


@pytest.mark.parametrize("email", ["bob@example.com", "BOB@Example.com"])
def test_address_of_another_account_is_refused(client, sign_in, alice, make_user, email):
    """As on PyPI: no row on this account, and no verification mail naming it sent to the address's owner."""
    bob = make_user("bob", email="bob@example.com")
    sign_in(alice)
    response = client.post("/accounts/email/", {"email": email, "action_add": ""})
    assert response.status_code == 200
    assert "This email address is already used by another account." in response.content.decode()
    assert addresses(alice) == [("alice@example.com", True, True)]
    assert addresses(bob) == [("bob@example.com", True, True)]
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("email", "message"),
    [
        ("z" * 250 + "@example.com", "The email address is too long. Try again."),
        ("alice@localhost", "The email address isn&#x27;t valid. Try again."),
        ("alice@[127.0.0.1]", "The email address isn&#x27;t valid. Try again."),
        ("alice@mail.test", "The email address isn&#x27;t valid. Try again."),
    ],
)
def test_unusable_addresses_cannot_be_added(client, sign_in, alice, email, message):
    sign_in(alice)
    response = client.post("/accounts/email/", {"email": email, "action_add": ""})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert addresses(alice) == [("alice@example.com", True, True)]
    assert mail.outbox == []


def test_resend_confirmation_is_rate_limited(client, sign_in, alice, settings, sent):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "confirm_email": "2/6h/key,20/h/ip"}
    sign_in(alice)
    client.post("/accounts/email/", {"email": "alice@work.example", "action_add": ""})
    page = act(client, "action_send", "alice@work.example")
    assert "Confirmation email sent to alice@work.example" in page.content.decode()
    assert len(sent(2)) == 2
    page = act(client, "action_send", "alice@work.example")
    assert (
        "Too many incomplete attempts to verify email address(es) for alice. Complete a pending verification "
        "or wait before attempting again." in page.content.decode()
    )
    assert len(mail.outbox) == 2


def test_resend_confirmation_rate_limit_per_ip(client, sign_in, alice, settings, sent):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "confirm_email": "5/6h/key,2/h/ip"}
    sign_in(alice)
    client.post("/accounts/email/", {"email": "a1@work.example", "action_add": ""})
    client.post("/accounts/email/", {"email": "a2@work.example", "action_add": ""})
    page = act(client, "action_send", "a1@work.example")
    assert "Too many incomplete attempts" in page.content.decode()
    assert len(sent(2)) == 2


def test_verified_address_needs_no_resend(client, sign_in, alice):
    sign_in(alice)
    page = act(client, "action_send", "alice@example.com")
    assert "alice@example.com is already verified." in page.content.decode()
    assert mail.outbox == []


def test_another_users_address_cannot_be_touched(client, sign_in, alice, make_user):
    bob = make_user("bob")
    EmailAddress.objects.create(user=bob, email="bob2@example.com", verified=True)
    sign_in(alice)
    act(client, "action_remove", "bob2@example.com")
    act(client, "action_primary", "bob2@example.com")
    assert addresses(bob) == [("bob2@example.com", False, True), ("bob@example.com", True, True)]
