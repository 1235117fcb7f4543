"""Several web nodes: two gunicorn processes sharing one PostgreSQL, one Redis and one S3 bucket.

README "Several web nodes" describes the shape: each node runs gunicorn in production mode (several workers,
each with its own read cache, sharing answers through Redis), a Celery worker runs the tasks, and nothing a
node keeps on its own disk matters (each node here has a data directory of its own). What one node changes,
the other serves on the very next request: an upload through A at once from B (Simple HTML and JSON, the
JSON API, the file and its `.metadata`, byte for byte); a yank, a quarantine and a deletion through B's REST
API at once from A, whose caches held the older answers. The read cache keys its answers on the database's
serial (docs/cache.md), so no answer is older than the database; new serials and ETags prove it here. Both
nodes send one Content-Security-Policy, byte for byte.
"""

import hashlib
import json
import os
import signal
import subprocess
import sys
import uuid
import zipfile
from io import BytesIO
from pathlib import Path
from urllib.parse import quote

import boto3
import pytest
import requests
from django.conf import settings
from django.db import connection
from moto.server import ThreadedMotoServer

from accounts.services import token_create, user_create
from tests import builders
from tests.conftest import wait_for
from tests.e2e.clients import GUNICORN, ROOT, clean_env, listening_port, publish

pytestmark = [pytest.mark.e2e]

BIN = Path(sys.executable).parent
# As behind a load balancer: every request names the site's host, whichever node answers it.
HOST = "index.example.com"
JSON = "application/vnd.pypi.simple.v1+json"
HTML = "text/html"
S3_KEY, S3_SECRET, S3_REGION = "two-nodes", "two-nodes-secret", "us-east-1"


