"""Fixtures shared by the whole suite: users, moderators and tokens, uploads and publishing through the test
client, a client whose on-commit work runs, sent mail, state snapshots."""

import base64
import os
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.db.models import Q
from django.test import Client

from accounts.services import token_create, user_create
from moderation.enums import MODERATOR_PERMISSIONS, MODERATORS_GROUP
from moderation.models import AdminFlag
from registry import cache
from registry.models import (
    File,
    JournalEntry,
    Project,
    Release,
    Role,
    TrustedPublisher,
    UsedFilename,
    UsedJwtId,
)
from tests import builders
from tests.builders import Dist
from tests.multipart import FilePart, encode

TEST_KINDS = ("unit", "integration", "e2e")


def pytest_runtest_setup(item):
    """Every test says which kind it is, exactly one of `TEST_KINDS` (pyproject.toml describes them), so
    `-m unit` and friends select the whole suite between them."""
    kinds = [kind for kind in TEST_KINDS if item.get_closest_marker(kind)]
    if len(kinds) != 1:
        found = ", ".join(kinds) or "none"
        pytest.fail(f"{item.nodeid}: mark it with exactly one of unit, integration, e2e (found: {found})")


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Hashing strength is not under test; PBKDF2's million rounds would dominate the suite's time."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _isolated_storage(settings, tmp_path):
    """Each test stores packages and partial uploads in its own directories."""
    settings.STORAGES = {
        **settings.STORAGES,
        "packages": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "packages"), "base_url": "/packages/"},
        },
    }
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path / "uploads")


