"""Simple (PEP 503/691/658/700), JSON and file APIs as pip, uv and mirrors read them."""

import io
import json
import re
import sys
import xmlrpc.client
from datetime import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from registry import selectors
from registry.models import File, JournalEntry, Project, Release
from tests import builders
from tests.conftest import basic_auth

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

PIP_ACCEPT = (
    "application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html; q=0.1, text/html; q=0.01"
)
JSON = "application/vnd.pypi.simple.v1+json"


@pytest.fixture
def published(upload, alice_token):
    """demo 1.0 (sdist + wheel with Requires-Python), demo 2.0 wheel, Other-Project 0.1 sdist."""
    extra = {"requires_python": [">=3.8"]}
    for dist in (
        builders.sdist("demo", "1.0", fields=extra, metadata_extra="Requires-Python: >=3.8\n"),
        builders.wheel("demo", "1.0", fields=extra, metadata_extra="Requires-Python: >=3.8\n"),
        builders.wheel("demo", "2.0"),
        builders.sdist("Other_Project", "0.1"),
    ):
        response = upload(dist, token=alice_token)
        assert response.status_code == 200, response.reason_phrase
    return Project.objects.get(normalized_name="demo")


def test_project_page_html(client, published):
    response = client.get("/simple/demo/")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/html"
    assert response["Vary"] == "Accept"
    assert response["X-PyPI-Last-Serial"] == str(published.last_serial)
    assert response["Cache-Control"] == "public, max-age=600"
    body = response.content.decode()
    wheel = File.objects.get(filename="demo-1.0-py3-none-any.whl")
    assert f'#sha256={wheel.sha256_digest}"' in body
    assert 'data-requires-python="&gt;=3.8"' in body
    assert f'data-core-metadata="sha256={wheel.metadata_sha256_digest}"' in body
    assert f'data-dist-info-metadata="sha256={wheel.metadata_sha256_digest}"' in body
    assert '<meta name="pypi:repository-version" content="1.4">' in body
    assert body.count("<a ") == 3


def test_project_page_json_for_pip(client, published):
    response = client.get("/simple/demo/", HTTP_ACCEPT=PIP_ACCEPT)
    assert response["Content-Type"] == JSON
    page = json.loads(response.content)
    assert page["meta"] == {"api-version": "1.4", "_last-serial": published.last_serial}
    assert page["name"] == "demo"
    assert page["versions"] == ["1.0", "2.0"]
    assert [f["filename"] for f in page["files"]] == [
        "demo-1.0-py3-none-any.whl",
        "demo-1.0.tar.gz",
        "demo-2.0-py3-none-any.whl",
    ]
    wheel, sdist = page["files"][0], page["files"][1]
    assert wheel["url"].startswith("http://testserver/packages/")
    assert wheel["requires-python"] == ">=3.8"
    assert wheel["core-metadata"] == {
        "sha256": File.objects.get(filename=wheel["filename"]).metadata_sha256_digest
    }
    assert sdist["core-metadata"] is False and sdist["yanked"] is False
    assert isinstance(wheel["size"], int)
    # PEP 700: UTC with microseconds, as Python's isoformat writes it (PostgreSQL formats it: to_char).
    uploaded = File.objects.get(filename=wheel["filename"]).upload_time
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z", wheel["upload-time"])
    assert datetime.fromisoformat(wheel["upload-time"].replace("Z", "+00:00")) == uploaded


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        ("", "text/html"),
        ("text/plain", "text/html"),
        ("*/*", "text/html"),
        ("application/vnd.pypi.simple.v1+json", JSON),
        ("application/vnd.pypi.simple.latest+json", JSON),
        ("application/vnd.pypi.simple.v1+html", "application/vnd.pypi.simple.v1+html"),
        (
            "text/html;q=0.01, application/vnd.pypi.simple.v1+html;q=0.2, "
            "application/vnd.pypi.simple.v1+json",
            JSON,
        ),
        ("text/html, application/vnd.pypi.simple.v1+html, application/vnd.pypi.simple.v1+json", "text/html"),
        # q-values outside RFC 9110's grammar count for nothing.
        ("application/vnd.pypi.simple.v1+json;q=2", "text/html"),
        ("application/vnd.pypi.simple.v1+json;q=nan", "text/html"),
        ("application/vnd.pypi.simple.v1+json;q=0.5, text/html;q=1e400", JSON),
        ("application/vnd.pypi.simple.v1+json;q=0.001", JSON),
    ],
)
def test_content_negotiation(client, published, accept, expected):
    assert client.get("/simple/demo/", HTTP_ACCEPT=accept)["Content-Type"] == expected