@pytest.fixture
def production(transactional_db):
    """The shared services: the test database (committed rows), the suite's Redis, a fresh S3 bucket."""
    if connection.vendor != "postgresql" or not settings.REDIS_URL:
        pytest.skip("several web nodes share PostgreSQL and Redis: set DATABASE_URL and REDIS_URL")
    s3_server = ThreadedMotoServer(ip_address="127.0.0.1", port=0)
    s3_server.start()
    host, port = s3_server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    bucket = boto3.resource(
        "s3",
        endpoint_url=endpoint,
        region_name=S3_REGION,
        aws_access_key_id=S3_KEY,
        aws_secret_access_key=S3_SECRET,
    ).Bucket("wharf-packages")
    bucket.create()
    database = connection.settings_dict
    user = quote(database["USER"] or "", safe="")
    password = f":{quote(database['PASSWORD'], safe='')}" if database["PASSWORD"] else ""
    run_id = uuid.uuid4().hex[:8]
    env = {
        key: value
        for key, value in clean_env().items()
        if not key.startswith(("DATABASE_", "REDIS_URL", "WHARF_", "DJANGO_", "WEB_CONCURRENCY", "AWS_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        # What every node shares (README "Several web nodes").
        DJANGO_SECRET_KEY="two-nodes-secret-key-shared-by-every-node-of-the-site",
        DJANGO_ALLOWED_HOSTS=f"{HOST},127.0.0.1",
        WHARF_SITE_URL=f"http://{HOST}",
        DATABASE_URL=(
            f"postgres://{user}{password}@{database['HOST'] or '127.0.0.1'}:{database['PORT'] or 5432}"
            f"/{database['NAME']}"
        ),
        REDIS_URL=settings.REDIS_URL,
        WHARF_S3_BUCKET=bucket.name,
        WHARF_S3_ENDPOINT_URL=endpoint,
        # No WHARF_S3_REGION, as deploy/production.env: an S3-compatible server needs none.
        WHARF_S3_ACCESS_KEY_ID=S3_KEY,
        WHARF_S3_SECRET_ACCESS_KEY=S3_SECRET,
        # This run's own cache keys and task queue on the suite's Redis: serials restart with each test
        # database, and the suite's in-process workers must not take these nodes' tasks.
        WHARF_CACHE_PREFIX=f"two-nodes-{run_id}",
        WHARF_CELERY_QUEUE=f"two-nodes-{run_id}",
        WEB_CONCURRENCY="2",
    )
    yield {"env": env, "bucket": bucket}
    s3_server.stop()


class Process:
    """A process of the site (a node's gunicorn, the Celery worker), in its own data directory."""

    def __init__(self, name: str, command: list, env: dict, data: Path):
        data.mkdir()
        self.log_path = data / f"{name}.log"
        self.log = open(self.log_path, "w")  # noqa: SIM115 (closed in stop)
        self.data = data
        self.process = subprocess.Popen(
            [str(part) for part in command],
            cwd=ROOT,
            env={**env, "WHARF_DATA_DIR": str(data)},
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: stop() ends its workers with it
        )

    def text(self) -> str:
        self.log.flush()
        return self.log_path.read_text()

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.log.close()


class Node(Process):
    """gunicorn as production runs it (config/gunicorn.conf.py), on a port of the system's choosing."""

    def __init__(self, name: str, env: dict, data: Path):
        super().__init__(name, GUNICORN, env, data)
        self.name, self.url = name, None
        self.session = requests.Session()
        self.session.trust_env = False  # no proxy between the test and loopback

    def wait_ready(self) -> None:
        wait_for(lambda: self.process.poll() is None and listening_port(self.text()), timeout=60)
        self.url = f"http://127.0.0.1:{listening_port(self.text())}"
        wait_for(lambda: self.get("/simple/").status_code == 200, timeout=60)

    def get(self, path: str, accept: str | None = None, etag: str | None = None) -> requests.Response:
        headers = {"Host": HOST, "Connection": "close"}  # a new connection reaches either gunicorn worker
        if accept:
            headers["Accept"] = accept
        if etag:
            headers["If-None-Match"] = etag
        return self.session.get(self.url + path, headers=headers, timeout=30, allow_redirects=False)

    def api(self, method: str, path: str, token: str, body: dict) -> requests.Response:
        return self.session.request(
            method,
            f"{self.url}/api/v1/{path}",
            json=body,
            headers={"Host": HOST, "Authorization": f"Bearer {token}"},
            timeout=30,
        )


@pytest.fixture
def site(production, tmp_path):
    """Node A, node B and a Celery worker, all on the shared services."""
    env = production["env"]
    a, b = Node("node-a", env, tmp_path / "a"), Node("node-b", env, tmp_path / "b")
    worker = Process(
        "worker",
        [BIN / "celery", "-A", "config", "worker", "--loglevel", "info", "--concurrency", "1"],
        env,
        tmp_path / "worker",
    )
    try:
        a.wait_ready()
        b.wait_ready()
        yield {"a": a, "b": b, "worker": worker, "bucket": production["bucket"]}
    finally:
        for process in (a, b, worker):
            process.stop()


def simple_pages(node: Node, name: str) -> dict:
    """What a resolver reads of project `name` on `node`: the Simple page as HTML and JSON, the JSON API."""
    return {
        "html": node.get(f"/simple/{name}/", HTML),
        "json": node.get(f"/simple/{name}/", JSON),
        "api": node.get(f"/pypi/{name}/json"),
        "root": node.get("/simple/", JSON),
    }


def fresh(before: dict, after: dict) -> None:
    """Every answer changed with the database: another ETag, and a newer serial where both name one."""
    for kind, old in before.items():
        new = after[kind]
        assert new.headers.get("ETag") != old.headers.get("ETag"), kind
        if "X-PyPI-Last-Serial" in old.headers and "X-PyPI-Last-Serial" in new.headers:
            assert int(new.headers["X-PyPI-Last-Serial"]) > int(old.headers["X-PyPI-Last-Serial"]), kind


def metadata_of(wheel: builders.Dist) -> bytes:
    with zipfile.ZipFile(BytesIO(wheel.content)) as archive:
        return archive.read(next(name for name in archive.namelist() if name.endswith(".dist-info/METADATA")))


def test_what_one_node_changes_the_other_serves_at_once(site, tmp_path, moderators_group):
    a, b, bucket = site["a"], site["b"], site["bucket"]
    maintainer = user_create(
        username="maria", email="maria@example.com", password="a long test password", verified_email=True
    )
    token = token_create(user=maintainer, description="two nodes", permissions=["upload", "manage"]).raw
    moderator = user_create(
        username="molly", email="molly@example.com", password="a long test password", verified_email=True
    )
    moderator.is_staff = True
    moderator.save(update_fields=["is_staff"])
    moderator.groups.add(moderators_group)
    moderation_token = token_create(user=moderator, description="two nodes", permissions=["moderate"]).raw

    # B has answered the index before the upload: its cached root must not outlive it.
    root_before = b.get("/simple/", JSON)
    assert root_before.status_code == 200 and json.loads(root_before.content)["projects"] == []
    assert b.get("/simple/shared-demo/", JSON).status_code == 404

    # Upload through A with twine.
    wheel, sdist = builders.wheel("shared-demo", "1.0"), builders.sdist("shared-demo", "1.0")
    other = builders.wheel("shared-other", "1.0")
    publish(tmp_path, f"{a.url}/legacy/", token, wheel, sdist, other)
    stored = {item.key for item in bucket.objects.all()}
    assert len(stored) == 5  # three files and the two wheels' .metadata, in the bucket (no node's disk)
    assert not any((a.data / "packages").glob("**/*.whl")) and not (b.data / "packages").exists()

    # B serves it at once: the Simple page, the JSON API, the files and the .metadata, byte for byte.
    root = b.get("/simple/", JSON)
    assert [p["name"] for p in json.loads(root.content)["projects"]] == ["shared-demo", "shared-other"]
    fresh({"root": root_before}, {"root": root})
    on_b = simple_pages(b, "shared-demo")
    assert {kind: answer.status_code for kind, answer in on_b.items()} == dict.fromkeys(on_b, 200)
    files = {f["filename"]: f for f in json.loads(on_b["json"].content)["files"]}
    assert {name: f["hashes"]["sha256"] for name, f in files.items()} == {
        wheel.filename: wheel.sha256,
        sdist.filename: sdist.sha256,
    }
    assert f"#sha256={wheel.sha256}" in on_b["html"].text and f"#sha256={sdist.sha256}" in on_b["html"].text
    api_files = {f["filename"]: f["digests"]["sha256"] for f in on_b["api"].json()["urls"]}
    assert api_files == {wheel.filename: wheel.sha256, sdist.filename: sdist.sha256}
    for dist in (wheel, sdist):
        path = files[dist.filename]["url"].removeprefix(f"http://{HOST}")
        download = b.get(path)
        assert (download.status_code, download.content) == (200, dist.content)
    wheel_path = files[wheel.filename]["url"].removeprefix(f"http://{HOST}")
    metadata = b.get(f"{wheel_path}.metadata")
    assert (metadata.status_code, metadata.content) == (200, metadata_of(wheel))
    assert hashlib.sha256(metadata.content).hexdigest() == files[wheel.filename]["core-metadata"]["sha256"]
    # A answers the same bytes, serial and ETag (the nodes' caches agree, whichever rendered first).
    on_a = simple_pages(a, "shared-demo")
    for kind in on_a:
        assert on_a[kind].content == on_b[kind].content, kind
        assert on_a[kind].headers["ETag"] == on_b[kind].headers["ETag"], kind
        assert on_a[kind].headers["X-PyPI-Last-Serial"] == on_b[kind].headers["X-PyPI-Last-Serial"], kind

    # A yank through B's REST API: A, whose caches hold 1.0 unyanked, shows it yanked on the next request.
    files_on_a = {"file": a.get(wheel_path), "metadata": a.get(f"{wheel_path}.metadata")}
    yanked = b.api("POST", "projects/shared-demo/releases/1.0/yank/", token, {"reason": "Broken"})
    assert yanked.status_code == 200 and yanked.json()["yanked"] is True
    after = simple_pages(a, "shared-demo")
    fresh({k: v for k, v in on_a.items() if k != "root"}, {k: v for k, v in after.items() if k != "root"})
    assert all(f["yanked"] == "Broken" for f in json.loads(after["json"].content)["files"])
    assert after["html"].text.count('data-yanked="Broken"') == 2
    assert all(f["yanked"] for f in after["api"].json()["urls"])
    revalidated = a.get("/simple/shared-demo/", JSON, etag=on_a["json"].headers["ETag"])
    assert (revalidated.status_code, revalidated.content) == (200, after["json"].content)

    # A quarantine through B (a moderator's token): A stops offering the project and its files at once.
    other_path = next(
        f["url"] for f in json.loads(a.get("/simple/shared-other/", JSON).content)["files"]
    ).removeprefix(f"http://{HOST}")
    before = simple_pages(a, "shared-other")
    assert (a.get(other_path).status_code, a.get(f"{other_path}.metadata").status_code) == (200, 200)
    quarantined = b.api(
        "POST", "moderation/projects/shared-other/quarantine/", moderation_token, {"reason": "Malware"}
    )
    assert quarantined.status_code == 200 and quarantined.json()["status"] == "quarantined"
    after = simple_pages(a, "shared-other")
    fresh(before, after)
    page = json.loads(after["json"].content)
    assert (page["project-status"]["status"], page["files"]) == ("quarantined", [])
    assert 'content="quarantined"' in after["html"].text and "/packages/" not in after["html"].text
    assert after["api"].json()["urls"] == [] and after["api"].json()["releases"] == {}
    assert [p["name"] for p in json.loads(after["root"].content)["projects"]] == ["shared-demo"]
    assert (a.get(other_path).status_code, a.get(f"{other_path}.metadata").status_code) == (404, 404)

    # A deletion through B: A answers 404 for the project, its files and its .metadata on the next request.
    before = simple_pages(a, "shared-demo")
    assert files_on_a["file"].status_code == files_on_a["metadata"].status_code == 200
    deleted = b.api("DELETE", "projects/shared-demo/", token, {"confirm": "shared-demo"})
    assert deleted.status_code == 204, deleted.text
    after = simple_pages(a, "shared-demo")
    assert {kind: answer.status_code for kind, answer in after.items()} == {
        "html": 404,
        "json": 404,
        "api": 404,
        "root": 200,
    }
    assert json.loads(after["root"].content)["projects"] == []
    fresh({"root": before["root"]}, {"root": after["root"]})
    assert (a.get(wheel_path).status_code, a.get(f"{wheel_path}.metadata").status_code) == (404, 404)
    # The worker removes the deleted project's bytes from the bucket; the quarantined project keeps its own.
    wait_for(lambda: len(list(bucket.objects.all())) == 2, timeout=30)
    assert {item.key for item in bucket.objects.all()} == {
        f"packages/{other_path.removeprefix('/packages/')}",
        f"packages/{other_path.removeprefix('/packages/')}.metadata",
    }
    # The worker, not a web node, sent the Owners' emails (release, yank, deletion).
    assert len(list((site["worker"].data / "mail").iterdir())) >= 3
    assert not (a.data / "mail").exists() and not (b.data / "mail").exists()

    # One Content-Security-Policy, byte for byte, from every process of both nodes.
    policies = {
        node.get(path).headers["Content-Security-Policy"]
        for node in (a, b)
        for path in ("/", "/simple/", "/help/", "/pypi/shared-other/json")
        for _ in range(2)
    }
    assert len(policies) == 1 and next(iter(policies)).startswith("default-src 'self'; script-src 'self'")
