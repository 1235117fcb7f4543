"""Fixtures of the name-claim tests: a project with an owner, a claimant, moderators, filing a claim, running
a step with its on-commit work (emails, evidence) as a commit would, and an admin client."""

from contextlib import contextmanager

import pytest
from django.contrib.auth.models import Group, Permission
from django.core import mail

from moderation.claims.enums import ClaimKind
from moderation.claims.services import claim_file
from moderation.enums import MODERATORS_GROUP
from registry.models import Project
from tests.conftest import wait_for
from tests.registry import conftest as registry_fixtures

# The registry tests' fixtures: a client whose on-commit work runs, publishing a wheel (`sent` is shared).
web = registry_fixtures.web
publish = registry_fixtures.publish

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
def moderators_group(db):
    group, _ = Group.objects.get_or_create(name=MODERATORS_GROUP)
    group.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="claims", codename__in=["view_claim", "review_claim", "decide_claim"]
        )
    )
    return group


@pytest.fixture
def moderator(make_user, moderators_group):
    user = make_user("mod", email="mod@example.com")
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    user.groups.add(moderators_group)
    return user


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


def mails_to(address: str) -> list:
    return [message for message in mail.outbox if address in message.to]


def wait_for_mail(count: int) -> list:
    wait_for(lambda: len(mail.outbox) >= count)
    return list(mail.outbox)


def worker_idle() -> bool:
    """No task waits in the broker's queue and none runs on the session's worker (same process)."""
    from celery.worker import state
    from django.conf import settings

    from config.celery import app

    with app.connection_for_write() as connection:
        try:
            queued = connection.default_channel.queue_declare(
                queue=settings.CELERY_TASK_DEFAULT_QUEUE, passive=True
            ).message_count
        except connection.channel_errors:  # Redis drops an empty queue's key: nothing is waiting
            queued = 0
    return queued == 0 and not state.active_requests and not state.reserved_requests


@pytest.fixture
def settled(celery_worker):
    """For tests whose rows are committed: before the database is flushed, wait for the worker to finish the
    tasks they enqueued (evidence, flags, emails), so none runs against a flushed or closed database."""
    yield
    if celery_worker is not None:
        wait_for(worker_idle)
