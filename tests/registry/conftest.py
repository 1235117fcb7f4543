"""Fixtures of the registry's page tests: a browser-like client whose on-commit work runs, published
projects, sent mail."""

import pytest
from django.test import Client

from tests import builders
from tests.conftest import committing


@pytest.fixture
def web(django_capture_on_commit_callbacks, celery_worker):
    """A test client whose requests' emails and storage clean-up run (see tests.conftest.committing)."""
    return committing(Client(), django_capture_on_commit_callbacks)


@pytest.fixture
def publish(upload, alice_token):
    """`publish(name, version, token=..., **wheel_options)` uploads a wheel (alice's token by default)."""

    def send(
        name: str = "demo", version: str = "1.0", *, token: str | None = None, sdist: bool = False, **options
    ):
        dist = (builders.sdist if sdist else builders.wheel)(name, version, **options)
        response = upload(dist, token=token or alice_token)
        assert response.status_code == 200, response.reason_phrase
        return dist

    return send
