"""Limits clients can act on: uploads per API token, XML-RPC calls per IP address, new projects counted
atomically before they are created (parallel uploads never overshoot), and Retry-After on every 429."""

import xmlrpc.client
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from accounts.services import token_create, user_create
from registry.models import Project
from tests import builders
from tests.conftest import basic_auth, upload_parts
from tests.multipart import encode

CALL = b"<?xml version='1.0'?><methodCall><methodName>changelog_last_serial</methodName></methodCall>"


@pytest.mark.integration
@pytest.mark.django_db
def test_uploads_are_limited_per_token(upload, alice_token, make_token, alice, settings, unchanged):
    settings.WHARF_UPLOAD_TOKEN_RATE = "2/hour"
    for version in ("1.0", "2.0"):
        assert upload(builders.wheel("demo", version), token=alice_token).status_code == 200
    with unchanged():
        refused = upload(builders.wheel("demo", "3.0"), token=alice_token)
    assert refused.status_code == 429
    assert refused.reason_phrase == (
        "Too many uploads with this API token: at most 2 every hour. Upload again later."
    )
    assert int(refused["Retry-After"]) > 0
    # Another token of the same account has its own allowance.
    assert upload(builders.wheel("demo", "3.0"), token=make_token(alice)).status_code == 200


@pytest.mark.integration
@pytest.mark.django_db
def test_xmlrpc_is_limited_per_ip_address(client, settings):
    settings.WHARF_XMLRPC_IP_RATE = "3/hour"
    for _ in range(3):
        assert client.post("/pypi", CALL, content_type="text/xml").status_code == 200
    refused = client.post("/pypi", CALL, content_type="text/xml")
    assert refused.status_code == 429
    wait = int(refused["Retry-After"])
    with pytest.raises(xmlrpc.client.Fault) as fault:
        xmlrpc.client.loads(refused.content)
    assert fault.value.faultString == (
        "HTTPTooManyRequests: The action could not be performed because there were too many requests by the "
        f"client. Limit may reset in {wait} seconds."
    )
    # Another address is not held back.
    assert client.post("/RPC2", CALL, content_type="text/xml", REMOTE_ADDR="192.0.2.7").status_code == 200


@pytest.mark.e2e
def test_parallel_uploads_never_overshoot_the_new_project_limit(live_server, transactional_db, settings):
    """40 uploads of new projects at once against a limit of 20 create exactly 20."""
    from django.db import connection

    if connection.vendor == "sqlite":
        pytest.skip("the in-memory SQLite test database is one connection the live server's threads share")
    settings.WHARF_PROJECT_CREATE_USER_RATE = "20/hour"
    user = user_create(username="ci", email="ci@example.com", password="a long password", verified_email=True)
    auth = basic_auth("__token__", token_create(user=user, description="ci").raw)

    def send(index: int) -> int:
        body, content_type = encode(upload_parts(builders.wheel(f"parallel{index}", "1.0")))
        headers = {"Content-Type": content_type, "Authorization": auth}
        return requests.post(
            f"{live_server.url}/legacy/", data=body, headers=headers, timeout=120
        ).status_code

    with ThreadPoolExecutor(max_workers=40) as pool:
        statuses = sorted(pool.map(send, range(40)))
    assert statuses == [200] * 20 + [429] * 20
    assert Project.objects.count() == 20


@pytest.mark.integration
@pytest.mark.django_db
def test_parallel_takes_never_overshoot_a_limit():
    """The counting itself, in 40 threads at once, on the configured cache (Redis in CI)."""
    from registry import ratelimits

    window = ratelimits.SlidingWindow("parallel", ratelimits.Rate(20, 3600))
    with ThreadPoolExecutor(max_workers=40) as pool:
        taken = list(pool.map(lambda _: window.take("k", now=1_000_010.0), range(40)))
    assert sum(counted is not None for counted in taken) == 20


@pytest.mark.integration
@pytest.mark.django_db
def test_a_take_weighs_the_previous_bucket():
    """The count and the previous bucket are read together (one script on Redis): 10 taken in the last
    bucket weigh 5 halfway through this one, so 5 more fit and the 6th does not."""
    import uuid

    from registry import ratelimits

    window = ratelimits.SlidingWindow(f"weighed-{uuid.uuid4().hex}", ratelimits.Rate(10, 100))
    assert all(window.take("k", now=1_000_050.0) is not None for _ in range(10))
    assert window.take("k", now=1_000_050.0) is None
    halfway = 1_000_150.0
    assert [window.take("k", now=halfway) is not None for _ in range(6)] == [True] * 5 + [False]
