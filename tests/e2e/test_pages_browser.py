"""Search and the project page in a real Chromium against a live Wharf, with projects published by twine."""

import pytest
from playwright.sync_api import expect

from registry.models import File
from tests.builders import widget_wheel
from tests.e2e.clients import publish

pytestmark = [pytest.mark.e2e]


def no_dialogs(page) -> list:
    """Collect any alert/confirm a page opens: a sanitized README never opens one."""
    opened = []
    page.on("dialog", lambda dialog: (opened.append(dialog.message), dialog.dismiss()))
    return opened


def test_search_then_project_page(page, wharf, upload_url, maintainer_token, tmp_path):
    publish(
        tmp_path,
        upload_url,
        maintainer_token,
        widget_wheel("demo-widgets", "1.0", summary="Widgets for demos"),
        widget_wheel("demo-widgets", "1.1", summary="Widgets for demos"),
        widget_wheel("gadget-kit", "0.3", summary="Gadgets, and widgets too"),
        widget_wheel(
            "unrelated", "2.0", summary="Nothing of the sort", readme="Plain readme\n", keywords="x"
        ),
    )
    opened = no_dialogs(page)
    page.goto("/")
    page.get_by_label("Search projects").fill("widgets")
    page.get_by_label("Search projects").press("Enter")
    expect(page.get_by_role("heading", name="2 projects for “widgets”")).to_be_visible()
    results = page.locator("ol li")
    expect(results).to_have_count(2)
    expect(results.first).to_contain_text("demo-widgets")  # its name matches, the other's only summary does
    expect(page.get_by_text("unrelated")).to_have_count(0)

    page.get_by_role("link", name="demo-widgets").click()
    expect(page).to_have_url(f"{wharf}/project/demo-widgets/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("demo-widgets 1.1")
    expect(page.locator(".readme strong")).to_have_text("demonstrations")
    expect(page.locator(".readme script")).to_have_count(0)
    expect(page.locator(".readme img[onerror]")).to_have_count(0)
    assert page.evaluate("window.__xss") is None and opened == []
    expect(page.locator("#install ~ pre")).to_have_text(
        f"pip install --index-url {wharf}/simple/ demo-widgets"
    )
    wheel = File.objects.get(filename="demo_widgets-1.1-py3-none-any.whl")
    files = page.get_by_role("table").filter(has_text="SHA256")
    expect(files).to_contain_text(wheel.filename)
    expect(files).to_contain_text(wheel.sha256_digest)
    expect(page.get_by_role("link", name="Source")).to_have_attribute("href", "https://example.com/widgets")
    expect(page.get_by_text("Programming Language :: Python :: 3")).to_be_visible()
    expect(page.get_by_role("link", name="maria")).to_be_visible()
    expect(page.get_by_role("link", name="Report project as malware or spam")).to_be_visible()

    # Release history leads to the older release, whose page says it is not the newest.
    page.get_by_role("link", name="1.0", exact=True).click()
    expect(page).to_have_url(f"{wharf}/project/demo-widgets/1.0/")
    expect(page.get_by_text("This is not the newest release")).to_be_visible()
    expect(page.locator("#install ~ pre")).to_have_text(
        f"pip install --index-url {wharf}/simple/ demo-widgets==1.0"
    )
    page.get_by_role("link", name="Report project as malware or spam").click()
    # Reporting needs an account (tests/e2e/test_moderation_browser.py follows a report to the end).
    expect(page).to_have_url(f"{wharf}/accounts/login/?next=/project/demo-widgets/report/")


def test_pages_work_without_javascript(browser, wharf, upload_url, maintainer_token, tmp_path):
    publish(tmp_path, upload_url, maintainer_token, widget_wheel("demo-widgets", "1.0", summary="Widgets"))
    context = browser.new_context(base_url=wharf, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto("/search/?q=demo")
        page.get_by_role("link", name="demo-widgets").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("demo-widgets 1.0")
        page.goto("/names/check/")
        page.get_by_label("Project name").fill("xml")
        page.get_by_role("button", name="Check").click()
        expect(page.get_by_text("Rule: conflicts with the Python standard library.")).to_be_visible()
    finally:
        context.close()
