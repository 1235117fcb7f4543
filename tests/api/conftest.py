"""Fixtures of the REST API tests: a JSON client, and the actors every endpoint is tried with.

`world` publishes `demo` 1.0 (Owner alice, Maintainer mary) and `other` (Owner alice) through the upload
API, and gives each actor a token with every permission it may hold: anonymous, bob (no role), mary
(Maintainer), alice (Owner), moderator (the Moderators group, staff), a token of alice's scoped to `other`,
expired and revoked tokens of alice's, and alice's upload-only token.
"""

import datetime as dt
import json
from dataclasses import dataclass

import pytest
from django.utils import timezone

from accounts.models import ApiToken
from registry.models import Project, Role
from tests import builders
from tests.conftest import committing
from tests.moderation.conftest import admin_as, make_moderator  # noqa: F401 (fixtures)

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


@pytest.fixture
def world(make_user, make_token, make_moderator, upload) -> World:  # noqa: F811 (the imported fixture)
    alice, mary, bob = make_user("alice"), make_user("mary"), make_user("bob")
    moderator = make_moderator("molly")
    publish = make_token(alice, description="publish")
    dists = (builders.wheel("demo", "1.0"), builders.sdist("demo", "1.0"), builders.wheel("other", "1.0"))
    for dist in dists:
        assert upload(dist, token=publish).status_code == 200
    demo, other = Project.objects.get(name="demo"), Project.objects.get(name="other")
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
