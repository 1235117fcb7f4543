"""End-to-end fixtures: a live Wharf on loopback, an account with a token, and the index URLs."""

import pytest

from accounts.services import token_create, user_create


@pytest.fixture
def wharf(live_server, transactional_db, settings):
    """The live server's base URL; its database is committed so the server thread sees every row. Email
    links point at it, as they follow the address `make run` serves (WHARF_SITE_URL's default)."""
    settings.WHARF_SITE_URL = live_server.url
    return live_server.url


@pytest.fixture
def index_url(wharf):
    return f"{wharf}/simple/"


@pytest.fixture
def upload_url(wharf):
    return f"{wharf}/legacy/"


@pytest.fixture
def maintainer(transactional_db):
    return user_create(
        username="maria", email="maria@example.com", password="a long test password", verified_email=True
    )


@pytest.fixture
def maintainer_token(maintainer):
    return token_create(user=maintainer, description="e2e").raw


CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright; Playwright never downloads a browser of its own."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, wharf):
    """A fresh browser context (no cookies) whose relative URLs resolve against the live server."""
    context = browser.new_context(base_url=wharf)
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()
