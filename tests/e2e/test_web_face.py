"""The web pages at a phone's and a desktop's width in a real Chromium: no page is wider than the screen,
axe-core finds no serious or critical accessibility violation, and each page's screenshot is written to
`WHARF_DATA_DIR/screenshots/` for review. Also what every page shares: who is logged in (error pages
included), the restrictions in force, and write forms closed with the reason while the index is read-only.
"""

from pathlib import Path

import pyotp
import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from playwright.sync_api import expect

from accounts.models import ApiToken
from accounts.services import user_create
from moderation.claims.services import claim_file
from moderation.models import Report
from moderation.services import report_create
from registry.models import Project
from tests import builders
from tests.e2e.clients import log_in_with_cookie, publish

pytestmark = [pytest.mark.e2e]

AXE = Axe()
# Phone and desktop are checked by axe and photographed; 320 px (the narrowest phone) for overflow only.
WIDTHS = (390, 1280)
README = (
    "# Tide tables\n\n"
    + "A long line https://example.com/"
    + "a" * 120
    + "\n\n```\n"
    + "x = 1; " * 40
    + "\n```\n"
)


def tidewater(version: str) -> builders.Dist:
    metadata = (
        f"Metadata-Version: 2.1\nName: tidewater\nVersion: {version}\nSummary: Tide tables for small boats\n"
        "Author: Bob Builder\nAuthor-email: Alice Example <alice@example.com>\n"
        "Maintainer-email: maint@example.com\nClassifier: Programming Language :: Python :: 3\n"
        "Project-URL: Source, https://example.com/tidewater\n"
        f"Description-Content-Type: text/markdown\n\n{README}"
    )
    return builders.wheel("tidewater", version, metadata_override=metadata)


@pytest.fixture
def site(upload_url, maintainer, maintainer_token, tmp_path, settings, make_moderator):
    """A published project with two releases, a claim and a report on it, and a staff account."""
    settings.WHARF_ADMIN_REQUIRE_2FA = False
    publish(tmp_path, upload_url, maintainer_token, tidewater("1.0"), tidewater("1.1"))
    carol = user_create(
        username="carol", email="carol@example.com", password="a long test password", verified_email=True
    )
    project = Project.objects.get(normalized_name="tidewater")
    claim = claim_file(
        claimant=carol,
        name="tidewater",
        kind="transfer",
        justification="The project looks abandoned.",
        intended_use="A maintained fork of the tide tables.",
        code_url="https://example.com/carol/tidewater",
        contact_attempts="Two emails to the author, no answer.",
    )
    report_create(project=project, reporter=carol, reason="spam", description="Looks like spam to me.")
    admin = user_create(
        username="root",
        email="root@example.com",
        password="a long test password",
        verified_email=True,
        superuser=True,
    )
    return {
        "maintainer": maintainer,
        "carol": carol,
        "claim": claim,
        "admin": admin,
        "moderator": make_moderator("mod"),
        "project": project,
    }


def screenshot_dir() -> Path:
    directory = Path(settings.WHARF_DATA_DIR) / "screenshots"
    directory.mkdir(parents=True, exist_ok=True)
    return directory


def check_page(page, path: str, name: str) -> None:
    """The page answers, then `check_layout`. One load: a viewport change only lays the page out again."""
    page.set_viewport_size({"width": 1280, "height": 900})
    response = page.goto(path)
    assert response.status < 500, f"{path}: {response.status}"
    check_layout(page, name)


def check_layout(page, name: str) -> None:
    """The page on screen: at each width it is no wider than the screen; at 390 and 1280 px axe finds nothing
    serious or critical (the folded menu and the stacked tables included) and the page is photographed."""
    where = page.url
    for width in (1280, 390, 320):
        page.set_viewport_size({"width": width, "height": 900})
        overflow = page.evaluate("(root => root.scrollWidth - root.clientWidth)(document.documentElement)")
        assert overflow <= 0, f"{where} is {overflow} px wider than a {width} px screen"
        if width == 1280:
            # An admin list's columns fit a desktop screen: no sideways scrolling inside the list either.
            wider = page.evaluate(
                "[...document.querySelectorAll('.results')].map(r => r.scrollWidth - r.clientWidth)"
            )
            assert all(extra <= 0 for extra in wider), f"{where}: the list scrolls sideways by {wider} px"
        if width in WIDTHS:
            page.screenshot(path=str(screenshot_dir() / f"{name}-{width}.png"), full_page=True)
        if width in WIDTHS:
            assert_accessible(page, f"{where} at {width} px")
    page.set_viewport_size({"width": 1280, "height": 900})