def test_format_query_parameter(client, published):
    assert client.get("/simple/demo/", {"format": JSON})["Content-Type"] == JSON


def test_non_normalized_names_redirect(client, published):
    response = client.get("/simple/Other_Project/")
    assert response.status_code == 301
    assert response["Location"] == "/simple/other-project/"
    assert client.get("/simple/demo").status_code == 301


def test_unknown_project_is_404(client, published):
    response = client.get("/simple/nope/")
    assert response.status_code == 404
    assert response.content == b"404 Not Found\n"


def test_etag_and_304(client, published):
    first = client.get("/simple/demo/", HTTP_ACCEPT=JSON)
    again = client.get("/simple/demo/", HTTP_ACCEPT=JSON, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    assert again.content == b""
    assert client.get("/simple/demo/", HTTP_IF_NONE_MATCH="*").status_code == 304
    assert client.get("/simple/demo/", HTTP_IF_NONE_MATCH='"other", junk').status_code == 200
    assert client.get("/simple/nope/", HTTP_IF_NONE_MATCH="*").status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/simple/a%00b/",
        "/pypi/a%00b/json",
        "/pypi/demo/1.0%00/json",
        "/project/a%00b/",
        "/project/demo/1.0%00/",
        "/user/a%00b/",
        "/packages/00/00/000000000000000000000000000000000000000000000000000000000000/a%00b.whl",
    ],
)
def test_nul_in_a_path_is_404(client, published, path):
    """PostgreSQL text cannot hold NUL: the lookup must not reach the database (it would fail with a 500)."""
    assert client.get(path).status_code == 404


def test_page_changes_after_upload(client, published, upload, alice_token):
    before = client.get("/simple/demo/", HTTP_ACCEPT=JSON)
    assert upload(builders.wheel("demo", "3.0"), token=alice_token).status_code == 200
    after = client.get("/simple/demo/", HTTP_ACCEPT=JSON)
    assert json.loads(after.content)["versions"] == ["1.0", "2.0", "3.0"]
    assert int(after["X-PyPI-Last-Serial"]) > int(before["X-PyPI-Last-Serial"])
    assert after["ETag"] != before["ETag"]


def test_yanked_release_is_marked(client, published):
    Release.objects.filter(version="2.0").update(yanked=True, yanked_reason="broken build")
    JournalEntry.objects.create(name="demo", normalized_name="demo", project=published, action="yank release")
    from registry import cache

    cache.clear()
    page = json.loads(client.get("/simple/demo/", HTTP_ACCEPT=JSON).content)
    assert page["files"][-1]["yanked"] == "broken build"
    assert 'data-yanked="broken build"' in client.get("/simple/demo/").content.decode()


def test_index_lists_projects_with_serials(client, published):
    response = client.get("/simple/", HTTP_ACCEPT=JSON)
    page = json.loads(response.content)
    assert page["meta"]["_last-serial"] == JournalEntry.objects.latest("id").id
    assert page["projects"] == [
        {"name": "demo", "_last-serial": published.last_serial},
        {"name": "Other_Project", "_last-serial": Project.objects.get(name="Other_Project").last_serial},
    ]
    assert response["X-PyPI-Last-Serial"] == str(page["meta"]["_last-serial"])
    html = client.get("/simple/").content.decode()
    assert '<a href="/simple/other-project/">Other_Project</a>' in html


