"""Filing a name claim in a real Chromium and watching it move: from a refusal on the name check page to the
pre-filled form, the claim page after each step (the moderator's in the admin workbench), the owner's answer
through the emailed link, and the decision with its reason."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from accounts.services import user_create
from moderation.claims import services
from moderation.claims.models import Claim
from tests import builders
from tests.conftest import wait_for
from tests.e2e.clients import log_in_with_cookie, publish

pytestmark = [pytest.mark.e2e]


@pytest.fixture
def carol(transactional_db):
    return user_create(
        username="carol", email="carol@example.com", password="a long test password", verified_email=True
    )


@pytest.fixture(autouse=True)
def _admin_without_two_factor(settings):
    settings.WHARF_ADMIN_REQUIRE_2FA = False  # the admin's two-factor login is tested with the accounts


def answer_path(address: str) -> str:
    """The path of the answer link in the newest contact email to `address`."""
    message = [m for m in mail.outbox if m.to == [address] and "/claims/answer/" in m.body][-1]
    return re.search(r"(/claims/answer/[^/\s]+/)", message.body)[1]


def test_file_a_claim_and_watch_it(
    settled, page, browser, wharf, upload_url, maintainer, maintainer_token, carol, moderator, tmp_path
):
    publish(tmp_path, upload_url, maintainer_token, builders.wheel("watched-demo", "1.0"))
    log_in_with_cookie(page, wharf, carol)

    # A refusal on the name check page leads to the pre-filled form.
    page.goto("/names/check/")
    page.get_by_label("Project name").fill("Watched_Demo")
    page.get_by_role("button", name="Check").click()
    expect(page.locator("#result")).to_contain_text("Rule: an existing project.")
    page.get_by_role("link", name="Claim or appeal this name").click()
    expect(page).to_have_url(f"{wharf}/claims/new/?name=Watched_Demo")
    expect(page.get_by_role("heading", name="Claim a project name")).to_be_visible()
    expect(page.get_by_label("Abandoned project: transfer ownership to me")).to_be_checked()

    page.get_by_label("Why? (reasons for the request)").fill("No release since 2019; issues unanswered.")
    page.get_by_label("What will you publish under this name?").fill("A maintained fork.")
    page.get_by_label("Link to your code").fill("https://git.example.com/carol/watched-demo")
    page.get_by_label("How did you try to contact the owners?").fill("Emailed maria twice in January.")
    page.get_by_role("button", name="File the claim").click()
    expect(
        page.get_by_text("Try to contact the project's owners first, then confirm it here.")
    ).to_be_visible()
    assert not Claim.objects.exists()
    page.get_by_label("I tried to contact the project's owners before filing this claim.").check()
    page.get_by_role("button", name="File the claim").click()

    claim = Claim.objects.get()
    expect(page).to_have_url(f"{wharf}/claims/{claim.pk}/")
    expect(page.get_by_role("status").first).to_contain_text(
        f"Your claim on 'watched-demo' was filed as claim #{claim.pk}."
    )
    expect(page.locator("#claim-state")).to_have_text("State: Submitted")
    expect(page.get_by_text("Review starts by:")).to_be_visible()
    page.get_by_role("link", name="My claims").first.click()
    expect(page.get_by_role("table")).to_contain_text("watched-demo")
    expect(page.get_by_role("table")).to_contain_text("Submitted")

    # The moderator starts the review and contacts the owners from the workbench.
    moderator_context = browser.new_context(base_url=wharf)
    try:
        admin = moderator_context.new_page()
        log_in_with_cookie(admin, wharf, moderator)
        admin.goto(f"/admin/claims/claim/{claim.pk}/change/")
        expect(admin.locator("#criteria")).to_contain_text("Owners unreachable after the contact period")
        admin.get_by_role("button", name="Start review").click()
        expect(admin.get_by_role("heading", name="Start review: confirm")).to_be_visible()
        admin.get_by_role("button", name="Start review").click()
        admin.get_by_role("button", name="Contact owners").click()
        admin.get_by_label("Note (optional; the claimant sees it)").fill("Also tried the author address.")
        admin.get_by_role("button", name="Contact owners").click()
        expect(admin.get_by_text(f"Claim #{claim.pk}: contact owners done.")).to_be_visible()
    finally:
        moderator_context.close()

    page.goto(f"/claims/{claim.pk}/")
    expect(page.locator("#claim-state")).to_have_text("State: Owners contacted")
    expect(page.get_by_text("Ready for decision by:")).to_be_visible()
    expect(page.locator("#timeline ~ table")).to_contain_text("Owners contacted")

    # The owner answers through the link in their email.
    wait_for(lambda: any(m.to == ["maria@example.com"] for m in mail.outbox))
    owner_context = browser.new_context(base_url=wharf)
    try:
        owner = owner_context.new_page()
        owner.goto(answer_path("maria@example.com"))
        expect(owner.get_by_text("the user carol asked for the name of your project")).to_be_visible()
        owner.get_by_label("Keep my project: I am still maintaining it").check()
        owner.get_by_role("button", name="Send my answer").click()
        expect(owner.get_by_role("status")).to_contain_text("was recorded: Keep my project")
    finally:
        owner_context.close()

    page.reload()
    expect(page.locator("#claim-state")).to_have_text("State: Ready for decision")
    expect(page.locator("#timeline ~ table")).to_contain_text("Owner maria")

    services.claim_reject(
        claim=claim, actor=moderator, reason="The owner answered that the project is maintained."
    )
    page.reload()
    expect(page.locator("#claim-state")).to_have_text("State: Rejected")
    expect(page.locator("#decision-reason")).to_have_text(
        "The owner answered that the project is maintained."
    )
    expect(page.get_by_role("button", name="Withdraw this claim")).to_have_count(0)


def test_withdraw_in_the_browser(settled, page, wharf, upload_url, maintainer_token, carol, tmp_path):
    publish(tmp_path, upload_url, maintainer_token, builders.wheel("withdrawn-demo", "1.0"))
    claim = services.claim_file(
        claimant=carol,
        name="withdrawn-demo",
        kind="maintainer",
        justification="x",
        intended_use="y",
        code_url="https://git.example.com/carol/w",
        contact_attempts="z",
    )
    log_in_with_cookie(page, wharf, carol)
    page.goto(f"/claims/{claim.pk}/")
    page.get_by_role("button", name="Withdraw this claim").click()
    expect(page.locator("#claim-state")).to_have_text("State: Withdrawn")
    expect(page.locator("#timeline ~ table")).to_contain_text("Withdrawn by the claimant")