def assert_accessible(page, where: str) -> None:
    violations = [
        f"{violation['id']} ({violation['impact']}): {violation['help']} — "
        + "; ".join(node["target"][0] for node in violation["nodes"][:3])
        for violation in AXE.run(page).response["violations"]
        if violation["impact"] in ("serious", "critical")
    ]
    assert not violations, f"{where}: " + " | ".join(violations)


def test_every_page_fits_a_phone_and_passes_axe(page, wharf, site):
    check_page(page, "/", "home")
    check_page(page, "/project/tidewater/", "project")
    for path, name in [
        ("/search/?q=tide", "search"),
        ("/project/tidewater/1.0/", "release"),
        ("/status/", "status"),
        ("/help/", "help"),
        ("/names/check/?name=tidewater", "name-check"),
        ("/accounts/login/", "login"),
        ("/accounts/signup/", "register"),
        ("/accounts/password/reset/", "password-reset"),
        ("/accounts/confirm-email/", "check-your-email"),
        ("/no/such/page/", "not-found"),
        ("/user/maria/", "user"),
        ("/legacy/", "upload-info"),
    ]:
        check_page(page, path, name)

    log_in_with_cookie(page, wharf, site["maintainer"])
    for path, name in [
        ("/manage/projects/", "manage-projects"),
        ("/manage/project/tidewater/", "manage-project"),
        ("/manage/project/tidewater/collaborators/", "manage-collaborators"),
        ("/manage/project/tidewater/release/1.0/", "manage-release"),
        ("/manage/project/tidewater/history/", "manage-history"),
        ("/accounts/", "account"),
        ("/accounts/tokens/", "tokens"),
        ("/accounts/email/", "email"),
        ("/accounts/2fa/", "two-factor"),
        ("/accounts/password/change/", "password-change"),
        ("/accounts/security/", "security-log"),
        (f"/accounts/tokens/{ApiToken.objects.get(description='e2e').pk}/revoke/", "token-revoke"),
        ("/manage/project/tidewater/publishing/", "manage-publishing"),
        ("/manage/publishing/", "pending-publishers"),
        ("/manage/account/delete/", "delete-account"),
    ]:
        check_page(page, path, name)
    set_up_an_authenticator_app(page)

    log_in_with_cookie(page, wharf, site["carol"])
    for path, name in [
        ("/claims/", "claims"),
        (f"/claims/{site['claim'].pk}/", "claim"),
        ("/claims/new/?name=tidewater", "claim-new"),
        ("/project/tidewater/report/", "report-form"),
    ]:
        check_page(page, path, name)

    log_in_with_cookie(page, wharf, site["admin"])
    report = Report.objects.get(project=site["project"])
    for path, name in [
        ("/admin/", "admin-home"),
        ("/admin/moderation/report/", "admin-reports"),
        (f"/admin/moderation/report/{report.pk}/change/", "admin-report"),
        ("/admin/moderation/moderatedproject/", "admin-projects"),
        (f"/admin/moderation/moderatedproject/{site['project'].pk}/change/", "admin-project"),
        ("/admin/moderation/moderateduser/", "admin-accounts"),
        (f"/admin/moderation/moderateduser/{site['carol'].pk}/change/", "admin-account"),
        ("/admin/claims/claim/", "admin-claims"),
        (f"/admin/claims/claim/{site['claim'].pk}/change/", "admin-claim"),
        ("/admin/moderation/auditentry/", "admin-audit"),
    ]:
        check_page(page, path, name)
    # An action from the report's own page goes through the confirmation page, which fits a phone too.
    page.goto(f"/admin/moderation/report/{report.pk}/change/")
    page.get_by_role("button", name="Quarantine tidewater").click()
    expect(page.get_by_role("heading", name="Quarantine projects")).to_be_visible()
    check_layout(page, "admin-confirmation")

    # A moderator's cockpit: one "Projects" entry (the registry's data admin is for superusers).
    log_in_with_cookie(page, wharf, site["moderator"])
    check_page(page, "/admin/", "admin-home-moderator")
    expect(page.get_by_role("link", name="Projects", exact=True)).to_have_count(1)


