"""CDN headers on the answers a CDN may keep, and the purge-by-key requests sent after every change."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from registry import cdn
from registry.models import Project, Release
from registry.services.quarantine import projects_quarantine
from registry.services.releases import release_yank
from tests import builders
from tests.conftest import wait_for

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

JSON = "application/vnd.pypi.simple.v1+json"
PAGE = "max-age=86400, stale-while-revalidate=300, stale-if-error=86400"


@pytest.fixture
def demo(upload, alice_token):
    assert upload(builders.wheel("Demo", "1.0"), token=alice_token).status_code == 200
    return Project.objects.get(normalized_name="demo")


@pytest.mark.parametrize(
    ("path", "accept", "key", "control"),
    [
        ("/simple/demo/", "text/html", "project/demo", PAGE),
        ("/simple/demo/", JSON, "project/demo", PAGE),
        ("/simple/", "text/html", "all-projects", PAGE),
        ("/simple/", JSON, "all-projects", PAGE.replace("86400,", "1800,", 1)),
        ("/pypi/demo/json", "", "project/demo all-legacy-json project-legacy-json", PAGE),
        ("/pypi/demo/1.0/json", "", "project/demo all-legacy-json release-legacy-json", PAGE),
    ],
)
def test_cacheable_answers_carry_surrogate_headers(client, demo, path, accept, key, control):
    response = client.get(path, HTTP_ACCEPT=accept)
    assert response.status_code == 200
    assert response["Surrogate-Key"] == key
    assert response["Surrogate-Control"] == control


@pytest.mark.parametrize(
    "path", ["/simple/demo/", "/pypi/demo/json", "/simple/nothing/", "/pypi/nothing/json"]
)
def test_hidden_and_missing_projects_are_never_marked(client, demo, path):
    Project.objects.filter(pk=demo.pk).update(status="quarantined")
    response = client.get(path)
    assert response.status_code in (200, 404)  # a quarantined project's Simple page says so (PEP 792)
    assert "Surrogate-Key" not in response and "Surrogate-Control" not in response


@pytest.fixture
def purges(settings, celery_worker):
    """A purge-by-key endpoint on loopback; yields the Surrogate-Key headers it received, in order."""
    received = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            received.append((self.path, self.headers["Surrogate-Key"], self.headers["Fastly-Key"]))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    settings.WHARF_CDN_PURGE_URL = f"http://127.0.0.1:{server.server_port}/service/wharf/purge"
    settings.WHARF_CDN_PURGE_TOKEN = "purge-secret"
    settings.WHARF_CDN_PURGER = "registry.cdn.HttpPurger"
    yield received
    server.shutdown()


def test_every_change_purges_the_project_and_the_index(
    demo, purges, upload, alice_token, alice, django_capture_on_commit_callbacks
):
    assert upload(builders.wheel("demo", "2.0"), token=alice_token).status_code == 200
    wait_for(lambda: len(purges) == 1)
    assert purges[0] == ("/service/wharf/purge", "project/demo all-projects", "purge-secret")

    with django_capture_on_commit_callbacks(execute=True):
        release_yank(release=Release.objects.get(version="2.0"), actor=alice, reason="broken")
    with django_capture_on_commit_callbacks(execute=True):
        projects_quarantine(projects=[demo], actor=alice)
    wait_for(lambda: len(purges) == 3)
    assert {key for _path, key, _token in purges} == {"project/demo all-projects"}


def test_no_purger_by_default(settings):
    assert settings.WHARF_CDN_PURGER == "registry.cdn.NullPurger"
    assert not cdn.purging()
    cdn.purger().purge(["project/demo"])  # does nothing
