"""Fixtures of the name-claim tests: a project with an owner, a claimant, moderators, filing a claim, running
a step with its on-commit work (emails, evidence) as a commit would, and an admin client."""

from contextlib import contextmanager

import pytest

from moderation.claims.enums import ClaimKind
from moderation.claims.services import claim_file
from registry.models import Project

CLAIM_TEXTS = {
    "justification": "The project has had no release since 2019 and its issues go unanswered.",
    "intended_use": "A maintained fork with Python 3.13 support.",
    "code_url": "https://git.example.com/carol/demo",
    "contact_attempts": "Emailed the author address on 2026-01-02 and opened an issue on the tracker.",
}


@pytest.fixture
def committed(django_capture_on_commit_callbacks, celery_worker):
    """`with committed(): service(...)` runs the on-commit work (emails, evidence tasks) as a commit would."""

    @contextmanager
    def run():
        with django_capture_on_commit_callbacks(execute=True):
            yield

    return run


@pytest.fixture
def demo(publish, alice):
    """alice's project demo with one release (1.0)."""
    publish("demo", "1.0")
    return Project.objects.get(normalized_name="demo")


@pytest.fixture
def carol(make_user):
    return make_user("carol")


@pytest.fixture
def file_claim(committed):
    """`file_claim(user, name="demo", kind=..., **texts)` files a claim with the on-commit work run."""

    def file(user, name: str = "demo", kind: str = ClaimKind.TRANSFER, now=None, **texts):
        with committed():
            return claim_file(claimant=user, name=name, kind=kind, now=now, **{**CLAIM_TEXTS, **texts})

    return file


@pytest.fixture
def admin_web(web, moderator, settings):
    """The moderator in the admin (two-factor is not under test here)."""
    settings.WHARF_ADMIN_REQUIRE_2FA = False
    web.force_login(moderator)
    return web
