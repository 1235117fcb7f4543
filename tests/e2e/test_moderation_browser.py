"""A report followed to quarantine in a real Chromium: a user reports a project from its page; a moderator
(staff in the Moderators group, not a superuser) finds it on the admin dashboard, quarantines the project from
the report queue with a reason; the project disappears for pip and the public, and its owner sees why."""

import pytest
from django.core import mail
from playwright.sync_api import expect

from accounts.services import user_create
from moderation.enums import ReportState
from moderation.models import Report
from registry.enums import ProjectStatus
from registry.models import Project
from tests import builders
from tests.conftest import wait_for
from tests.e2e.clients import log_in_with_cookie, pip_install, publish

pytestmark = [pytest.mark.e2e]


def test_report_to_quarantine(
    browser,
    page,
    wharf,
    upload_url,
    index_url,
    maintainer,
    maintainer_token,
    moderator,
    tmp_path,
    settings,
    celery_worker,
):
    settings.WHARF_ADMIN_REQUIRE_2FA = False
    publish(tmp_path, upload_url, maintainer_token, builders.wheel("evil-pkg", "1.0"))
    bob = user_create(
        username="bob", email="bob@example.com", password="a long test password", verified_email=True
    )

    # Bob reports the project from its page.
    log_in_with_cookie(page, wharf, bob)
    page.goto("/project/evil-pkg/")
    page.get_by_role("link", name="Report project as malware or spam").click()
    expect(page.get_by_role("heading", name="Report project evil-pkg")).to_be_visible()
    page.get_by_label("Malware").check()
    page.get_by_label("Describe what you found").fill("too short")
    page.get_by_role("button", name="Send the report").click()
    expect(page.get_by_text("The description must be at least 10 characters long.")).to_be_visible()
    assert not Report.objects.exists()
    page.get_by_label("Malware").check()
    page.get_by_label("Describe what you found").fill("Its __init__.py uploads ~/.ssh to a remote host.")
    page.get_by_role("button", name="Send the report").click()
    expect(page.get_by_role("status")).to_contain_text(
        "Thank you: your report on evil-pkg went to the moderators."
    )

    # The moderator sees it on the dashboard and quarantines the project from the queue.
    context = browser.new_context(base_url=wharf)
    context.set_default_timeout(15_000)
    try:
        admin = context.new_page()
        log_in_with_cookie(admin, wharf, moderator)
        admin.goto("/admin/")
        dashboard = admin.locator(".moderation-dashboard")
        expect(dashboard).to_contain_text("Open reports: 1")
        expect(dashboard.locator("svg polyline.series")).to_have_count(3)
        dashboard.get_by_role("link", name="1", exact=True).first.click()
        expect(admin.locator("#result_list")).to_contain_text("evil-pkg")
        admin.locator("input.action-select").first.check()
        admin.locator("select[name=action]").select_option("quarantine_projects")
        admin.get_by_role("button", name="Go").click()
        expect(admin.get_by_role("heading", name="Quarantine projects")).to_be_visible()
        expect(admin.locator("#content")).to_contain_text("evil-pkg")
        expect(admin.get_by_label("Reason")).to_have_attribute("required", "")  # no reason, no action
        admin.get_by_label("Reason").fill("Exfiltrates SSH keys (reported by a user, confirmed).")
        admin.get_by_role("button", name="Quarantine projects").click()
        expect(admin.locator(".messagelist")).to_contain_text("1 project(s) quarantined.")
    finally:
        context.close()

    assert Project.objects.get().status == ProjectStatus.QUARANTINED
    assert Report.objects.get().state == ReportState.ACTION_TAKEN
    assert page.goto("/project/evil-pkg/").status == 404
    result = pip_install(index_url, tmp_path / "target", "evil-pkg", check=False)
    assert result.returncode != 0 and "No matching distribution found for evil-pkg" in result.stderr

    # The owner sees why on the manage page; the reporter and the owner got email.
    owner = browser.new_context(base_url=wharf)
    owner.set_default_timeout(15_000)
    try:
        owner_page = owner.new_page()
        log_in_with_cookie(owner_page, wharf, maintainer)
        owner_page.goto("/manage/project/evil-pkg/")
        expect(owner_page.locator("#quarantine-notice")).to_contain_text(
            "The moderators' reason: Exfiltrates SSH keys (reported by a user, confirmed)."
        )
    finally:
        owner.close()
    wait_for(lambda: len(mail.outbox) >= 2)
    subjects = {(tuple(message.to), message.subject) for message in mail.outbox}
    assert (("bob@example.com",), "[Wharf] Your report on evil-pkg was resolved") in subjects
    assert (("maria@example.com",), "[Wharf] Project evil-pkg was quarantined") in subjects
