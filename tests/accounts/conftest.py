"""Fixtures of the account tests: a test client whose on-commit work (emails) runs, the sent mail, logins."""

import re

import pytest

from tests.conftest import committing

PASSWORD = "correct horse battery staple"


@pytest.fixture
def client(client, django_capture_on_commit_callbacks, celery_worker):
    """Django's test client, whose requests' emails go out (see tests.conftest.committing)."""
    return committing(client, django_capture_on_commit_callbacks)


@pytest.fixture
def sign_in(client):
    """Log `user` in through the login form, as a person does (allauth records the password login).

    `confirm=True` also confirms the password once more, as the two-factor pages ask right after login.
    """

    def login(user, password: str = PASSWORD, *, confirm: bool = False):
        response = client.post("/accounts/login/", {"login": user.username, "password": password})
        assert response.status_code == 302, response.content.decode()[:2000]
        if confirm:
            response = client.post("/accounts/reauthenticate/", {"password": password})
            assert response.status_code == 302, response.content.decode()[:2000]
        return client

    return login


def link_in(message, path: str = r"/accounts/confirm-email/[^\s]+/") -> str:
    """The path of the first link to `path` (a pattern) in an email's plain-text part; every email link is
    built from WHARF_SITE_URL."""
    from django.conf import settings

    found = re.search(re.escape(settings.WHARF_SITE_URL) + path, message.body)
    assert found, message.body
    return found.group(0).removeprefix(settings.WHARF_SITE_URL)


def html_part(message) -> str:
    (html, mimetype) = message.alternatives[0]
    assert mimetype == "text/html"
    return html
