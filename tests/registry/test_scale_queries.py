"""A request costs the same number of queries whatever the size of the index (issue 13).

bench/scale.py times the same requests on 100,000 projects and 1,000,000 files; here each request's queries
are counted on a small index, then again after seed_synthetic has added projects (one of 1,000 files) and the
project asked for has more releases and files; an upload's too. The Django test client calls the views
themselves, past the read cache (config/wsgi.py), so every count is the one of a page being rendered.
"""

import xmlrpc.client

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from registry.models import File, JournalEntry, Project

pytestmark = pytest.mark.integration

JSON = "application/vnd.pypi.simple.v1+json"
PAGES = [
    ("/simple/", "text/html"),
    ("/simple/", JSON),
    ("/simple/demo/", "text/html"),
    ("/simple/demo/", JSON),
    ("/pypi/demo/json", ""),
    ("/pypi/demo/1.0/json", ""),
    ("/", ""),
    ("/search/?q=demo", ""),
    ("/project/demo/", ""),
    ("/rss/updates.xml", ""),
    ("/rss/packages.xml", ""),
    ("/rss/project/demo/releases.xml", ""),
]
RPC = [
    ("changelog_since_serial", lambda last: (last - 5,)),
    ("changelog_last_serial", lambda last: ()),
    ("list_packages_with_serial", lambda last: ()),
]


def costs(client) -> dict:
    """Queries per request, measured on the second of two runs (the first fills the process's caches)."""
    wheel = File.objects.filter(release__project__normalized_name="demo", filename__endswith=".whl").first()
    last = JournalEntry.objects.latest("id").id
    requests = [(path, {"HTTP_ACCEPT": accept} if accept else {}) for path, accept in PAGES]
    requests.append((f"/packages/{wheel.path}.metadata", {}))
    found = {}
    for _run in range(2):
        for path, headers in requests:
            with CaptureQueriesContext(connection) as queries:
                response = client.get(path, **headers)
            assert response.status_code == 200, path
            name = "metadata" if path.startswith("/packages/") else path
            found[name, headers.get("HTTP_ACCEPT")] = len(queries)
        for method, params in RPC:
            body = xmlrpc.client.dumps(params(last), method).encode()
            with CaptureQueriesContext(connection) as queries:
                assert client.post("/pypi", body, content_type="text/xml").status_code == 200
            found[method, None] = len(queries)
    return found


def upload_cost(publish, version: str) -> int:
    """Queries of an upload that adds a release to demo."""
    with CaptureQueriesContext(connection) as queries:
        publish("demo", version)
    return len(queries)


def test_query_counts_do_not_grow_with_the_index(client, publish):
    publish("demo", "1.0")
    publish("demo", "1.0", sdist=True)
    publish("other", "0.1")
    small = costs(client)
    small_upload = upload_cost(publish, "1.1")

    call_command("seed_synthetic", "--projects", "25", "--files-per-project", "6", "--force", "-v", "0")
    for version in ("1.2", "1.3", "2.0"):
        publish("demo", version)
        publish("demo", version, sdist=True)
    assert Project.objects.count() == 27 and File.objects.count() > 1100

    assert costs(client) == small
    assert max(small.values()) <= 6
    assert upload_cost(publish, "3.0") == small_upload
