"""The name check page in a real Chromium: reached from help, it names the rule that blocks a name."""

import pytest
from playwright.sync_api import expect

from moderation.models import ProhibitedProjectName
from tests.builders import widget_wheel
from tests.e2e.clients import publish

pytestmark = [pytest.mark.e2e]


def check(page, name: str) -> None:
    page.get_by_label("Project name").fill(name)
    page.get_by_role("button", name="Check").click()


def test_name_check_page_explains_every_rule(page, wharf, upload_url, maintainer_token, tmp_path):
    publish(tmp_path, upload_url, maintainer_token, widget_wheel("toasting", "1.0", summary="Toast"))
    ProhibitedProjectName.objects.create(name="gadzooks", reason="PRIVATE: seen in a malware campaign")
    # Seeded by a migration, but a live-server test starts from a flushed database.
    ProhibitedProjectName.objects.get_or_create(name="requirements-txt", defaults={"reason": "typo trap"})

    page.goto("/help/")
    page.get_by_role("link", name="Why isn't my desired project name available?").click()
    expect(page).to_have_url(f"{wharf}/help/#project-name")
    page.locator("#project-name ~ p").get_by_role("link", name="name check page").click()
    expect(page.get_by_role("heading", name="Is this project name available?")).to_be_visible()

    result = page.locator("#result")
    check(page, "XML")
    expect(result).to_contain_text("“XML” is not available")
    expect(result).to_contain_text("Rule: conflicts with the Python standard library.")
    expect(result).to_contain_text("module 'xml' (Python 2.6 to 3.14)")
    expect(page).to_have_url(f"{wharf}/names/check/?name=XML")

    check(page, "asynchat")
    expect(result).to_contain_text("asynchat — Python 2.6 to 3.11")

    check(page, "Gadzooks")
    expect(result).to_contain_text("Rule: prohibited by the administrators.")
    expect(page.get_by_text("PRIVATE")).to_have_count(0)

    check(page, "requirements.txt")
    expect(result).to_contain_text("Rule: prohibited by the administrators.")

    check(page, "t0ast1ng")
    expect(result).to_contain_text("Rule: too similar to an existing project.")
    result.get_by_role("link", name="toasting").click()
    expect(page).to_have_url(f"{wharf}/project/toasting/")

    page.goto("/names/check/")
    check(page, "Toasting")
    expect(result).to_contain_text("Rule: an existing project.")
    expect(result.get_by_role("link", name="how to claim a name")).to_have_attribute(
        "href", "/help/#project-name-claim"
    )

    check(page, "\u212aelvin")
    expect(result).to_contain_text("Rule: not a valid project name.")

    check(page, "my-new-toaster")
    expect(result).to_contain_text("“my-new-toaster” is available")