def test_quarantined_projects_show_their_status_and_no_files(client, published):
    """PEP 792 (docs/decisions/0006-quarantine-status.md): the project answers with `quarantined` and offers
    nothing; it is left out of the index, as Warehouse does."""
    info_keys = set(client.get("/pypi/demo/json").json()["info"])
    published.status = "quarantined"
    published.save()
    from registry import cache

    cache.clear()
    page = client.get("/simple/demo/")
    assert page.status_code == 200
    assert '<meta name="pypi:project-status" content="quarantined">' in page.content.decode()
    assert "<a " not in page.content.decode()
    document = json.loads(client.get("/simple/demo/", HTTP_ACCEPT=JSON).content)
    assert (document["project-status"], document["files"], document["versions"]) == (
        {"status": "quarantined"},
        [],
        [],
    )
    assert "demo" not in [
        p["name"] for p in json.loads(client.get("/simple/", HTTP_ACCEPT=JSON).content)["projects"]
    ]
    api = client.get("/pypi/demo/json").json()
    assert (api["project-status"], api["releases"], api["urls"]) == ({"status": "quarantined"}, {}, [])
    assert api["info"]["name"] == "demo" and api["info"]["description"] is None
    assert set(api["info"]) == info_keys  # the withheld document keeps the keys of `info`
    assert client.get("/pypi/demo/1.0/json").status_code == 404
    path = File.objects.filter(release__project=published).first().path
    assert client.get(f"/packages/{path}").status_code == 404


def wsgi_get(path: str, **headers) -> tuple[str, dict, bytes]:
    """GET through the full WSGI stack gunicorn serves (the read cache in front of Django).

    Like Django's test client, keep the request from closing the test's database connection.
    """
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    from config.wsgi import application

    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "HTTP_HOST": "testserver",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": sys.stderr,
        "SERVER_PROTOCOL": "HTTP/1.1",
        **headers,
    }
    started = {}
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        result = application(environ, lambda status, headers, exc=None: started.update(s=status, h=headers))
        body = b"".join(result)
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    return started["s"], dict(started["h"]), body


