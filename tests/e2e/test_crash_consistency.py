"""A real server killed (SIGKILL) at each point of an upload never leaves the index inconsistent.

gunicorn serves Wharf as in production: embedded (SQLite, in-process cache, one worker) and, when
DATABASE_URL and REDIS_URL are set, production (PostgreSQL, Redis, two workers that share answers). The
worker handling an upload is killed at a named point (`registry/killpoints.py`, armed per upload); gunicorn
starts a new worker in its place. Then, on the very next requests, the read APIs show exactly what the
database committed (the other worker's cached pages included), no partial upload survives the new worker's
start-up sweep, `manage.py check_storage` finds nothing wrong, and sending the same upload again succeeds.
"""

import http.client
import json
import os
import signal
import sqlite3
import subprocess
import sys
import uuid
from base64 import b64encode
from pathlib import Path

import pytest

from tests import builders
from tests.conftest import upload_parts, wait_for
from tests.e2e.clients import GUNICORN, ROOT, listening_port, server_env
from tests.multipart import encode

pytestmark = [pytest.mark.e2e]

POINTS = ["upload-before-storage", "upload-after-storage", "upload-after-commit", "upload-after-response"]
COMMITTED_AT = {"upload-after-commit", "upload-after-response"}
PROJECT_FILES_SQL = (
    "SELECT f.filename FROM registry_file f JOIN registry_release r ON f.release_id = r.id"
    " JOIN registry_project p ON r.project_id = p.id WHERE p.normalized_name = %s ORDER BY f.filename"
)
SETUP = """
import django
django.setup()
from django.core.management import call_command
from accounts.services import token_create, user_create
call_command("migrate", verbosity=0)
user = user_create(username="crash", email="crash@example.com", password="long password", verified_email=True)
print(token_create(user=user, description="crash tests").raw)
"""


def backends():
    production = os.environ.get("DATABASE_URL", "").startswith("postgres") and os.environ.get("REDIS_URL")
    return ["embedded", "production"] if production else ["embedded"]


