"""No page logs a Content-Security-Policy violation in Chromium: public pages, a maintainer's pages, the
account and two-factor pages (allauth), a name claim, and the admin with its moderation dashboard,
changelists, change forms and an action's confirmation page.

The policy allows no inline script or style at all (config/settings.py CONTENT_SECURITY_POLICY), so anything
a template still writes inline shows up here as a console error.
"""

import pytest
from playwright.sync_api import expect

from accounts.services import user_create
from moderation.claims.enums import ClaimKind
from moderation.claims.models import Claim
from moderation.claims.services.filing import claim_file
from registry.models import Project
from tests.builders import widget_wheel
from tests.e2e.clients import log_in_with_cookie, publish

pytestmark = [pytest.mark.e2e]

README = """# Widgets

![build](https://img.example.com/badge.svg) <script>alert(1)</script> <b style="color:red">bold</b>
"""
PUBLIC = [
    "/",
    "/search/?q=widgets",
    "/project/csp-widgets/",
    "/project/csp-widgets/1.0/",
    "/user/maria/",
    "/help/",
    "/status/",
    "/names/check/?name=csp-widgets",
    "/legacy/",
    "/simple/",
    "/simple/csp-widgets/",
    "/accounts/login/",
    "/accounts/signup/",
    "/accounts/password/reset/",
]
MAINTAINER = [
    "/accounts/",
    "/accounts/email/",
    "/accounts/tokens/",
    "/accounts/security/",
    "/accounts/password/change/",
    "/accounts/2fa/",
    "/accounts/2fa/totp/activate",
    "/manage/projects/",
    "/manage/project/csp-widgets/",
    "/manage/project/csp-widgets/collaborators/",
    "/manage/project/csp-widgets/release/1.0/",
    "/manage/project/csp-widgets/history/",
    "/manage/project/csp-widgets/publishing/",
    "/manage/publishing/",
]
CLAIMANT = ["/project/csp-widgets/report/", "/claims/", "/claims/new/?name=csp-widgets", "/claims/{claim}/"]
ADMIN = [
    "/admin/",
    "/admin/registry/project/",
    "/admin/registry/project/{project}/change/",
    "/admin/accounts/user/",
    "/admin/accounts/user/{user}/change/",
    "/admin/moderation/report/",
    "/admin/moderation/moderatedproject/",
    "/admin/moderation/auditentry/",
    "/admin/claims/claim/",
    "/admin/claims/claim/{claim}/change/",
]


def visit(page, paths: list[str], **ids) -> dict[str, list[str]]:
    """Load each page; return the CSP violations Chromium reported, by page."""
    found: dict[str, list[str]] = {}
    for path in paths:
        path = path.format(**ids)
        messages: list[str] = []

        def record(message, messages=messages):
            if "Content Security Policy" in message.text:
                messages.append(message.text)

        page.on("console", record)
        response = page.goto(path, wait_until="load")
        assert response.status < 400, (path, response.status)
        page.wait_for_timeout(50)  # violations of late scripts (admin widgets) arrive after load
        page.remove_listener("console", record)
        if messages:
            found[path] = messages
    return found


def test_no_page_logs_a_csp_violation(
    browser, page, wharf, upload_url, maintainer, maintainer_token, tmp_path, settings
):
    settings.WHARF_ADMIN_REQUIRE_2FA = False
    publish(
        tmp_path, upload_url, maintainer_token, widget_wheel("csp-widgets", "1.0", summary="x", readme=README)
    )
    claimant = user_create(
        username="carol", email="carol@example.com", password="a long test password", verified_email=True
    )
    claim = claim_file(
        claimant=claimant,
        name="csp-widgets",
        kind=ClaimKind.OTHER,
        justification="I maintain the fork everyone uses.\nSecond line.",
        intended_use="The same widgets, maintained.",
        code_url="https://example.com/carol/widgets",
        contact_attempts="Emailed the owner twice.",
    )
    admin = user_create(
        username="root",
        email="root@example.com",
        password="a long test password",
        verified_email=True,
        superuser=True,
    )
    ids = {"project": Project.objects.get().pk, "user": maintainer.pk, "claim": claim.pk}

    violations = visit(page, PUBLIC)
    log_in_with_cookie(page, wharf, maintainer)
    violations |= visit(page, MAINTAINER, **ids)
    log_in_with_cookie(page, wharf, claimant)
    violations |= visit(page, CLAIMANT, **ids)
    log_in_with_cookie(page, wharf, admin)
    violations |= visit(page, ADMIN, **ids)

    # A moderation action's confirmation page, reached through the changelist as a moderator does.
    page.goto("/admin/moderation/moderatedproject/")
    page.locator("input.action-select").first.check()
    page.locator("select[name=action]").select_option("quarantine_projects")
    messages: list[str] = []
    page.on("console", lambda message: messages.append(message.text))
    page.get_by_role("button", name="Go").click()
    expect(page.get_by_role("heading", name="Quarantine projects")).to_be_visible()
    if any("Content Security Policy" in message for message in messages):
        violations["quarantine confirmation"] = messages

    assert violations == {}
    assert Claim.objects.count() == 1
