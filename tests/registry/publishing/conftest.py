"""Trusted publishing fixtures: a loopback OIDC issuer, Wharf configured to trust it, and the exchange."""

import json

import pytest

from accounts.models import ApiToken
from tests.conftest import state
from tests.oidc_issuer import TestIssuer


@pytest.fixture
def unchanged():
    """tests.conftest's `unchanged`, also counting API tokens (a refused exchange mints none)."""
    from contextlib import contextmanager

    @contextmanager
    def check():
        before = (state(), ApiToken.objects.count())
        yield
        assert (state(), ApiToken.objects.count()) == before

    return check


@pytest.fixture(scope="session")
def oidc_issuer():
    issuer = TestIssuer()
    yield issuer
    issuer.close()


@pytest.fixture
def issuer(oidc_issuer, settings):
    """The test issuer, trusted by Wharf, with its first key only (tests may rotate it)."""
    oidc_issuer.keys = {"key-1": oidc_issuer.keys.get("key-1") or next(iter(oidc_issuer.keys.values()))}
    settings.WHARF_OIDC_ISSUERS = oidc_issuer.settings()
    return oidc_issuer


@pytest.fixture
def mint(client, django_capture_on_commit_callbacks):
    """POST a body (a JWT string becomes {"token": ...}) to /_/oidc/mint-token; returns (status, JSON)."""

    def post(token=None, *, body=None):
        data = body if body is not None else json.dumps({"token": token})
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post("/_/oidc/mint-token", data, content_type="application/json")
        return response.status_code, response.json()

    return post
