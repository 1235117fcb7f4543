"""The production front: Debian's nginx with deploy/nginx.conf on loopback, beside the live Django server.

Every answer nginx gives, from the pre-rendered files or from Django, must be the one Django gives: the same
status, body and headers (except those each server adds for itself).
"""

import getpass
import re
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from registry.models import File, Project
from registry.renderers.simple import negotiate
from registry.services.quarantine import projects_quarantine
from tests import builders
from tests.conftest import basic_auth, upload_parts, wait_for
from tests.multipart import encode

pytestmark = pytest.mark.e2e

CONF = Path(__file__).resolve().parents[2] / "deploy" / "nginx.conf"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"  # `make setup-test` installs Debian's nginx-light
PIP = "application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html; q=0.1, text/html; q=0.01"
JSON = "application/vnd.pypi.simple.v1+json"
# Headers each server sets for itself.
OWN_HEADERS = {"date", "server", "connection", "keep-alive", "transfer-encoding"}


def test_the_accept_table_agrees_with_django():
    table = re.search(r"map \$http_accept \$wharf_accept \{(.*?)\n    \}", CONF.read_text(), re.S).group(1)
    rows = re.findall(r'^\s*"(.*)" (\w+);$', table, re.M)
    assert len(rows) >= 8
    media = {"html": "text/html", "v1html": "application/vnd.pypi.simple.v1+html", "json": JSON}
    for accept, representation in rows:
        assert negotiate(accept, "") == media[representation], accept


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def front(tmp_path, settings, wharf, celery_worker):
    """nginx with deploy/nginx.conf (paths and ports moved into tmp_path), proxying to the live server."""
    settings.WHARF_FRONT_DIR = str(tmp_path / "front")
    settings.WHARF_SITE_URL = wharf
    port = free_port()
    upstream = wharf.removeprefix("http://")
    conf = CONF.read_text()
    for old, new in (
        ("/var/lib/wharf/front", settings.WHARF_FRONT_DIR),
        ("server 127.0.0.1:8000;", f"server {upstream};"),
        ("listen 127.0.0.1:8080;", f"listen 127.0.0.1:{port};"),
        ("user www-data;", f"user {getpass.getuser()};"),
        ("pid /run/wharf-nginx.pid;", f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;"),
        (
            "    access_log off;",
            f"    log_format front '$uri $upstream_addr';\n    access_log {tmp_path}/access.log front;\n"
            + "".join(
                f"    {kind}_temp_path {tmp_path}/{kind};\n"
                for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
            ),
        ),
    ):
        assert old in conf, old
        conf = conf.replace(old, new)
    (tmp_path / "nginx.conf").write_text(conf)
    (tmp_path / "front").mkdir()
    process = subprocess.Popen(
        [
            NGINX,
            "-c",
            str(tmp_path / "nginx.conf"),
            "-p",
            str(tmp_path),
            "-e",
            str(tmp_path / "error.log"),
            "-g",
            "daemon off;",
        ],
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 10
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            assert process.poll() is None, process.stderr.read().decode()
            assert time.monotonic() < deadline, "nginx did not start"
            time.sleep(0.05)
    yield {"url": f"http://127.0.0.1:{port}", "log": tmp_path / "access.log", "dir": tmp_path / "front"}
    process.terminate()
    process.wait(timeout=10)


def fetch(url: str, accept: str | None = None, host: str | None = None) -> tuple[int, dict, bytes]:
    headers = {"Accept": accept} if accept is not None else {}
    if host:
        headers["Host"] = host  # as behind a real front, Django sees the host the client asked for
    request = urllib.request.Request(url, headers=headers)
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=30) as response:
            status, headers, body = response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        status, headers, body = error.code, error.headers, error.read()
    found = {k.lower(): v for k, v in headers.items() if k.lower() not in OWN_HEADERS}
    return status, found, body


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def served_from_files(front, seen: int) -> bool:
    """Whether nginx answered the one request logged after the first `seen` lines without asking Django."""
    wait_for(lambda: len(front["log"].read_text().splitlines()) > seen)
    _uri, upstream = front["log"].read_text().splitlines()[seen].split()
    return upstream == "-"


def publish(wharf, token, dist):
    body, content_type = encode(upload_parts(dist))
    request = urllib.request.Request(
        f"{wharf}/legacy/",
        data=body,
        headers={"Content-Type": content_type, "Authorization": basic_auth("__token__", token)},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.status == 200


def test_nginx_answers_exactly_as_django(
    front, wharf, maintainer, maintainer_token, django_capture_on_commit_callbacks
):
    for dist in (
        builders.sdist("Demo", "1.0"),
        builders.wheel("Demo", "1.0"),
        builders.wheel("other", "2.0"),
    ):
        publish(wharf, maintainer_token, dist)
    wait_for(lambda: (front["dir"] / "demo").exists() and (front["dir"] / "other").exists())
    wait_for(lambda: (front["dir"] / "_index").exists())
    wheel = File.objects.get(filename="demo-1.0-py3-none-any.whl")
    host = wharf.removeprefix("http://")
    from_files = [
        ("/simple/", None),
        ("/simple/", JSON),
        ("/simple/", PIP),
        ("/simple/demo/", "text/html"),
        ("/simple/demo/", PIP),
        ("/simple/demo/", "application/vnd.pypi.simple.v1+html"),
        (f"/packages/{wheel.path}.metadata", None),
    ]
    from_django = [
        ("/simple/Demo/", None),  # 301
        ("/simple/demo", None),  # 301
        ("/simple/nothing/", PIP),  # 404
        ("/simple/demo/?format=application/vnd.pypi.simple.v1+json", None),
        ("/simple/demo/", "text/plain;q=0.5, application/vnd.pypi.simple.v1+json;q=0.4"),
        (f"/packages/{wheel.path}", None),
    ]
    for path, accept in from_files + from_django:
        seen = len(front["log"].read_text().splitlines()) if front["log"].exists() else 0
        django, nginx = fetch(wharf + path, accept), fetch(front["url"] + path, accept, host)
        assert (nginx[0], nginx[2]) == (django[0], django[2]), (path, accept)
        assert set(nginx[1].items()) ^ set(django[1].items()) == set(), (path, accept)
        assert served_from_files(front, seen) == ((path, accept) in from_files), (path, accept)

    # Quarantine: the files go at once, and nginx passes a hidden project's requests to Django.
    with django_capture_on_commit_callbacks(execute=True):
        projects_quarantine(projects=[Project.objects.get(normalized_name="demo")], actor=None)
    wait_for(lambda: not (front["dir"] / "demo").exists())
    for path, accept in [
        ("/simple/demo/", PIP),
        ("/simple/demo/", None),
        (f"/packages/{wheel.path}.metadata", None),
    ]:
        seen = len(front["log"].read_text().splitlines())
        django, nginx = fetch(wharf + path, accept), fetch(front["url"] + path, accept, host)
        assert nginx == django, (path, accept)  # 200 with status "quarantined" (PEP 792), or 404
        assert not served_from_files(front, seen), (path, accept)
    wait_for(lambda: (front["dir"] / "_index").exists())
    django, nginx = fetch(wharf + "/simple/", JSON), fetch(front["url"] + "/simple/", JSON)
    assert nginx == django and b'"demo"' not in nginx[2].lower()
