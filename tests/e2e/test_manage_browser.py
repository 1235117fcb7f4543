"""The maintainers' pages in a real Chromium: logging in through the login form, inviting a collaborator who
accepts, and yanking a release that pip and uv then skip (PEP 592) unless it is pinned."""

import pytest
from django.core import mail
from playwright.sync_api import expect

from accounts.services import user_create
from registry.models import JournalEntry, Release, Role, RoleInvitation
from tests import builders
from tests.conftest import wait_for
from tests.e2e.clients import installed, log_in_with_cookie, pip_install, publish, uv_install

pytestmark = [pytest.mark.e2e]

PASSWORD = "a long test password"  # the `maintainer` fixture's


def log_in_with_form(page, username: str, password: str, *, next_path: str) -> None:
    page.goto(next_path)  # a manage page sends an anonymous visitor to the login form first
    expect(page.locator("#id_login")).to_be_visible()
    page.locator("#id_login").fill(username)
    page.locator("#id_password").fill(password)
    page.locator('form[action^="/accounts/login/"] button[type=submit]').click()


@pytest.fixture
def demo(upload_url, maintainer_token, tmp_path):
    publish(
        tmp_path,
        upload_url,
        maintainer_token,
        builders.wheel("demo-yank", "1.0"),
        builders.wheel("demo-yank", "2.0"),
    )


def test_invite_a_collaborator_who_accepts(page, browser, wharf, maintainer, demo, celery_worker):
    bob = user_create(
        username="bob", email="bob@example.com", password="another long password", verified_email=True
    )
    log_in_with_form(page, "maria", PASSWORD, next_path="/manage/projects/")
    expect(page).to_have_url(f"{wharf}/manage/projects/")
    page.get_by_role("link", name="demo-yank").click()
    page.get_by_role("link", name="Collaborators").click()
    page.get_by_label("Username").fill("bob")
    page.get_by_label("Role", exact=True).select_option("Maintainer")
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_role("status")).to_contain_text(
        "Invitation sent to 'bob' to become Maintainer of project 'demo-yank'."
    )
    expect(page.get_by_role("button", name="Revoke invitation to bob")).to_be_visible()
    # bob's invitation; the Owners' notices (the new release, the invitation) go to maria.
    wait_for(lambda: any(message.to == ["bob@example.com"] for message in mail.outbox))
    [invitation] = [message for message in mail.outbox if message.to == ["bob@example.com"]]
    assert "maria invited you to be Maintainer of demo-yank" in invitation.subject

    bob_context = browser.new_context(base_url=wharf)
    try:
        bob_page = bob_context.new_page()
        log_in_with_cookie(bob_page, wharf, bob)
        bob_page.goto("/manage/projects/")
        bob_page.get_by_role("button", name="Accept the invitation to demo-yank").click()
        expect(bob_page.get_by_role("status")).to_contain_text(
            "You are now Maintainer of project 'demo-yank'."
        )
        expect(bob_page.get_by_role("heading", name="Manage demo-yank")).to_be_visible()
    finally:
        bob_context.close()
    assert Role.objects.get(user=bob).role_name == "Maintainer"
    assert RoleInvitation.objects.get().status == "accepted"
    page.get_by_role("link", name="History").click()
    expect(page.get_by_role("table")).to_contain_text("accepted Maintainer bob")
    expect(page.get_by_role("table")).to_contain_text("invite Maintainer bob")


def test_yank_a_release_then_pip_and_uv_skip_it(page, wharf, maintainer, demo, index_url, tmp_path):
    log_in_with_cookie(page, wharf, maintainer)
    page.goto("/manage/project/demo-yank/")
    page.get_by_role("link", name="2.0", exact=True).click()
    page.get_by_label("Reason (optional, shown to installers)").fill("Broken import in 2.0")
    page.get_by_label("Type the version 2.0 to confirm yanking").fill("2.1")
    page.get_by_role("button", name="Yank 2.0").click()
    expect(page.get_by_role("status")).to_contain_text(
        "That is not the version: type '2.0' exactly to confirm."
    )
    assert not Release.objects.get(version="2.0").yanked

    page.get_by_label("Type the version 2.0 to confirm yanking").fill("2.0")
    page.get_by_role("button", name="Yank 2.0").click()
    expect(page.get_by_role("status")).to_contain_text("Release 2.0 of 'demo-yank' was yanked.")
    expect(page.get_by_role("button", name="Un-yank 2.0")).to_be_visible()
    release = Release.objects.get(version="2.0")
    assert (release.yanked, release.yanked_reason) == (True, "Broken import in 2.0")
    assert JournalEntry.objects.latest("id").action == "yank release"

    page.goto("/project/demo-yank/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("demo-yank 1.0")
    expect(page.locator("#history ~ table")).to_contain_text("yanked Broken import in 2.0")

    target = tmp_path / "pip"
    pip_install(index_url, target, "demo-yank")
    assert installed(target)["demo-yank"] == "1.0"
    pinned = tmp_path / "pinned"
    result = pip_install(index_url, pinned, "demo-yank==2.0")
    assert installed(pinned)["demo-yank"] == "2.0"
    assert "Broken import in 2.0" in result.stdout + result.stderr  # pip warns with the reason
    uv_target = tmp_path / "uv"
    uv_install(index_url, uv_target, "demo-yank")
    assert installed(uv_target)["demo-yank"] == "1.0"

    # Un-yanking makes 2.0 the one installers pick again.
    page.goto("/manage/project/demo-yank/release/2.0/")
    page.get_by_role("button", name="Un-yank 2.0").click()
    expect(page.get_by_role("status")).to_contain_text("Release 2.0 of 'demo-yank' is no longer yanked.")
    again = tmp_path / "again"
    pip_install(index_url, again, "demo-yank")
    assert installed(again)["demo-yank"] == "2.0"