def set_up_an_authenticator_app(page) -> None:
    """The two-factor set-up pages: the password asked again, the QR code with the whole secret readable on
    the narrowest phone, then the recovery codes."""
    check_page(page, "/accounts/2fa/totp/activate/", "reauthenticate")
    page.get_by_label("Password").fill("a long test password")
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("heading", name="Set up an authenticator app")).to_be_visible()
    check_layout(page, "totp-activate")
    secret = page.locator("#authenticator_secret")
    for width in (1280, 320):
        page.set_viewport_size({"width": width, "height": 900})
        assert secret.evaluate("code => code.scrollWidth <= code.clientWidth"), f"secret cut at {width} px"
    page.get_by_label("Authenticator code").fill(pyotp.TOTP(secret.inner_text().strip()).now())
    page.get_by_role("button", name="Activate").click()
    expect(page.get_by_role("heading", name="Recovery codes")).to_be_visible()
    check_layout(page, "recovery-codes")


def test_the_header_knows_who_is_logged_in_everywhere(page, wharf, site, set_flag):
    log_in_with_cookie(page, wharf, site["admin"])
    page.goto("/no/such/page/")
    header = page.locator(".site-header")
    expect(header).to_contain_text("root")
    expect(header.get_by_role("link", name="Admin")).to_have_attribute("href", "/admin/")
    expect(page.locator("link[rel=icon]")).to_have_attribute("href", "/static/wharf/favicon.svg")

    set_flag("read-only", message="Maintenance until noon. See /status/ for more information.")
    log_in_with_cookie(page, wharf, site["maintainer"])
    page.goto("/manage/project/tidewater/")
    # Every page says so, and the forms that would be refused are closed before anyone types.
    expect(page.locator("#restriction-read-only")).to_contain_text("Read-only mode")
    delete = page.get_by_role("button", name="Delete project")
    expect(delete).to_be_disabled()
    expect(page.locator(".form-closed").first).to_contain_text("nothing can be changed")
    expect(page.get_by_role("button", name="Log out")).to_be_enabled()
    # Logging out stays open on its own page too; registering, a write, is closed with the reason.
    page.goto("/accounts/logout/")
    expect(page.locator("main").get_by_role("button", name="Log out")).to_be_enabled()
    anonymous = page.context.browser.new_context(base_url=wharf)
    try:
        visitor = anonymous.new_page()
        visitor.goto("/accounts/signup/")
        expect(visitor.get_by_role("button", name="Register")).to_be_disabled()
        expect(visitor.locator(".form-closed")).to_contain_text("no new accounts")
        visitor.goto("/accounts/login/")
        expect(visitor.locator("main").get_by_role("button", name="Log in")).to_be_enabled()
    finally:
        anonymous.close()
    # A write that gets through anyway is refused with a page that still knows who is logged in.
    response = page.request.post(f"{wharf}/manage/project/tidewater/delete/", headers={"Accept": "text/html"})
    assert response.status == 503 and "Log out" in response.text() and ">maria<" in response.text()
    page.goto("/status/")
    expect(page.get_by_role("link", name="/status/")).to_have_attribute("href", "/status/")
    expect(page.locator("#read-only")).to_contain_text("nothing can be changed for now")
    # The admin, where the flag is switched off, says so on every page as well.
    log_in_with_cookie(page, wharf, site["moderator"])
    page.goto("/admin/moderation/report/")
    expect(page.locator("#restriction-read-only")).to_contain_text("Read-only mode is on.")
    assert_accessible(page, "the admin in read-only mode")
