"""twine uploads real builds; pip and uv install them back with dependencies, from Wharf only."""

import json
import urllib.request

import pytest

from registry.models import File, Release
from tests import builders
from tests.e2e.clients import (
    BACKENDS,
    build_project,
    installed,
    pip,
    pip_install,
    twine_upload,
    uv_install,
)

pytestmark = [pytest.mark.e2e]


@pytest.fixture
def published_app(tmp_path, upload_url, maintainer_token):
    """wharf-app 1.0 depending on wharf-lib>=1.1, and wharf-lib 1.0 and 1.1, built and uploaded with twine."""
    files = []
    files += build_project(tmp_path, name="wharf-lib", version="1.0", backend="hatchling")
    files += build_project(tmp_path, name="wharf-lib", version="1.1", backend="setuptools")
    files += build_project(
        tmp_path, name="wharf-app", version="1.0", backend="setuptools", dependencies=("wharf-lib>=1.1",)
    )
    result = twine_upload(files, repository_url=upload_url, token=maintainer_token)
    assert result.returncode == 0, result.stdout + result.stderr
    return files


def test_pip_installs_with_dependencies(published_app, index_url, tmp_path):
    target = tmp_path / "pip-target"
    pip_install(index_url, target, "wharf-app")
    assert installed(target) == {"wharf-app": "1.0", "wharf-lib": "1.1"}
    assert (target / "wharf_app" / "__init__.py").exists()


def test_uv_installs_with_dependencies(published_app, index_url, tmp_path):
    target = tmp_path / "uv-target"
    uv_install(index_url, target, "wharf-app")
    assert installed(target) == {"wharf-app": "1.0", "wharf-lib": "1.1"}


def test_pip_downloads_the_sdist(published_app, index_url, tmp_path):
    pip(
        "download",
        "--no-cache-dir",
        "--no-deps",
        "--no-binary",
        ":all:",
        "--no-build-isolation",
        "--index-url",
        index_url,
        "--dest",
        tmp_path / "dl",
        "wharf-lib==1.0",
    )
    assert [path.name for path in (tmp_path / "dl").iterdir()] == ["wharf_lib-1.0.tar.gz"]


def test_pip_uses_core_metadata_files(published_app, index_url, tmp_path):
    """pip resolves from the PEP 658 .metadata files: a report without downloading wheels works."""
    result = pip(
        "install",
        "--no-cache-dir",
        "--dry-run",
        "--ignore-installed",
        "--report",
        tmp_path / "r.json",
        "--index-url",
        index_url,
        "wharf-app",
    )
    report = json.loads((tmp_path / "r.json").read_text())
    assert sorted(item["metadata"]["name"] for item in report["install"]) == ["wharf-app", "wharf-lib"]
    assert result.returncode == 0


@pytest.mark.parametrize("backend", sorted(BACKENDS))
def test_every_build_backend_round_trips(backend, tmp_path, upload_url, maintainer_token, index_url):
    name = f"wharf-{backend}-demo"
    files = build_project(tmp_path, name=name, version="0.1.0", backend=backend)
    result = twine_upload(files, repository_url=upload_url, token=maintainer_token)
    assert result.returncode == 0, result.stdout + result.stderr
    release = Release.objects.get(project__normalized_name=name)
    assert release.license_expression == "MIT"
    assert release.requires_python == ">=3.9"
    assert release.summary == "A tiny project for Wharf's tests"
    assert File.objects.filter(release=release).count() == len(files)
    target = tmp_path / "t"
    uv_install(index_url, target, name)
    assert installed(target) == {name: "0.1.0"}


def test_identical_reupload_succeeds(published_app, upload_url, maintainer_token):
    """Re-running an upload is harmless (twine 7 only allows --skip-existing for PyPI's own hosts)."""
    again = twine_upload(published_app, repository_url=upload_url, token=maintainer_token)
    assert again.returncode == 0, again.stdout + again.stderr
    assert File.objects.count() == len(published_app)


def test_twine_skip_existing_recognises_our_duplicate_answer(tmp_path, upload_url, maintainer_token):
    """twine's own skip rule (status 400 and "already exist" in the reason) matches Wharf's refusal."""
    import requests
    from twine.commands.upload import skip_upload

    first = builders.wheel("wharf-dup", "1.0")
    second = builders.wheel("wharf-dup", "1.0", files={"wharf_dup/__init__.py": b"CHANGED = 1\n"})
    (tmp_path / first.filename).write_bytes(first.content)
    assert (
        twine_upload(
            [tmp_path / first.filename], repository_url=upload_url, token=maintainer_token
        ).returncode
        == 0
    )
    fields = {key: values for key, values in second.fields.items()}
    fields["sha256_digest"] = [second.sha256]
    response = requests.post(
        upload_url,
        data=fields,
        files={"content": (second.filename, second.content, "application/octet-stream")},
        auth=("__token__", maintainer_token),
        timeout=30,
    )
    assert response.status_code == 400, (response.text, response.history)
    assert skip_upload(response, True, None)


def test_twine_shows_our_refusal(tmp_path, upload_url, maintainer_token):
    dist = builders.wheel(
        "wharf-bad",
        "1.0",
        fields={"classifiers": ["Not :: A :: Classifier"]},
        metadata_extra="Classifier: Not :: A :: Classifier\n",
    )
    path = tmp_path / dist.filename
    path.write_bytes(dist.content)
    result = twine_upload([path], repository_url=upload_url, token=maintainer_token)
    assert result.returncode != 0
    assert "'Not :: A :: Classifier' is not a valid classifier" in result.stdout + result.stderr
    assert File.objects.count() == 0


def test_wrong_token_is_refused_by_twine(tmp_path, upload_url, maintainer):
    dist = builders.wheel("wharf-nope", "1.0")
    path = tmp_path / dist.filename
    path.write_bytes(dist.content)
    result = twine_upload(
        [path], repository_url=upload_url, token="wharf-not-a-real-token-at-all-000000000000"
    )
    assert result.returncode != 0
    assert "Invalid or non-existent authentication information" in result.stdout + result.stderr


@pytest.mark.parametrize("metadata_version", ["1.0", "1.1", "1.2", "2.1", "2.2", "2.3", "2.4", "2.5"])
def test_every_metadata_version(metadata_version, tmp_path, upload_url, maintainer_token, index_url):
    name = f"wharf-md{metadata_version.replace('.', '')}"
    extra = "Home-page: https://example.com/\nAuthor: Someone\nAuthor-email: someone@example.com\n"
    if metadata_version >= "2.4":
        extra += "License-Expression: MIT\n"
    if metadata_version == "2.5":
        extra += f"Import-Name: {name.replace('-', '_')}\n"
    dists = [
        builders.sdist(name, "1.0", metadata_version=metadata_version, metadata_extra=extra),
        builders.wheel(name, "1.0", metadata_version=metadata_version, metadata_extra=extra),
    ]
    paths = []
    for dist in dists:
        path = tmp_path / dist.filename
        path.write_bytes(dist.content)
        paths.append(path)
    result = twine_upload(paths, repository_url=upload_url, token=maintainer_token)
    assert result.returncode == 0, result.stdout + result.stderr
    assert Release.objects.get(project__normalized_name=name).metadata_version == metadata_version
    with urllib.request.urlopen(f"{index_url}{name}/") as response:
        assert response.status == 200
    target = tmp_path / "t"
    pip_install(index_url, target, name)
    assert installed(target) == {name: "1.0"}