@pytest.mark.parametrize("path", ["/simple/demo/", "/simple/", "/pypi/demo/json"])
def test_query_counts_and_cache(published, path, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        first = wsgi_get(path, HTTP_ACCEPT=JSON)
    with CaptureQueriesContext(connection) as cached:
        again = wsgi_get(path, HTTP_ACCEPT=JSON)
    # A hit costs one indexed read of the committed serial, and never enters Django.
    serial_sql = selectors._LAST_SERIAL_SQL if path == "/simple/" else selectors._PROJECT_SERIAL_SQL
    assert [query["sql"].split(" FROM ")[0] for query in cached] == [serial_sql.split(" FROM ")[0]]
    assert again == first
    status, _headers, body = wsgi_get(path, HTTP_ACCEPT=JSON, HTTP_IF_NONE_MATCH=first[1]["ETag"])
    assert (status, body) == ("304 Not Modified", b"")


@pytest.mark.parametrize("path", ["/simple/demo/", "/pypi/demo/json", "file", "file.metadata"])
def test_workers_share_answers_through_redis(published, path):
    """Another worker (here: this process with its memory emptied) answers from the first one's rendering."""
    from registry import cache

    if not cache._answers_shared():
        pytest.skip("without REDIS_URL the cache lives in one process: nothing to share")
    if path.startswith("file"):
        wheel = File.objects.get(filename="demo-1.0-py3-none-any.whl")
        path = f"/packages/{wheel.path}" + path.removeprefix("file")
    first = wsgi_get(path, HTTP_ACCEPT=JSON)
    cache.responses.clear()
    with CaptureQueriesContext(connection) as queries:
        again = wsgi_get(path, HTTP_ACCEPT=JSON)
    assert len(queries) == 1, [query["sql"] for query in queries]  # the serial
    assert again == first and first[0] == "200 OK"


def test_cached_answer_changes_with_the_serial(published, upload, alice_token):
    before = json.loads(wsgi_get("/simple/demo/", HTTP_ACCEPT=JSON)[2])
    assert upload(builders.wheel("demo", "3.0"), token=alice_token).status_code == 200
    after = json.loads(wsgi_get("/simple/demo/", HTTP_ACCEPT=JSON)[2])
    assert after["versions"] == [*before["versions"], "3.0"]


def test_cached_answers_follow_the_database_alone(published, client, alice_token):
    """Nothing after the commit moves the cache: an upload whose on-commit work never ran is served at once.

    The test's transaction never commits, so on-commit callbacks never run, as when a worker dies right after
    its commit; the read APIs must show the new file on the next request all the same.
    """
    from tests.conftest import upload_parts
    from tests.multipart import encode

    paths = ("/simple/demo/", "/simple/", "/pypi/demo/json", "/pypi/demo/3.0/json")
    before = {path: wsgi_get(path, HTTP_ACCEPT=JSON) for path in paths}
    body, content_type = encode(upload_parts(builders.wheel("demo", "3.0")))
    auth = {"HTTP_AUTHORIZATION": basic_auth("__token__", alice_token)}
    assert client.generic("POST", "/legacy/", body, content_type=content_type, **auth).status_code == 200
    after = {path: wsgi_get(path, HTTP_ACCEPT=JSON) for path in paths}
    serial = str(JournalEntry.objects.latest("id").id)
    assert {path: answer[1]["X-PyPI-Last-Serial"] for path, answer in after.items()} == dict.fromkeys(
        paths, serial
    )
    assert "3.0" in json.loads(after["/simple/demo/"][2])["versions"]
    assert before["/pypi/demo/3.0/json"][0].startswith("404") and after["/pypi/demo/3.0/json"][0] == "200 OK"


def test_cacheable_routes_come_from_the_url_conf(settings):
    """Renaming a read-API route in config/urls.py stops the server at start-up instead of caching nothing."""
    from django.core.exceptions import ImproperlyConfigured
    from django.urls import reverse

    from registry import cache

    assert set(ROUTE_EXAMPLES) == set(cache.CACHEABLE_ROUTES)
    for name, (path, kwargs) in ROUTE_EXAMPLES.items():
        assert reverse(name, kwargs=kwargs) in (path, path.rstrip("/"))
        assert cache.cacheable_route(path) == (cache.CACHEABLE_ROUTES[name], kwargs)
    assert cache.cacheable_route("/project/demo/") is None
    settings.ROOT_URLCONF = "tests.registry.urls_renamed_route"
    cache.cacheable_routes.cache_clear()
    try:
        with pytest.raises(ImproperlyConfigured, match="json-release"):
            cache.ReadCache(None)
    finally:
        cache.cacheable_routes.cache_clear()


FILE_PATH = "ab/cd/" + "e" * 60 + "/demo-1.0.tar.gz"
ROUTE_EXAMPLES = {
    "simple-index": ("/simple/", {}),
    "simple-project": ("/simple/demo/", {"name": "demo"}),
    "json-project": ("/pypi/demo/json", {"name": "demo"}),
    "json-release": ("/pypi/demo/1.0/json", {"name": "demo", "version": "1.0"}),
    "file": (
        "/packages/ab/cd/" + "e" * 60 + "/demo-1.0.tar.gz",
        {"path": "ab/cd/" + "e" * 60 + "/demo-1.0.tar.gz"},
    ),
}


def test_cache_separates_hosts_and_media_types(published):
    html = wsgi_get("/simple/demo/")
    as_json = wsgi_get("/simple/demo/", HTTP_ACCEPT=JSON)
    other_host = wsgi_get("/simple/demo/", HTTP_ACCEPT=JSON, HTTP_HOST="localhost")
    assert html[1]["Content-Type"] == "text/html" and as_json[1]["Content-Type"] == JSON
    assert b"http://localhost/packages/" in other_host[2] and b"http://testserver/" not in other_host[2]


def test_files_and_metadata_are_served(client, published):
    wheel = File.objects.get(filename="demo-1.0-py3-none-any.whl")
    response = client.get(f"/packages/{wheel.path}")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == open_stored(wheel.path)
    assert response["ETag"] == f'"{wheel.sha256_digest}"'
    metadata = client.get(f"/packages/{wheel.path}.metadata")
    body = b"".join(metadata.streaming_content)
    assert body.startswith(b"Metadata-Version: 2.1")
    import hashlib

    assert hashlib.sha256(body).hexdigest() == wheel.metadata_sha256_digest
    sdist = File.objects.get(filename="demo-1.0.tar.gz")
    assert client.get(f"/packages/{sdist.path}.metadata").status_code == 404
    assert client.get("/packages/" + "0" * 2 + "/00/" + "0" * 60 + "/x-1.0.tar.gz").status_code == 404


def open_stored(path):
    from registry.storage import open_stored as open_file

    with open_file(path) as handle:
        return handle.read()


def test_json_api(client, published):
    response = client.get("/pypi/demo/json")
    assert response.status_code == 200
    assert response["X-PyPI-Last-Serial"] == str(published.last_serial)
    document = json.loads(response.content)
    assert set(document) == {"info", "last_serial", "releases", "urls", "vulnerabilities", "ownership"}
    assert document["info"]["name"] == "demo" and document["info"]["version"] == "2.0"
    assert document["info"]["project_url"] == "http://testserver/project/demo/"
    assert sorted(document["releases"]) == ["1.0", "2.0"]
    assert [f["filename"] for f in document["releases"]["1.0"]] == [
        "demo-1.0-py3-none-any.whl",
        "demo-1.0.tar.gz",
    ]
    url = document["urls"][0]
    assert set(url["digests"]) == {"md5", "sha256", "blake2b_256"}
    assert url["packagetype"] == "bdist_wheel" and url["python_version"] == "py3"
    assert document["ownership"] == {"organization": None, "roles": [{"role": "Owner", "user": "alice"}]}


def test_json_api_version_and_redirects(client, published):
    document = json.loads(client.get("/pypi/demo/1.0.0/json").content)
    assert document["info"]["version"] == "1.0"
    assert "releases" not in document
    assert client.get("/pypi/demo/9.9/json").status_code == 404
    assert client.get("/pypi/nope/json").json() == {"message": "Not Found"}
    redirect = client.get("/pypi/Other_Project/json")
    assert (redirect.status_code, redirect["Location"]) == (301, "/pypi/other-project/json")


def test_json_latest_skips_yanked_and_prereleases(client, upload, alice_token):
    for version in ("1.0", "2.0", "3.0a1"):
        assert upload(builders.wheel("demo", version), token=alice_token).status_code == 200
    Release.objects.filter(version="2.0").update(yanked=True)
    JournalEntry.objects.create(
        name="demo", normalized_name="demo", action="yank release", project=Project.objects.get()
    )
    from registry import cache

    cache.clear()
    assert client.get("/pypi/demo/json").json()["info"]["version"] == "1.0"


def rpc(client, method, *params):
    body = xmlrpc.client.dumps(params, method).encode()
    response = client.post("/pypi", body, content_type="text/xml")
    assert response.status_code == 200
    return xmlrpc.client.loads(response.content)[0][0]


def test_xmlrpc_mirror_methods(client, published):
    last = JournalEntry.objects.latest("id").id
    assert rpc(client, "changelog_last_serial") == last
    assert rpc(client, "list_packages_with_serial") == {
        "demo": published.last_serial,
        "Other_Project": Project.objects.get(name="Other_Project").last_serial,
    }
    changes = rpc(client, "changelog_since_serial", last - 1)
    assert changes == [
        ["Other_Project", "0.1", changes[0][2], "add source file other_project-0.1.tar.gz", last]
    ]
    assert rpc(client, "package_roles", "DEMO") == [["Owner", "alice"]]
    assert rpc(client, "user_packages", "alice") == [["Owner", "demo"], ["Owner", "Other_Project"]]


def test_xmlrpc_hides_quarantined_history_but_not_the_quarantine(client, published, alice):
    from registry.services.quarantine import project_quarantine

    before = JournalEntry.objects.latest("id").id
    project_quarantine(project=published, actor=alice)
    assert "demo" not in rpc(client, "list_packages_with_serial")
    changes = rpc(client, "changelog_since_serial", 0)
    assert [change[3] for change in changes if change[0] == "demo"] == ["project quarantined"]
    assert changes[-1][4] > before


def test_xmlrpc_refuses_search_and_entities(client, db):
    body = xmlrpc.client.dumps(({"name": "x"},), "search").encode()
    fault = client.post("/RPC2", body, content_type="text/xml").content
    assert b"faultCode" in fault and b"pip search" in fault
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>'
        b"<methodCall><methodName>&lol2;</methodName><params/></methodCall>"
    )
    assert b"Parse error" in client.post("/pypi", bomb, content_type="text/xml").content
    wrong = xmlrpc.client.dumps(("x",), "changelog_since_serial").encode()
    assert b"client error" in client.post("/pypi", wrong, content_type="text/xml").content


