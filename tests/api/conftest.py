"""Fixtures of the REST API tests: a JSON client, and the actors every endpoint is tried with.

`world` holds `demo` 1.0 (a wheel and an sdist; Owner alice, Maintainer mary) and `other` 1.0 (a wheel and an
sdist; Owner alice), and gives each actor a token with every permission it may hold: anonymous, bob (no role),
mary (Maintainer), alice (Owner), molly (the Moderators group, staff), a token of alice's scoped to `other`,
expired and revoked tokens of alice's, and alice's upload-only token. The projects are written as an upload
writes them (rows, journal) without going through it: uploads are the upload tests' and the end-to-end
tests' subject, and skipping them keeps this suite fast.
"""

import datetime as dt
import json
from dataclasses import dataclass

import pytest
from django.utils import timezone

from accounts.models import ApiToken
from registry import storage
from registry.models import File, Project, Release, Role, UsedFilename
from registry.services.journal import journal_record
from tests import builders
from tests.conftest import committing
from tests.moderation.conftest import admin_as  # noqa: F401 (a fixture)

ALL = ("upload", "manage", "tokens")


@pytest.fixture
def api(client, django_capture_on_commit_callbacks, celery_worker):
    """`api(method, path, data=None, token=None)`: a JSON request to /api/v1/<path>; the answer's JSON is
    `response.data` (None for an empty body). On-commit work (emails, storage) runs as after a commit."""
    client = committing(client, django_capture_on_commit_callbacks)

    def call(method: str, path: str, data=None, *, token: str | None = None, headers: dict | None = None):
        extra = dict(headers or {})
        if token:
            extra["HTTP_AUTHORIZATION"] = f"Bearer {token}"
        body = json.dumps(data) if data is not None else ""
        response = client.generic(method, f"/api/v1/{path}", body, content_type="application/json", **extra)
        response.data = json.loads(response.content) if response.content else None
        return response

    return call


def error(response, status: int, code: str | None = None, contains: str = ""):
    """Assert an error answer: the status, `{"detail", "code"}` only, the code and part of the sentence."""
    assert response.status_code == status, (response.status_code, response.content[:500])
    assert set(response.data) == {"detail", "code"}, response.data
    if code:
        assert response.data["code"] == code, response.data
    assert contains in response.data["detail"], response.data
    return response.data


@dataclass
class World:
    alice: object
    mary: object
    bob: object
    moderator: object
    demo: Project
    other: Project
    tokens: dict


def published(name: str, owner) -> Project:
    """Project `name` 1.0 with a wheel and an sdist, owned by `owner`, with an upload's rows and journal."""
    project = Project.objects.create(name=name, normalized_name=name)
    Role.objects.create(user=owner, project=project, role_name="Owner")
    release = Release.objects.create(
        project=project,
        version="1.0",
        canonical_version="1",
        metadata_version="2.1",
        summary="A test package",
    )
    changes = [("create", None), (f"add Owner {owner.username}", None), ("new release", "1.0")]
    for dist, kind, python in (
        (builders.wheel(name), "bdist_wheel", "py3"),
        (builders.sdist(name), "sdist", "source"),
    ):
        File.objects.create(
            release=release,
            filename=dist.filename,
            packagetype=kind,
            python_version=python,
            size=len(dist.content),
            md5_digest=dist.md5,
            sha256_digest=dist.sha256,
            blake2_256_digest=dist.blake2_256,
            path=storage.file_path(blake2_256_digest=dist.blake2_256, filename=dist.filename),
            uploader=owner,
        )
        UsedFilename.objects.create(filename=dist.filename)
        changes.append((f"add {python} file {dist.filename}", "1.0"))
    journal_record(project, *changes, actor=owner)
    return project


@pytest.fixture
def world(make_user, make_token, make_moderator) -> World:
    alice, mary, bob = make_user("alice"), make_user("mary"), make_user("bob")
    moderator = make_moderator("molly")
    make_token(alice, description="publish")
    demo, other = published("demo", alice), published("other", alice)
    Role.objects.create(user=mary, project=demo, role_name="Maintainer")
    tokens = {
        "anonymous": None,
        "other user": make_token(bob, permissions=ALL),
        "maintainer": make_token(mary, permissions=ALL),
        "owner": make_token(alice, permissions=ALL, description="all"),
        "moderator": make_token(moderator, permissions=(*ALL, "moderate")),
        "other project": make_token(alice, project=other, permissions=ALL, description="scoped"),
        "expired": make_token(alice, permissions=ALL, description="expired"),
        "revoked": make_token(alice, permissions=ALL, description="revoked"),
        "upload only": make_token(alice, permissions=("upload",), description="upload only"),
    }
    ApiToken.objects.filter(description="expired").update(expires=timezone.now() - dt.timedelta(seconds=1))
    ApiToken.objects.filter(description="revoked").update(revoked=timezone.now())
    return World(alice, mary, bob, moderator, demo, other, tokens)
