"""End to end: a CI job's ID token from a loopback OIDC issuer is traded at /_/oidc/mint-token and `twine
upload` publishes with the minted token; pip and uv against archived (installable) and quarantined (nothing
to install, PEP 792 status shown) projects."""

import json
import urllib.request

import pytest

from registry.enums import RoleName
from registry.models import Project, Role
from registry.services.archiving import project_archive
from registry.services.publishing import PublisherFields, publisher_add
from registry.services.quarantine import project_quarantine
from tests import builders
from tests.e2e.clients import installed, pip_install, publish, twine_upload, uv_install
from tests.oidc_issuer import TestIssuer

pytestmark = [pytest.mark.e2e]


@pytest.fixture
def issuer(settings):
    issuer = TestIssuer()
    settings.WHARF_OIDC_ISSUERS = issuer.settings()
    yield issuer
    issuer.close()


def fetch(url: str, body: dict | None = None) -> tuple[int, dict]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_ci_job_publishes_with_a_minted_token(issuer, wharf, upload_url, index_url, maintainer, tmp_path):
    project = Project.objects.create(name="ci-widgets", normalized_name="ci-widgets")
    Role.objects.create(project=project, user=maintainer, role_name=RoleName.OWNER)
    fields = PublisherFields(
        issuer="gitlab", owner="group/sub", repository="widgets", workflow=".gitlab-ci.yml"
    )
    publisher_add(project=project, actor=maintainer, fields=fields)

    # What the publishing action does: ask the audience, get an ID token for it, trade it.
    status, body = fetch(f"{wharf}/_/oidc/audience")
    assert (status, body) == (200, {"audience": "wharf"})
    id_token = issuer.sign(issuer.gitlab(audience=body["audience"]))
    status, minted = fetch(f"{wharf}/_/oidc/mint-token", {"token": id_token})
    assert status == 200 and minted["success"] is True, minted
    publish(tmp_path, upload_url, minted["token"], builders.wheel("ci-widgets", "1.0"))
    _status, document = fetch(f"{wharf}/pypi/ci-widgets/json")
    assert document["urls"][0]["published_via"] == "gitlab: group/sub/widgets, CI file .gitlab-ci.yml"
    pip_install(index_url, tmp_path / "pip", "ci-widgets")
    assert installed(tmp_path / "pip") == {"ci-widgets": "1.0"}

    # The same ID token again is a replay; the refusal is PyPI's 422 body and names the claim.
    status, refused = fetch(f"{wharf}/_/oidc/mint-token", {"token": id_token})
    assert status == 422 and refused["errors"][0]["code"] == "invalid-reuse-token"


def test_pip_and_uv_install_archived_projects_and_nothing_from_quarantined_ones(
    wharf, upload_url, index_url, maintainer, maintainer_token, tmp_path
):
    publish(
        tmp_path,
        upload_url,
        maintainer_token,
        builders.wheel("kept-lib", "1.0"),
        builders.wheel("bad-lib", "1.0"),
    )
    project_archive(project=Project.objects.get(normalized_name="kept-lib"), actor=maintainer)
    project_quarantine(project=Project.objects.get(normalized_name="bad-lib"), actor=None)

    _status, simple = fetch(f"{index_url}bad-lib/?format=application/vnd.pypi.simple.v1%2Bjson")
    assert (simple["project-status"], simple["files"]) == ({"status": "quarantined"}, [])
    _status, simple = fetch(f"{index_url}kept-lib/?format=application/vnd.pypi.simple.v1%2Bjson")
    assert simple["project-status"] == {"status": "archived"} and len(simple["files"]) == 1

    pip_install(index_url, tmp_path / "pip", "kept-lib")
    uv_install(index_url, tmp_path / "uv", "kept-lib")
    assert installed(tmp_path / "pip") == installed(tmp_path / "uv") == {"kept-lib": "1.0"}
    for install in (pip_install, uv_install):
        result = install(index_url, tmp_path / f"bad-{install.__name__}", "bad-lib", check=False)
        assert result.returncode != 0
        assert not (tmp_path / f"bad-{install.__name__}").exists() or not installed(
            tmp_path / f"bad-{install.__name__}"
        )
    # Archived: uploads are refused with the sentence.
    later = tmp_path / "later" / "kept_lib-1.1-py3-none-any.whl"
    later.parent.mkdir()
    later.write_bytes(builders.wheel("kept-lib", "1.1").content)
    result = twine_upload([later], repository_url=upload_url, token=maintainer_token)
    assert (
        result.returncode != 0 and "is archived, so no files can be uploaded" in result.stdout + result.stderr
    )