CALL = "<methodName>changelog_last_serial</methodName>"
FAULT = (
    "<fault><value><struct><member><name>faultCode</name><value><int>1</int></value></member>"
    "<member><name>faultString</name><value><string>x</string></value></member></struct></value></fault>"
)


@pytest.mark.parametrize(
    "body",
    [
        f"<?xml version='1.0' encoding='bogus'?><methodCall>{CALL}</methodCall>",
        f"<?xml version='1.0' encoding='rot13'?><methodCall>{CALL}</methodCall>",
        f"<methodResponse>{FAULT}</methodResponse>",
        f"<methodCall>{CALL}{FAULT}</methodCall>",
        "<methodCall><methodName>package_roles</methodName><params><param><value><struct>"
        "<member><value><int>1</int></value></member></struct></value></param></params></methodCall>",
        "<methodCall><methodName>package_roles</methodName><params><param><value><struct>"
        "<member><name>a</name></member></struct></value></param></params></methodCall>",
        "\x00\xff",
    ],
)
def test_xmlrpc_malformed_bodies_get_a_parse_fault(client, db, body):
    response = client.post("/pypi", body.encode("latin-1"), content_type="text/xml")
    assert response.status_code == 200
    with pytest.raises(xmlrpc.client.Fault) as fault:
        xmlrpc.client.loads(response.content)
    assert fault.value.faultCode == -32700


