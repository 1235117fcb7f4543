"""The REST API with the real clients: a project-scoped upload token created through the API uploads with
twine; a release yanked through the API is skipped by pip and uv; a project quarantined through the API has
no installable files left."""

import re

import pytest
import requests

from accounts.services import token_create, user_create
from tests.e2e.clients import build_project, installed, pip_install, twine_upload, uv_install

pytestmark = [pytest.mark.e2e]


def call(wharf: str, method: str, path: str, token: str, json=None) -> requests.Response:
    return requests.request(
        method, f"{wharf}/api/v1/{path}", json=json, headers={"Authorization": f"Bearer {token}"}, timeout=30
    )


@pytest.fixture
def moderator_token(transactional_db, moderators_group):
    user = user_create(
        username="molly", email="molly@example.com", password="a long password", verified_email=True
    )
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    user.groups.add(moderators_group)
    return token_create(user=user, description="moderation", permissions=["moderate"]).raw


def test_token_yank_and_quarantine_through_the_api(
    wharf, tmp_path, upload_url, index_url, maintainer, moderator_token
):
    bootstrap = token_create(
        user=maintainer, description="bootstrap", permissions=["upload", "tokens", "manage"]
    ).raw
    first = build_project(tmp_path, name="api-demo", version="1.0", backend="hatchling")
    twine_upload(first, repository_url=upload_url, token=bootstrap, check=True)

    # A project-scoped upload token, created through the API, publishes 1.1 with twine.
    made = call(
        wharf,
        "POST",
        "tokens/",
        bootstrap,
        {"description": "ci", "project": "api-demo", "permissions": ["upload"]},
    )
    assert made.status_code == 201, made.text
    assert (made.json()["project"], made.json()["permissions"]) == ("api-demo", ["upload"])
    second = build_project(tmp_path, name="api-demo", version="1.1", backend="setuptools")
    result = twine_upload(second, repository_url=upload_url, token=made.json()["token"])
    assert result.returncode == 0, result.stdout + result.stderr
    # ... and nothing else: another project, or the API beyond its permission.
    other = build_project(tmp_path, name="api-other", version="1.0", backend="hatchling")
    refused = twine_upload(other, repository_url=upload_url, token=made.json()["token"])
    assert refused.returncode != 0 and "project-scoped token" in refused.stdout + refused.stderr
    assert (
        call(wharf, "POST", "projects/api-demo/releases/1.1/yank/", made.json()["token"]).status_code == 403
    )

    # Yanked through the API: pip and uv install 1.0.
    yanked = call(
        wharf, "POST", "projects/api-demo/releases/1.1/yank/", bootstrap, {"reason": "Broken wheel"}
    )
    assert yanked.status_code == 200 and yanked.json()["yanked"] is True
    pip_install(index_url, tmp_path / "pip", "api-demo")
    assert installed(tmp_path / "pip") == {"api-demo": "1.0"}
    uv_install(index_url, tmp_path / "uv", "api-demo")
    assert installed(tmp_path / "uv") == {"api-demo": "1.0"}

    # Quarantined through the API: no installable file is left, and pip finds nothing.
    quarantined = call(
        wharf, "POST", "moderation/projects/api-demo/quarantine/", moderator_token, {"reason": "Malware"}
    )
    assert quarantined.status_code == 200 and quarantined.json()["status"] == "quarantined"
    simple = requests.get(f"{index_url}api-demo/", timeout=30)
    if simple.status_code == 200:  # PEP 792: the page stays, with the status and no files
        assert "quarantined" in simple.text and not re.search(r'href="[^"]*/packages/', simple.text)
    else:
        assert simple.status_code == 404
    assert pip_install(index_url, tmp_path / "after", "api-demo", check=False).returncode != 0
    assert call(wharf, "GET", "projects/api-demo/", bootstrap).json()["status"] == "quarantined"
    assert requests.get(f"{wharf}/api/v1/projects/api-demo/", timeout=30).status_code == 404
