"""Password change and reset: same answer for known and unknown addresses, links only to verified ones."""

import pytest
from django.conf import settings
from django.core import mail

from accounts.enums import SecurityEventKind
from accounts.models import SecurityEvent
from tests.accounts.conftest import PASSWORD, link_in

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

NEW_PASSWORD = "another long passphrase 42"


def request_reset(client, email):
    return client.post("/accounts/password/reset/", {"email": email})


def test_reset_of_unknown_address_answers_like_a_known_one(client, alice, sent):
    known = request_reset(client, "alice@example.com")
    unknown = request_reset(client, "nobody@example.com")
    assert (known.status_code, known["Location"]) == (302, "/accounts/password/reset/done/")
    assert (unknown.status_code, unknown["Location"]) == (302, "/accounts/password/reset/done/")
    done_known = client.get(known["Location"]).content
    done_unknown = client.get(unknown["Location"]).content
    assert done_known == done_unknown
    messages = sent(2)
    by_recipient = {message.to[0]: message for message in messages}
    assert "/accounts/password/reset/key/" in by_recipient["alice@example.com"].body
    assert "/accounts/password/reset/key/" not in by_recipient["nobody@example.com"].body


def test_reset_link_sets_a_new_password(client, alice, sent):
    request_reset(client, "alice@example.com")
    [message] = sent(1)
    assert message.subject == "[Wharf] Reset your Wharf password"
    assert "reset the password of the Wharf account alice using this address" in message.body
    link = link_in(message, r"/accounts/password/reset/key/[^\s]+/")
    form_url = client.get(link)["Location"]
    response = client.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.check_password(NEW_PASSWORD)
    assert SecurityEvent.objects.filter(user=alice, kind=SecurityEventKind.PASSWORD_RESET).exists()
    notice = sent(2)[1]
    assert notice.to == ["alice@example.com"] and "Your password has been reset." in notice.body
    assert "Your password has been reset." in notice.alternatives[0][0]


def test_unverified_address_gets_a_notice_not_a_link(client, make_user, sent):
    make_user("bob", verified=False)
    response = request_reset(client, "bob@example.com")
    assert response["Location"] == "/accounts/password/reset/done/"
    [message] = sent(1)
    assert "has not been verified" in message.body
    assert "/accounts/password/reset/key/" not in message.body


def test_reset_rate_limit_per_address(client, alice, settings, sent):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "reset_password": "20/h/ip,2/d/key"}
    for _ in range(2):
        assert request_reset(client, "alice@example.com").status_code == 302
    assert request_reset(client, "alice@example.com").status_code == 429
    # An unknown address is limited the same way, so the limit reveals nothing either.
    for _ in range(2):
        assert request_reset(client, "nobody@example.com").status_code == 302
    assert request_reset(client, "nobody@example.com").status_code == 429
    assert len(sent(4)) == 4


def test_reset_rate_limit_per_ip(client, alice, settings, sent):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "reset_password": "2/h/ip,5/d/key"}
    request_reset(client, "a@example.com")
    request_reset(client, "b@example.com")
    assert request_reset(client, "alice@example.com").status_code == 429
    sent(2)
    assert all("alice@example.com" not in message.to for message in mail.outbox)


def test_password_change(client, sign_in, alice, sent):
    sign_in(alice)
    response = client.post(
        "/accounts/password/change/",
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.check_password(NEW_PASSWORD)
    assert SecurityEvent.objects.filter(user=alice, kind=SecurityEventKind.PASSWORD_CHANGED).exists()
    [notice] = sent(1)
    assert notice.to == ["alice@example.com"] and "Wharf" in notice.body
    # Its own template, in text and HTML: what changed, and what to do if it was not them (WHARF_SITE_URL).
    assert "Your password has been changed." in notice.body and "If this was not you" in notice.body
    assert f"{settings.WHARF_SITE_URL}/accounts/password/reset/" in notice.body
    html, _mimetype = notice.alternatives[0]
    assert "Your password has been changed." in html
    assert f'href="{settings.WHARF_SITE_URL}/accounts/security/"' in html