def test_xmlrpc_large_and_empty_bodies(client, db):
    large = b"<methodCall>" + b" " * (65 * 1024) + CALL.encode() + b"</methodCall>"
    with pytest.raises(xmlrpc.client.Fault) as fault:
        xmlrpc.client.loads(client.post("/pypi", large, content_type="text/xml").content)
    assert fault.value.faultCode == -32600
    # Django reads no body without a Content-Length (a chunked request): say so rather than "not valid".
    with pytest.raises(xmlrpc.client.Fault) as fault:
        xmlrpc.client.loads(client.post("/pypi", b"", content_type="text/xml").content)
    assert "empty" in fault.value.faultString


def test_files_are_cached_until_their_project_changes(published, alice):
    from registry.services.quarantine import project_quarantine

    wheel = File.objects.get(filename="demo-1.0-py3-none-any.whl")
    first = wsgi_get(f"/packages/{wheel.path}")
    assert first[0] == "200 OK"
    with CaptureQueriesContext(connection) as cached:
        again = wsgi_get(f"/packages/{wheel.path}")
        metadata = wsgi_get(f"/packages/{wheel.path}.metadata")
        metadata_again = wsgi_get(f"/packages/{wheel.path}.metadata")
    assert again == first and metadata_again == metadata
    assert len(cached) == 4  # a serial for each request, and the .metadata's first row
    etag = f'"{wheel.sha256_digest}"'
    assert wsgi_get(f"/packages/{wheel.path}", HTTP_IF_NONE_MATCH=etag)[0] == "304 Not Modified"
    project_quarantine(project=published, actor=alice)
    assert wsgi_get(f"/packages/{wheel.path}")[0].startswith("404")
