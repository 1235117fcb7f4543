"""allauth's pages, messages and emails in Wharf's words: one vocabulary ("Log in" / "Register", never
"Sign in" / "Sign up"), sentence-case headings, and a way to reach the administrators, never "contact us"."""

import re
from pathlib import Path

import allauth
import pyotp
import pytest
from django.template import TemplateDoesNotExist
from django.template.loader import get_template

from tests.accounts.conftest import PASSWORD

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

ALLAUTH_TEMPLATES = Path(allauth.__file__).parent / "templates"
# Flows Wharf does not switch on (login by code, phone numbers, passkey sign-up, trusted browsers, changing
# an address in place, password reset by code): their templates are never rendered.
NOT_USED = re.compile(
    r"request_login_code|confirm_login_code|phone|passkey|webauthn/signup|mfa/trust|email_change"
    r"|password_reset_code|confirm_email_verification_code"
)
# allauth's words Wharf does not use: the other vocabulary, and "contact us" with no address behind it ...
FOREIGN_WORDS = re.compile(r"\bsign(ed)?[ -]?(in|up|out)\b|\bcontact us\b", re.IGNORECASE)
# ... and its Title Case headings (Wharf's are in sentence case).
TITLE_CASE = re.compile(
    r"Password Reset|Change Password|Set Password|Two-Factor Authentication|Recovery Codes|Security Keys?"
    r"|Verify Your Email|Bad Token|Account Inactive|Reset My Password|Authenticator App|Confirm Access"
)
TEMPLATE_TAGS = re.compile(r"{%.*?%}|{{.*?}}|{#.*?#}", re.DOTALL)


def rendered_templates() -> list[str]:
    """Every allauth account and two-factor template Wharf may render, by name."""
    names = []
    for folder in ("account", "mfa"):
        for path in sorted((ALLAUTH_TEMPLATES / folder).rglob("*")):
            name = str(path.relative_to(ALLAUTH_TEMPLATES))
            if path.is_file() and path.suffix in (".html", ".txt") and not NOT_USED.search(name):
                names.append(name)
    return names


@pytest.mark.parametrize("name", rendered_templates())
def test_allauth_templates_speak_wharfs_words(name):
    """The template Django finds first (Wharf's override, else allauth's own), without its tags: a foreign
    word here is one a user would read."""
    try:
        source = Path(get_template(name).origin.name).read_text()
    except TemplateDoesNotExist:  # a base template only included by others
        pytest.skip(name)
    text = TEMPLATE_TAGS.sub(" ", source)
    found = [match.group(0) for pattern in (FOREIGN_WORDS, TITLE_CASE) for match in pattern.finditer(text)]
    assert not found, f"{name}: {sorted(set(found))}"


def test_logging_in_and_out_say_log_in(client, alice):
    response = client.post("/accounts/login/", {"login": "alice", "password": PASSWORD}, follow=True)
    assert "Logged in as alice." in response.content.decode()
    response = client.post("/accounts/logout/", follow=True)
    assert "You have logged out." in response.content.decode()


@pytest.mark.parametrize(
    ("path", "heading"),
    [
        ("/accounts/password/reset/", "Reset your password"),
        ("/accounts/password/reset/done/", "Check your email"),
        ("/accounts/password/reset/key/1-nothing/", "This reset link does not work"),
        ("/accounts/confirm-email/", "Check your email"),
        ("/accounts/inactive/", "Account inactive"),
    ],
)
def test_anonymous_account_pages_have_wharfs_headings(client, db, path, heading):
    body = client.get(path).content.decode()
    assert f"<h1>{heading}</h1>" in body
    # No dead end: the help page's section on reaching the moderators (or the support address when set).
    if path != "/accounts/password/reset/key/1-nothing/":
        assert 'href="/help/#feedback"' in body


def test_password_reset_page_gives_the_support_address(client, db, settings):
    settings.WHARF_SUPPORT_EMAIL = "support@example.com"
    body = client.get("/accounts/password/reset/").content.decode()
    assert 'href="mailto:support@example.com?subject=Password%20reset"' in body


def test_two_factor_pages_have_wharfs_headings_and_buttons(client, sign_in, alice):
    sign_in(alice, confirm=True)
    index = client.get("/accounts/2fa/").content.decode()
    assert "<h1>Two-factor authentication</h1>" in index and "<h2>Recovery codes</h2>" in index
    assert ">Set up an authenticator app</a>" in index
    client.get("/accounts/2fa/totp/activate/")
    code = pyotp.TOTP(client.session["mfa.totp.secret"]).now()
    assert client.post("/accounts/2fa/totp/activate/", {"code": code}).status_code == 302
    codes = client.get("/accounts/2fa/recovery-codes/").content.decode()
    assert "<h1>Recovery codes</h1>" in codes and "10 of 10 codes unused." in codes
    # Making new codes is the alternative here, not the main action.
    assert re.search(r'<a href="/accounts/2fa/recovery-codes/generate/" class="button secondary">', codes)
    deactivate = client.get("/accounts/2fa/totp/deactivate/").content.decode()
    assert "<h1>Turn off the authenticator app?</h1>" in deactivate
    assert '<button class="danger " type="submit">Turn off the authenticator app</button>' in deactivate
    assert '<a href="/accounts/2fa/" class="button secondary">Cancel</a>' in deactivate


def test_change_password_page(client, sign_in, alice):
    sign_in(alice)
    body = client.get("/accounts/password/change/").content.decode()
    assert "<h1>Change your password</h1>" in body and ">Change password</button>" in body
    for label in ("Current password", "New password", "New password (again)"):
        assert f">{label}</label>" in body, label
    assert "New Password" not in body


def test_other_ways_to_confirm_it_is_you(client, sign_in, alice):
    sign_in(alice)
    body = client.get("/accounts/reauthenticate/").content.decode()
    assert "<h1>Confirm it is you</h1>" in body and ">Email me a code</a>" in body
    code_page = client.get("/accounts/reauthenticate/code/").content.decode()
    assert ">Email me a code</button>" in code_page
