"""End-to-end fixtures: a live Wharf on loopback, an account with a token, and the index URLs."""

import pytest

from accounts.services import token_create, user_create


@pytest.fixture
def wharf(live_server, transactional_db):
    """The live server's base URL; its database is committed so the server thread sees every row."""
    return live_server.url


@pytest.fixture
def index_url(wharf):
    return f"{wharf}/simple/"


@pytest.fixture
def upload_url(wharf):
    return f"{wharf}/legacy/"


@pytest.fixture
def maintainer(transactional_db):
    return user_create(
        username="maria", email="maria@example.com", password="a long test password", verified_email=True
    )


@pytest.fixture
def maintainer_token(maintainer):
    return token_create(user=maintainer, description="e2e").raw
