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
