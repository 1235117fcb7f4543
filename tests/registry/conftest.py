"""Fixtures of the registry's page tests: a browser-like client whose on-commit work runs, published
projects, sent mail."""

import pytest
from django.core import mail
from django.test import Client

from tests import builders
from tests.conftest import wait_for


@pytest.fixture
def web(django_capture_on_commit_callbacks, celery_worker):
    """A test client whose requests run their on-commit callbacks (emails, storage clean-up) as a commit
    would: eagerly, or through the session's Celery worker when REDIS_URL is set."""
    client = Client()
    original = client.request

    def request(**kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return original(**kwargs)

    client.request = request
    return client


@pytest.fixture
def sent(celery_worker):
    """`sent(n)` waits until `n` emails went out and returns them all."""

    def wait(count: int):
        wait_for(lambda: len(mail.outbox) >= count)
        return list(mail.outbox)

    return wait


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