class Server:
    def __init__(self, mode: str, data: Path):
        self.mode, self.data = mode, data
        self.kill_dir = data / "kill"
        self.kill_dir.mkdir(parents=True)
        run_id = self.run_id = uuid.uuid4().hex[:8]
        env = server_env(
            WHARF_DATA_DIR=str(data),
            DJANGO_SECRET_KEY="crash-test-secret",
            WHARF_KILL_POINTS_DIR=str(self.kill_dir),
            DJANGO_SETTINGS_MODULE="config.settings",
            WEB_CONCURRENCY="1",
        )
        self.database = None
        if mode == "production":
            base = os.environ["DATABASE_URL"].rsplit("/", 1)[0]
            self.database = f"wharf_crash_{run_id}"
            self._admin(f"CREATE DATABASE {self.database}")
            env.update(
                DATABASE_URL=f"{base}/{self.database}",
                REDIS_URL=os.environ["REDIS_URL"],
                WHARF_CACHE_PREFIX=f"crash-{run_id}",
                WHARF_CELERY_QUEUE=f"crash-{run_id}",
                WEB_CONCURRENCY="2",
            )
        self.env = env
        setup = subprocess.run(
            [sys.executable, "-c", SETUP], cwd=ROOT, env=env, capture_output=True, text=True, check=False
        )
        assert setup.returncode == 0, setup.stderr
        self.token = setup.stdout.strip().splitlines()[-1]
        self.log = open(data / "server.log", "w+")  # noqa: SIM115 (closed in stop)
        self.process = subprocess.Popen(
            GUNICORN, cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True
        )
        wait_for(lambda: listening_port(self._log_text()), timeout=60)
        self.port = listening_port(self._log_text())
        wait_for(lambda: self.get("/simple/")[0] == 200, timeout=60)

    def _log_text(self) -> str:
        self.log.flush()
        return (self.data / "server.log").read_text()

    def _admin(self, sql: str) -> None:
        import psycopg

        maintenance = os.environ["DATABASE_URL"].rsplit("/", 1)[0] + "/postgres"
        with psycopg.connect(maintenance, autocommit=True) as connection:
            connection.execute(sql)

    def query(self, sql: str, *params) -> list[tuple]:
        if self.database is None:
            with sqlite3.connect(f"file:{self.data / 'wharf.sqlite3'}?mode=ro", uri=True) as connection:
                return connection.execute(sql.replace("%s", "?"), params).fetchall()
        import psycopg

        with psycopg.connect(self.env["DATABASE_URL"]) as connection:
            return connection.execute(sql, params).fetchall()

    def request(self, method: str, path: str, body: bytes | None = None, headers=None):
        """One request on a new connection (so successive ones reach any worker)."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            connection.request(method, path, body=body, headers=headers or {})
            response = connection.getresponse()
            return response.status, response.read()
        finally:
            connection.close()

    def get(self, path: str):
        try:
            return self.request("GET", path, headers={"Accept": "application/vnd.pypi.simple.v1+json"})
        except OSError:
            return 0, b""

    def upload(self, body: bytes, content_type: str):
        auth = "Basic " + b64encode(f"__token__:{self.token}".encode()).decode()
        return self.request("POST", "/legacy/", body, {"Content-Type": content_type, "Authorization": auth})

    def check_storage(self) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "manage.py", "check_storage"],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
        )

    def stop(self) -> None:
        os.killpg(self.process.pid, signal.SIGTERM)
        self.process.wait(timeout=30)
        self.log.close()
        if self.database is not None:
            self._admin(f"DROP DATABASE IF EXISTS {self.database} WITH (FORCE)")
            import redis

            client = redis.Redis.from_url(self.env["REDIS_URL"])
            for key in client.scan_iter(f"*crash-{self.run_id}*"):
                client.delete(key)


@pytest.fixture(scope="module", params=backends())
def server(request, tmp_path_factory):
    server = Server(request.param, tmp_path_factory.mktemp(f"crash-{request.param}"))
    yield server
    server.stop()


def served_files(server: Server, name: str) -> dict[str, list[str]]:
    """The filenames each read API lists for `name`, asked a few times so that every worker answers."""
    seen = {}
    for _ in range(4):
        body = server.get(f"/simple/{name}/")[1]
        seen.setdefault("simple", set()).add(tuple(f["filename"] for f in json.loads(body)["files"]))
        releases = json.loads(server.get(f"/pypi/{name}/json")[1])["releases"]
        seen.setdefault("json", set()).add(tuple(sorted(f["filename"] for v in releases.values() for f in v)))
    return {api: sorted(answers) for api, answers in seen.items()}


def test_killed_at_each_point_of_an_upload(server):
    retries = []
    for point in POINTS:
        retries.append(kill_during_upload(server, point))

    # Nothing the killed workers left survives the new workers' start-up sweep.
    wait_for(lambda: not list((server.data / "tmp").glob("upload-*.part")), timeout=60)
    wait_for(lambda: not server.query("SELECT path FROM registry_storageintent"), timeout=60)
    check = server.check_storage()
    assert check.returncode == 0, check.stdout + check.stderr
    assert "Storage is consistent" in check.stdout

    for name, upload, expected in retries:
        assert server.upload(*upload)[0] == 200, name
        assert served_files(server, name) == {"simple": [expected], "json": [expected]}, name


def kill_during_upload(server: Server, point: str):
    """Kill the worker at `point` of an upload; check the read APIs; return what retrying should give."""
    name = f"crash-{point.removeprefix('upload-')}"
    first, second = builders.wheel(name, "1.0"), builders.wheel(name, "2.0")
    assert server.upload(*encode(upload_parts(first)))[0] == 200
    served_files(server, name)  # every worker now holds the project's pages in its cache
    upload = encode(upload_parts(second))

    (server.kill_dir / point).touch()
    if point == "upload-after-response":
        assert server.upload(*upload)[0] == 200
    else:
        with pytest.raises((http.client.HTTPException, OSError)):
            server.upload(*upload)
    # (After the response the client may read the answer before the worker reaches the point.)
    wait_for(lambda: not (server.kill_dir / point).exists(), timeout=30)

    # The very next requests (another worker's cached pages, or the new worker's) show what was committed.
    wait_for(lambda: server.get("/simple/")[0] == 200, timeout=60)
    committed = [row[0] for row in server.query(PROJECT_FILES_SQL, name)]
    expected = sorted([first.filename, second.filename] if point in COMMITTED_AT else [first.filename])
    assert committed == expected, point
    assert served_files(server, name) == {"simple": [tuple(expected)], "json": [tuple(expected)]}, point
    return name, upload, tuple(sorted([first.filename, second.filename]))
