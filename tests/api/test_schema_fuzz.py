"""schemathesis against the API's own OpenAPI schema: bounded generated requests, anonymous and with a token
that may do everything (an Owner who is also a moderator). No answer may be a server error, and every answer
must match the schema: its status, content type and body."""

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.config import SchemathesisConfig

from registry.models import Project, Release, Role

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

# Generated requests only (the examples and coverage phases would multiply the requests by ten).
CONFIG = SchemathesisConfig.from_dict(
    {"phases": {"examples": {"enabled": False}, "coverage": {"enabled": False}}}
)
schema = schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", get_wsgi_application(), config=CONFIG)
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
BOUNDED = settings(
    max_examples=5,
    deadline=None,
    database=None,
    derandomize=True,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)


@pytest.fixture
def demo(make_user, moderators_group):
    """alice, a moderator who owns `demo` 1.0 (rows made directly: uploads are not under test here)."""
    alice = make_user("alice")
    alice.is_staff = True
    alice.save(update_fields=["is_staff"])
    alice.groups.add(moderators_group)
    project = Project.objects.create(name="demo", normalized_name="demo")
    Role.objects.create(user=alice, project=project, role_name="Owner")
    Release.objects.create(project=project, version="1.0", canonical_version="1", metadata_version="2.1")
    return alice


@pytest.fixture
def everything_token(demo, make_token):
    """alice's token with every permission."""
    return make_token(demo, permissions=("upload", "manage", "tokens", "moderate"), description="fuzz")


@pytest.fixture
def _unthrottled(settings):
    settings.WHARF_API_RATE = settings.WHARF_API_ANON_RATE = "100000/hour"


def call(case, **kwargs):
    """Send `case` through the WSGI handler. The handler closes the database connection around each request;
    the test's transaction lives on that connection, so (as Django's test client does) it stays open here."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        case.call_and_validate(checks=CHECKS, **kwargs)
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@schema.parametrize()
@BOUNDED
def test_anonymous_and_authenticated(case, everything_token, _unthrottled):
    """Each generated request is sent twice: anonymously, then with the token."""
    call(case)
    call(case, headers={"Authorization": f"Bearer {everything_token}"})