@pytest.fixture(autouse=True)
def _fresh_caches():
    """Serials restart with each test database, so cached pages must not outlive a test."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(scope="session")
def celery_worker():
    """A real Celery worker consuming the broker when REDIS_URL is set; nothing when tasks run eagerly."""
    from config.celery import app

    if app.conf.task_always_eager:
        yield None
        return
    from celery.contrib.testing.worker import start_worker

    app.control.purge()
    with start_worker(app, perform_ping_check=False, shutdown_timeout=30) as worker:
        yield worker


def wait_for(condition, timeout: float = 20.0):
    """Poll until `condition()` is true (tasks on a real worker finish a little later)."""
    import time

    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting for the condition"
        time.sleep(0.05)


def worker_idle() -> bool:
    """No task waits in the broker's queue and none runs on the session's worker (same process)."""
    from celery.worker import state

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


def committing(client, capture_on_commit_callbacks):
    """`client`, with each request's on-commit callbacks run as a real commit would run them.

    Emails and storage clean-up leave through `transaction.on_commit` (eagerly, or on the session's Celery
    worker when REDIS_URL is set); a test's own transaction never commits, so without this none would run.
    """
    original = client.request

    def request(**kwargs):
        with capture_on_commit_callbacks(execute=True):
            return original(**kwargs)

    client.request = request
    return client


def mails_to(address: str) -> list:
    """The emails sent so far to `address`."""
    from django.core import mail

    return [message for message in mail.outbox if address in message.to]


# Subject of the Owners' email about a new release (tests that only publish in their set-up ignore it).
RELEASE_EMAIL = "[Wharf] New release: "


@pytest.fixture
def sent(celery_worker):
    """`sent(n)` waits until `n` emails went out (at once when tasks are eager) and returns them all, leaving
    out the Owners' new-release notices that publishing in a test's set-up sends (tests/registry/
    test_notifications.py has those). `sent(n, to=address)` waits for `n` emails to `address` and returns
    those: a real worker delivers the emails of one change one after the other, so a test that looks for one
    of them waits for that one, not for however many arrived first."""
    from django.core import mail

    def others(to: str | None):
        return [
            message
            for message in mail.outbox
            if not message.subject.startswith(RELEASE_EMAIL) and (to is None or to in message.to)
        ]

    def wait(count: int, *, to: str | None = None):
        wait_for(lambda: len(others(to)) >= count)
        return others(to)

    return wait


@pytest.fixture
def make_user(db):
    def make(
        username: str = "alice", *, verified: bool = True, email: str | None = None, superuser: bool = False
    ):
        return user_create(
            username=username,
            email=email or f"{username}@example.com",
            password="correct horse battery staple",
            verified_email=verified,
            superuser=superuser,
        )

    return make


@pytest.fixture
def alice(make_user):
    return make_user("alice")


# The claims workbench's permissions; moderation/claims/migrations/0002 grants them to the Moderators group.
CLAIM_PERMISSIONS = ("view_claim", "review_claim", "decide_claim")


@pytest.fixture
def moderators_group(db) -> Group:
    """The Moderators group as the migrations leave it (transactional tests flush the migrations' rows)."""
    group, _ = Group.objects.get_or_create(name=MODERATORS_GROUP)
    group.permissions.add(
        *Permission.objects.filter(
            Q(content_type__app_label="moderation", codename__in=MODERATOR_PERMISSIONS)
            | Q(content_type__app_label="claims", codename__in=CLAIM_PERMISSIONS)
        )
    )
    return group


@pytest.fixture
def make_moderator(make_user, moderators_group):
    """`make_moderator(username)`: staff in the Moderators group, never a superuser."""

    def make(username: str = "mod"):
        user = make_user(username)
        user.is_staff = True
        user.save(update_fields=["is_staff"])
        user.groups.add(moderators_group)
        return user

    return make


@pytest.fixture
def moderator(make_moderator):
    return make_moderator("mod")


@pytest.fixture
def make_token(db):
    def make(
        user, *, project=None, description: str | None = None, expires=None, permissions=("upload",)
    ) -> str:
        description = description or f"token {user.api_tokens.count() + 1}"
        return token_create(
            user=user,
            description=description,
            project=project,
            expires=expires,
            permissions=permissions,
            check_email=False,
        ).raw

    return make


@pytest.fixture
def alice_token(alice, make_token):
    return make_token(alice)


def basic_auth(username: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()


def upload_parts(
    dist: Dist,
    *,
    digests: bool = True,
    content_type: str | None = "application/octet-stream",
    overrides: dict | None = None,
    drop: tuple[str, ...] = (),
) -> list:
    fields = dict(dist.fields)
    if digests:
        fields["sha256_digest"] = [dist.sha256]
        fields["blake2_256_digest"] = [dist.blake2_256]
    fields.update(overrides or {})
    parts: list = []
    for key, values in fields.items():
        if key in drop:
            continue
        for value in values if isinstance(values, list) else [values]:
            parts.append((key, value))
    if "content" not in drop:
        parts.append(("content", FilePart(dist.filename, dist.content, content_type)))
    return parts


def drop_release_emails(new_releases: int) -> None:
    """Wait for the Owners' emails about `new_releases` new releases, then drop them from the outbox, so a
    test counts only the emails of what it does after publishing (they are tested in tests/registry/
    test_notifications.py)."""
    from django.core import mail

    if new_releases:
        wait_for(lambda: sum(m.subject.startswith(RELEASE_EMAIL) for m in mail.outbox) >= new_releases)
        mail.outbox[:] = [m for m in mail.outbox if not m.subject.startswith(RELEASE_EMAIL)]


@pytest.fixture
def upload(client, django_capture_on_commit_callbacks, celery_worker):
    """POST a distribution to /legacy/ through Django's test client, as twine would.

    On-commit callbacks run as they would after a real commit (the test's transaction never commits). The
    new-release email to the Owners is dropped (`drop_release_emails`) unless `keep_release_email=True`.
    """

    def post(
        dist: Dist | None = None,
        *,
        token: str | None = None,
        parts: list | None = None,
        authorization: str | None = None,
        path: str = "/legacy/",
        keep_release_email: bool = False,
        **options,
    ):
        body, content_type = encode(parts if parts is not None else upload_parts(dist, **options))
        headers = {}
        if authorization is not None:
            headers["HTTP_AUTHORIZATION"] = authorization
        elif token is not None:
            headers["HTTP_AUTHORIZATION"] = basic_auth("__token__", token)
        releases = None if keep_release_email else Release.objects.count()
        with django_capture_on_commit_callbacks(execute=True):
            response = client.generic("POST", path, body, content_type=content_type, **headers)
        if releases is not None:
            drop_release_emails(max(Release.objects.count() - releases, 0))
        return response

    return post


@pytest.fixture
def web(django_capture_on_commit_callbacks, celery_worker):
    """A test client whose requests' emails and storage clean-up run (see `committing`)."""
    return committing(Client(), django_capture_on_commit_callbacks)


@pytest.fixture
def publish(upload, alice_token):
    """`publish(name, version, token=..., sdist=False, **options)` uploads a wheel (or an sdist) built by
    `tests.builders` with `options`, with alice's token by default, and returns the distribution."""

    def send(
        name: str = "demo", version: str = "1.0", *, token: str | None = None, sdist: bool = False, **options
    ) -> Dist:
        dist = (builders.sdist if sdist else builders.wheel)(name, version, **options)
        response = upload(dist, token=token or alice_token)
        assert response.status_code == 200, response.reason_phrase
        return dist

    return send


def stored_paths() -> set[str]:
    root = Path(settings.STORAGES["packages"]["OPTIONS"]["location"])
    return (
        {str(path.relative_to(root)) for path in root.rglob("*") if path.is_file()}
        if root.exists()
        else set()
    )


def temp_uploads() -> set[str]:
    """Partial uploads left behind (the reservations' lock file is not one)."""
    from registry.upload.partials import LOCK_NAME

    root = Path(settings.FILE_UPLOAD_TEMP_DIR)
    return set(os.listdir(root)) - {LOCK_NAME} if root.exists() else set()


def state() -> dict:
    """Everything an upload may write: row counts, stored files and leftover temporary files."""
    return {
        "projects": Project.objects.count(),
        "releases": Release.objects.count(),
        "files": File.objects.count(),
        "roles": Role.objects.count(),
        "journal": JournalEntry.objects.count(),
        "used_filenames": UsedFilename.objects.count(),
        "publishers": TrustedPublisher.objects.count(),
        "used_jwt_ids": UsedJwtId.objects.count(),
        "stored": stored_paths(),
        "temp": temp_uploads(),
    }


@pytest.fixture
def unchanged():
    """Assert at the end of a block that nothing was written: `with unchanged(): ...`."""
    from contextlib import contextmanager

    @contextmanager
    def check():
        before = state()
        yield
        assert state() == before

    return check


@pytest.fixture
def set_flag(db):
    def switch(flag_id: str, enabled: bool = True, message: str | None = None) -> AdminFlag:
        from moderation import policy

        flag, _ = AdminFlag.objects.get_or_create(
            id=flag_id, defaults={"description": flag_id, "message": message or f"{flag_id} is on."}
        )
        flag.enabled = enabled
        if message:
            flag.message = message
        flag.save()
        policy.forget_flags()
        return flag

    return switch
