"""Accounts in a real Chromium against a live Wharf: sign-up, verification by email, tokens used by twine,
and a WebAuthn security key (Chromium's virtual authenticator)."""

import email
import email.policy
import re
from pathlib import Path

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from playwright.sync_api import expect

from accounts.enums import SecurityEventKind
from accounts.models import ApiToken, SecurityEvent, User
from accounts.services import user_create
from tests import builders
from tests.conftest import wait_for
from tests.e2e.clients import twine_upload

pytestmark = [pytest.mark.e2e]

PASSWORD = "a long test password for the browser"


@pytest.fixture
def mail_dir(settings, tmp_path, celery_worker):
    """Mail goes to files, as on the embedded default, so the test reads it as a newcomer would."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path / "mail")
    return tmp_path / "mail"


def read_mail(directory: Path, count: int) -> list[email.message.EmailMessage]:
    """The emails the file backend wrote, oldest first (each file holds one or more, separated by dashes)."""
    wait_for(lambda: directory.exists() and len(_messages(directory)) >= count)
    return _messages(directory)


def _messages(directory: Path) -> list:
    found = []
    for path in sorted(directory.glob("*.log"), key=lambda p: p.stat().st_mtime):
        for chunk in path.read_bytes().split(b"\n" + b"-" * 79 + b"\n"):
            if chunk.strip():
                found.append(email.message_from_bytes(chunk, policy=email.policy.default))
    return found


def write_dists(directory: Path, *dists: builders.Dist) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for dist in dists:
        path = directory / dist.filename
        path.write_bytes(dist.content)
        paths.append(path)
    return paths


def create_token(page, name: str, scope_label: str, *, confirm_password: bool = False) -> str:
    page.goto("/accounts/tokens/")
    page.fill("#id_description", name)
    page.select_option("#id_scope", label=scope_label)
    page.get_by_role("button", name="Create token").click()
    if confirm_password:
        # A session that began with an email link, not a password, confirms the password first; the
        # suspended request then resumes and the token is shown.
        expect(page).to_have_url(re.compile(r"/accounts/reauthenticate/"))
        page.fill("#id_password", PASSWORD)
        page.get_by_role("button", name="Confirm").click()
    token = page.locator("#token-value").inner_text().strip()
    assert token.startswith("wharf-")
    return token


def test_signup_verify_token_and_upload(page, wharf, upload_url, mail_dir, tmp_path):
    page.goto("/accounts/signup/")
    page.fill("#id_email", "newcomer@example.com")
    page.fill("#id_username", "newcomer")
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    page.get_by_role("button", name="Register").click()
    expect(page).to_have_url(re.compile(r"/accounts/confirm-email/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    assert EmailAddress.objects.get().verified is False

    [message] = read_mail(mail_dir, 1)
    assert message["To"] == "newcomer@example.com"
    assert message["Subject"] == "[Wharf] Verify your email address"
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    link = re.search(r"http://\S+/accounts/confirm-email/\S+/", text).group(0)
    assert link.startswith(wharf) and link in html and "Wharf" in html

    page.goto(link)
    page.locator("#confirm-email").click()
    expect(page).to_have_url(re.compile(r"/accounts/$"))
    expect(page.locator(".messages")).to_contain_text("Logged in as newcomer.")
    assert EmailAddress.objects.get().verified is True

    account_token = create_token(
        page, "first upload", "Whole account (all projects, and new ones)", confirm_password=True
    )
    first = write_dists(
        tmp_path / "v1", builders.wheel("alpha-e2e", "1.0"), builders.wheel("beta-e2e", "1.0")
    )
    result = twine_upload(first, repository_url=upload_url, token=account_token)
    assert result.returncode == 0, result.stdout + result.stderr

    scoped = create_token(page, "alpha only", "Project: alpha-e2e")
    expect(page.locator("#token-list")).to_contain_text("Project: alpha-e2e")
    # The copy button copies the token; the .pypirc snippet carries it.
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=wharf)
    page.get_by_role("button", name="Copy token").click()
    expect(page.get_by_role("button", name="Copied")).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()") == scoped
    expect(page.locator("#pypirc-snippet")).to_contain_text(f"password = {scoped}")
    # Post/Redirect/Get: a reload neither shows the token again nor creates another one.
    page.reload()
    expect(page.locator("#token-value")).to_have_count(0)
    assert ApiToken.objects.filter(user__username="newcomer").count() == 2
    alpha, beta = write_dists(
        tmp_path / "v2", builders.wheel("alpha-e2e", "2.0"), builders.wheel("beta-e2e", "2.0")
    )
    result = twine_upload([alpha], repository_url=upload_url, token=scoped)
    assert result.returncode == 0, result.stdout + result.stderr
    result = twine_upload([beta], repository_url=upload_url, token=scoped)
    assert result.returncode != 0
    output = " ".join((result.stdout + result.stderr).split())  # twine wraps long lines
    assert "403 Forbidden" in output
    assert "Invalid API Token: project-scoped token is not valid for project: 'beta-e2e'" in output

    user = User.objects.get(username="newcomer")
    assert sorted(ApiToken.objects.filter(user=user).values_list("description", flat=True)) == [
        "alpha only",
        "first upload",
    ]
    page.goto("/accounts/security/")
    log = page.locator("#security-log")
    expect(log).to_contain_text("Email address verified")
    expect(log).to_contain_text("API token created")
    expect(log).to_contain_text("API token used")

    # Revoking asks first.
    page.goto("/accounts/tokens/")
    page.get_by_role("link", name="Revoke alpha only").click()
    expect(page.get_by_role("heading", name="Revoke the token 'alpha only'?")).to_be_visible()
    assert ApiToken.objects.get(description="alpha only").revoked is None
    page.get_by_role("button", name="Revoke token").click()
    expect(page.locator(".messages")).to_contain_text("Revoked the token 'alpha only'")
    assert ApiToken.objects.get(description="alpha only").revoked is not None


def test_unverified_account_cannot_create_a_token(page, wharf, mail_dir):
    user_create(username="pending", email="pending@example.com", password=PASSWORD, verified_email=False)
    page.goto("/accounts/login/")
    page.fill("#id_login", "pending")
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Log in").click()
    # Mandatory verification: no session, a new verification email instead.
    expect(page).to_have_url(re.compile(r"/accounts/confirm-email/$"))
    assert read_mail(mail_dir, 1)[0]["To"] == "pending@example.com"
    page.goto("/accounts/tokens/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    assert ApiToken.objects.count() == 0


def test_security_key_enrolment_and_login(page, wharf, mail_dir):
    """WebAuthn through Chromium's virtual authenticator (a secure context: http://localhost)."""
    assert wharf.startswith("http://localhost:")
    user = user_create(username="keyholder", email="keys@example.com", password=PASSWORD, verified_email=True)
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "usb",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )

    def log_in():
        page.goto("/accounts/login/")
        page.fill("#id_login", "keyholder")
        page.fill("#id_password", PASSWORD)
        page.get_by_role("button", name="Log in").click()

    log_in()
    expect(page).to_have_url(re.compile(r"/accounts/$"))
    page.goto("/accounts/2fa/webauthn/add/")
    # Adding a device asks for the password once more, then resumes.
    expect(page).to_have_url(re.compile(r"/accounts/reauthenticate/"))
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Confirm").click()
    expect(page).to_have_url(re.compile(r"/accounts/2fa/webauthn/add/"))
    page.wait_for_load_state("load")  # allauth's WebAuthn script binds the button on DOMContentLoaded
    page.locator("#mfa_webauthn_add").click()
    expect(page).to_have_url(re.compile(r"/accounts/2fa/recovery-codes/"))
    wait_for(lambda: Authenticator.objects.filter(user=user, type="webauthn").exists())
    assert SecurityEvent.objects.filter(user=user, kind=SecurityEventKind.TWO_FACTOR_ENABLED).exists()

    page.get_by_role("button", name="Log out").first.click()
    log_in()
    expect(page).to_have_url(re.compile(r"/accounts/2fa/authenticate/"))
    page.wait_for_load_state("load")
    page.locator("#mfa_webauthn_authenticate").click()
    expect(page).to_have_url(re.compile(r"/accounts/$"))
    expect(page.get_by_role("heading", name="Your account: keyholder")).to_be_visible()
