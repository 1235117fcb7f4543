"""The API's shared behaviour: authentication, errors, pagination, rate limits, ETags, schema and docs."""

import base64

import pytest

from tests.api.conftest import error

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


def test_me_with_a_token(api, world):
    response = api("GET", "me/", token=world.tokens["owner"])
    assert response.status_code == 200, response.data
    assert response.data == {
        "username": "alice",
        "email": "alice@example.com",
        "email_verified": True,
        "two_factor": False,
        "moderator": False,
        "authentication": "token",
        "project": None,
        "permissions": ["upload", "manage", "tokens"],
        "token": {"id": response.data["token"]["id"], "description": "all", "expires": None},
    }


def test_me_anonymous_is_401_with_www_authenticate(api, db):
    response = api("GET", "me/")
    error(response, 401, "not_authenticated")
    assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize("which", ["expired", "revoked"])
def test_dead_tokens_are_401_even_on_reads(api, world, which):
    response = api("GET", "me/", token=world.tokens[which])
    error(response, 401, "authentication_failed")
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_basic_auth_with_token_user(api, world):
    basic = base64.b64encode(f"__token__:{world.tokens['maintainer']}".encode()).decode()
    response = api("GET", "me/", headers={"HTTP_AUTHORIZATION": f"Basic {basic}"})
    assert response.status_code == 200 and response.data["username"] == "mary"


def test_unknown_endpoint_wrong_method_and_media_type(api, world, client):
    error(api("GET", "no-such-thing/"), 404, "not_found")
    error(api("PUT", "projects/"), 405, "method_not_allowed")
    response = client.post(
        "/api/v1/tokens/",
        "description=x",
        content_type="application/x-www-form-urlencoded",
        HTTP_AUTHORIZATION=f"Bearer {world.tokens['owner']}",
    )
    assert response.status_code == 415 and response.json()["code"] == "unsupported_media_type"
    malformed = client.post(
        "/api/v1/tokens/",
        "{not json",
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {world.tokens['owner']}",
    )
    assert malformed.status_code == 400 and malformed.json()["code"] == "parse_error"


def test_rate_limit_per_token_with_retry_after(api, world, settings):
    settings.WHARF_API_RATE = "3/hour"
    for _ in range(3):
        assert api("GET", "me/", token=world.tokens["owner"]).status_code == 200
    limited = api("GET", "me/", token=world.tokens["owner"])
    error(limited, 429, "throttled", "try again in")
    assert 1 <= int(limited["Retry-After"]) <= 7200
    # Another token of the same account has its own allowance.
    assert api("GET", "me/", token=world.tokens["upload only"]).status_code == 200


def test_etag_and_if_none_match(api, world):
    first = api("GET", "projects/demo/")
    etag = first["ETag"]
    assert etag and "Authorization" in first["Vary"]
    again = api("GET", "projects/demo/", headers={"HTTP_IF_NONE_MATCH": etag})
    assert again.status_code == 304 and again.content == b""
    api("POST", "projects/demo/releases/1.0/yank/", {}, token=world.tokens["owner"])
    changed = api("GET", "projects/demo/", headers={"HTTP_IF_NONE_MATCH": etag})
    assert changed.status_code == 200 and changed["ETag"] != etag


def test_read_only_mode_answers_json(api, world, set_flag):
    set_flag("read-only", message="Maintenance until noon.")
    response = api("POST", "projects/demo/releases/1.0/yank/", {}, token=world.tokens["owner"])
    error(response, 503, "read_only", "Maintenance until noon.")
    assert api("GET", "projects/demo/").status_code == 200


def test_browser_session_needs_csrf_for_writes(world):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(world.alice)
    assert browser.get("/api/v1/me/").json()["authentication"] == "session"
    refused = browser.post("/api/v1/projects/demo/releases/1.0/yank/", {}, content_type="application/json")
    assert refused.status_code == 403 and "CSRF" in refused.json()["detail"]
    token = browser.get("/accounts/tokens/").cookies["csrftoken"].value
    done = browser.post(
        "/api/v1/projects/demo/releases/1.0/yank/",
        {},
        content_type="application/json",
        HTTP_X_CSRFTOKEN=token,
    )
    assert done.status_code == 200 and done.json()["yanked"] is True


def test_schema_and_offline_docs(client, db):
    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    document = schema.json()
    assert document["openapi"].startswith("3.") and "/api/v1/names/{name}/" in document["paths"]
    docs = client.get("/api/v1/docs/")
    page = docs.content.decode()
    assert docs.status_code == 200
    assert "<style" not in page and "<script>" not in page and "cdn" not in page.lower()
    for asset in ("swagger-ui.css", "swagger-ui-bundle.js", "swagger-ui-standalone-preset.js"):
        url = next(part.split('"')[0] for part in page.split('="') if asset in part.split('"')[0])
        assert url.startswith("/static/"), url
        assert client.get(url).status_code == 200
    script = client.get("/api/v1/docs/?script=")
    assert script.status_code == 200 and "SwaggerUIBundle" in script.content.decode()


def test_trusted_publishing_tokens_only_upload(api, world):
    from accounts.models import ApiToken
    from accounts.tokens import new_token, token_digest
    from registry.models import TrustedPublisher

    raw = new_token()
    publisher = TrustedPublisher.objects.create(
        project=world.demo, issuer="https://ci.example.com", kind="generic", added_by=world.alice
    )
    ApiToken.objects.create(user=None, publisher=publisher, description="minted", digest=token_digest(raw))
    error(api("GET", "me/", token=raw), 401, "authentication_failed")
