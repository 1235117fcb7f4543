"""bandersnatch mirrors Wharf, first in full and then incrementally, over XML-RPC and over the Simple API."""

import hashlib
import json

import pytest

from registry.models import File
from tests import builders
from tests.e2e.clients import BIN, publish, run

pytestmark = [pytest.mark.e2e]


def mirror(tmp_path, wharf, api_method):
    config = tmp_path / "bandersnatch.conf"
    config.write_text(
        f"""[mirror]
directory = {tmp_path / "mirror"}
master = {wharf}
allow-non-https = true
api-method = {api_method}
json = true
workers = 2
timeout = 30
global-timeout = 300
stop-on-error = true
release-files = true
hash-index = false
simple-format = ALL
compare-method = hash
"""
    )
    result = run([BIN / "bandersnatch", "--config", config, "mirror"], timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    return tmp_path / "mirror" / "web"


def assert_mirrored(web):
    for file in File.objects.all():
        copy = web / "packages" / file.path
        assert copy.exists(), file.path
        assert hashlib.sha256(copy.read_bytes()).hexdigest() == file.sha256_digest
        # bandersnatch 8 also fetches the PEP 658 .metadata files; 6.x (the last for Python 3.11) does not.
        metadata = web / "packages" / f"{file.path}.metadata"
        if metadata.exists():
            assert hashlib.sha256(metadata.read_bytes()).hexdigest() == file.metadata_sha256_digest


@pytest.mark.parametrize("api_method", ["xmlrpc", "simple"])
def test_bandersnatch_full_then_incremental(api_method, tmp_path, wharf, upload_url, maintainer_token):
    first = [builders.wheel("mirror-me", "1.0"), builders.sdist("mirror-me", "1.0")]
    first.append(builders.wheel("Also_Me", "0.1"))
    publish(tmp_path, upload_url, maintainer_token, *first)
    web = mirror(tmp_path, wharf, api_method)
    assert_mirrored(web)
    assert (web / "simple" / "mirror-me" / "index.html").exists()
    info = json.loads((web / "json" / "mirror-me").read_text())
    assert info["info"]["name"] == "mirror-me"

    publish(tmp_path, upload_url, maintainer_token, builders.wheel("mirror-me", "2.0"))
    web = mirror(tmp_path, wharf, api_method)
    assert_mirrored(web)
    assert "mirror_me-2.0-py3-none-any.whl" in (web / "simple" / "mirror-me" / "index.html").read_text()


def test_mirror_sees_a_quarantine(tmp_path, wharf, upload_url, maintainer_token):
    """PEP 792 for mirrors (docs/decisions/0006-quarantine-status.md): after a quarantine, bandersnatch's
    next run stores the project's status and its page offers no file."""
    from registry.models import Project
    from registry.services.quarantine import project_quarantine

    publish(tmp_path, upload_url, maintainer_token, builders.wheel("soon-bad", "1.0"))
    web = mirror(tmp_path, wharf, "xmlrpc")
    assert "soon_bad-1.0-py3-none-any.whl" in (web / "simple" / "soon-bad" / "index.html").read_text()
    project_quarantine(project=Project.objects.get(normalized_name="soon-bad"), actor=None)
    web = mirror(tmp_path, wharf, "xmlrpc")
    info = json.loads((web / "json" / "soon-bad").read_text())
    assert (info["project-status"], info["releases"]) == ({"status": "quarantined"}, {})
    page = web / "simple" / "soon-bad" / "index.html"
    assert not page.exists() or "soon_bad-1.0" not in page.read_text()
