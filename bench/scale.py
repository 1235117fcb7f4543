#!/usr/bin/env python3
"""Wharf at PyPI's shape: reads and uploads against an index of 100,000 projects, under gunicorn (production).

Fill a database first (minutes; see README "Running in production"):

    createdb -h 127.0.0.1 -U postgres wharf_scale
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/wharf_scale .venv/bin/python manage.py migrate
    DATABASE_URL=... .venv/bin/python manage.py seed_synthetic --projects 100000 --files-per-project 10

then `bench/scale.py --database wharf_scale`. The script starts gunicorn (cores + 1 workers, Redis db
`--redis-db`, its own key prefix) on that database and prints, each against the goal it is held to:

- `/simple/` HTML and JSON: cold (first request after Wharf's caches were emptied and its workers restarted)
  and warm (median of 50); the page of the largest project, cold; `/pypi/<name>/json` and XML-RPC
  `changelog_since_serial` (the last 100 changes), warm;
- search (`/search/?q=`) for project names and description words: median and p95 over the query set;
  the home page: median;
- upload latency (median, p99) while 4 clients upload at once, on this index and on an empty one
  (database `<database>_empty`, created and dropped here), and their ratio.

Every request is timed from the client on one keep-alive connection (one per uploading client).
"""

import argparse
import http.client
import json
import os
import random
import signal
import statistics
import subprocess
import sys
import threading
import time
import xmlrpc.client
from pathlib import Path
from urllib.parse import quote

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from tests import builders  # noqa: E402 (the repository root was just put on the path)
from tests.multipart import FilePart, encode  # noqa: E402

PY = ROOT / ".venv/bin/python"
JSON = "application/vnd.pypi.simple.v1+json"
PIP_ACCEPT = f"{JSON}, application/vnd.pypi.simple.v1+html; q=0.1, text/html; q=0.01"
WARM = 50
UPLOADERS = 4
UPLOADS_EACH = 40


class Server:
    """gunicorn (production settings) on `database`; `restart()` empties Wharf's caches and its workers."""

    def __init__(self, database: str, port: int, redis_db: int):
        self.port = port
        self.prefix = f"scale-{port}"
        self.redis_db = redis_db
        self.env = {
            **os.environ,
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{database}",
            "REDIS_URL": f"redis://127.0.0.1:6379/{redis_db}",
            "WHARF_CACHE_PREFIX": self.prefix,
            "WHARF_DATA_DIR": f"/tmp/wharf-scale-{port}",
            "DJANGO_SECRET_KEY": "bench-secret-key",
            "WHARF_PROJECT_CREATE_USER_RATE": "100000/hour",
            "WHARF_PROJECT_CREATE_IP_RATE": "100000/hour",
        }
        self.process = None

    def manage(self, *args) -> str:
        return subprocess.run(
            [PY, "manage.py", *args], cwd=ROOT, env=self.env, check=True, capture_output=True, text=True
        ).stdout

    def start(self) -> None:
        keys = subprocess.run(
            ["redis-cli", "-n", str(self.redis_db), "--scan", "--pattern", f"{self.prefix}:*"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()
        if keys:
            subprocess.run(
                ["redis-cli", "-n", str(self.redis_db), "del", *keys], check=True, capture_output=True
            )
        self.process = subprocess.Popen(
            [
                ROOT / ".venv/bin/gunicorn",
                "-c",
                "config/gunicorn.conf.py",
                "--bind",
                f"127.0.0.1:{self.port}",
                "config.wsgi:application",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        for _ in range(300):
            try:
                timed(self.connection(), "GET", "/help/")
                break
            except OSError:
                time.sleep(0.1)
        else:
            raise SystemExit("gunicorn did not start")
        # "Cold" means Wharf's caches are empty, not that its workers are still importing Django: wait until
        # every worker has booted (the help page, which no read cache keeps, answers fast on any connection).
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            times = [timed(self.connection(), "GET", "/help/")[0] for _ in range(10)]
            if max(times) < 100:
                break

    def stop(self) -> None:
        if self.process is not None:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait()
            self.process = None

    def restart(self) -> None:
        self.stop()
        self.start()

    def connection(self) -> http.client.HTTPConnection:
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)


def timed(connection, method: str, path: str, body: bytes | None = None, headers=None) -> tuple[float, int]:
    started = time.perf_counter()
    connection.request(method, path, body=body, headers=headers or {})
    response = connection.getresponse()
    response.read()
    return (time.perf_counter() - started) * 1000, response.status


def get_ms(server, path, accept="", runs=WARM) -> tuple[float, float]:
    """(cold-on-this-connection first request, median of `runs` more) in milliseconds."""
    connection = server.connection()
    first, status = timed(connection, "GET", path, headers={"Accept": accept})
    assert status == 200, (path, status)
    warm = [timed(connection, "GET", path, headers={"Accept": accept})[0] for _ in range(runs)]
    return first, statistics.median(warm)


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1]


def report(label: str, value: float, goal: float) -> None:
    print(f"{label:<58} {value:9.1f} ms   goal < {goal:g} ms   ratio to goal {value / goal:5.2f}")


def reads(server: Server, args) -> None:
    facts = json.loads(  # the shell may print a line of its own first
        server.manage(
            "shell",
            "-c",
            "import json; from django.db.models import Count, Max; "
            "from registry.models import Project, JournalEntry, File; "
            "huge = list(Project.objects.annotate(n=Count('releases__files'))"
            ".filter(n__gte=1000).order_by('n')); "
            "big = huge[-1]; small = huge[0]; "
            "names = list(Project.objects.order_by('?').values_list('normalized_name', flat=True)[:20]); "
            "print(json.dumps({'big': big.normalized_name, 'files': big.n, 'names': names, "
            "'thousand': small.normalized_name, 'thousand_files': small.n, "
            "'projects': Project.objects.count(), 'all_files': File.objects.count(), "
            "'serial': JournalEntry.objects.aggregate(m=Max('id'))['m']}))",
        ).splitlines()[-1]
    )
    print(
        f"index: {facts['projects']:,} projects, {facts['all_files']:,} files; "
        f"largest: {facts['big']} ({facts['files']:,} files)"
    )
    server.restart()
    html_cold, html_warm = get_ms(server, "/simple/", "text/html")
    server.restart()
    json_cold, json_warm = get_ms(server, "/simple/", JSON)
    server.restart()
    thousand_cold, _ = get_ms(server, f"/simple/{facts['thousand']}/", PIP_ACCEPT)
    server.restart()
    big_cold, _ = get_ms(server, f"/simple/{facts['big']}/", PIP_ACCEPT)
    _, json_api = get_ms(server, f"/pypi/{facts['names'][0]}/json")
    report("/simple/ HTML, cold", html_cold, 1000)
    report("/simple/ HTML, warm (median)", html_warm, 20)
    report("/simple/ JSON, cold", json_cold, 1000)
    report("/simple/ JSON, warm (median)", json_warm, 20)
    report(f"/simple/{facts['thousand']}/ ({facts['thousand_files']:,} files), cold", thousand_cold, 50)
    report(f"/simple/{facts['big']}/ ({facts['files']:,} files), cold", big_cold, 50)
    report("/pypi/<name>/json, warm (median)", json_api, 50)

    rpc_times = []
    body = xmlrpc.client.dumps((facts["serial"] - 100,), "changelog_since_serial").encode()
    connection = server.connection()
    for _ in range(WARM + 1):
        rpc_times.append(timed(connection, "POST", "/pypi", body, {"Content-Type": "text/xml"})[0])
    report("XML-RPC changelog_since_serial(last 100), warm (median)", statistics.median(rpc_times[1:]), 50)

    rng = random.Random(args.seed)
    words = ["data", "parser", "web", "cloud", "async client", "machine learning", "sql", "plot", "zip"]
    queries = facts["names"][:10] + [name.split("-")[0] for name in facts["names"][10:]] + words
    connection = server.connection()
    search = []
    for _ in range(3):
        rng.shuffle(queries)
        search += [timed(connection, "GET", f"/search/?q={quote(query)}")[0] for query in queries]
    report(f"search, {len(queries)} queries x 3: median", statistics.median(search), 100)
    report("search: p95", p95(search), 100)
    home = [timed(connection, "GET", "/")[0] for _ in range(WARM)]
    report("home page (median)", statistics.median(home), 50)


def upload_latencies(server: Server, token: str, tag: str) -> list[float]:
    """Per-upload milliseconds of UPLOADERS clients uploading UPLOADS_EACH new wheels each, all at once."""
    times: list[float] = []
    lock = threading.Lock()

    def client(number: int):
        connection = server.connection()
        auth = "Basic " + __import__("base64").b64encode(f"__token__:{token}".encode()).decode()
        for index in range(UPLOADS_EACH):
            dist = builders.wheel(f"scale-{tag}-{number}", f"1.0.{index}")
            fields = dict(dist.fields)
            fields["sha256_digest"] = [dist.sha256]
            parts = [(key, value) for key, values in fields.items() for value in values]
            parts.append(("content", FilePart(dist.filename, dist.content, "application/octet-stream")))
            body, content_type = encode(parts)
            took, status = timed(
                connection, "POST", "/legacy/", body, {"Content-Type": content_type, "Authorization": auth}
            )
            assert status == 200, status
            with lock:
                times.append(took)

    threads = [threading.Thread(target=client, args=(number,)) for number in range(UPLOADERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return times


def psql(*statements: str, check: bool = True) -> None:
    commands = [arg for statement in statements for arg in ("-c", statement)]
    subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-q", *commands], check=check, capture_output=True
    )


def uploads(server: Server, database: str, args) -> None:
    def token_for(target: Server) -> str:
        # The account may be there from an earlier run: createuser then refuses, and that is fine.
        subprocess.run(
            [
                PY,
                "manage.py",
                "createuser",
                "scalebench",
                "--email",
                "scalebench@example.com",
                "--password",
                "x" * 20,
                "--verified-email",
            ],
            cwd=ROOT,
            env=target.env,
            capture_output=True,
        )
        return target.manage("mint_token", "scalebench").strip()

    empty_db = f"{database}_empty"
    psql(f"DROP DATABASE IF EXISTS {empty_db} WITH (FORCE)", f"CREATE DATABASE {empty_db}")
    empty = Server(empty_db, args.port + 1, args.redis_db)
    empty.manage("migrate", "--noinput")
    big_token = token_for(server)
    empty_token = token_for(empty)
    empty.start()
    tag = str(int(time.time()))
    try:
        results = {"empty": [], "big": []}
        for round_number in range(2):  # alternate, so drift of the machine hits both alike
            results["empty"] += upload_latencies(empty, empty_token, f"{tag}e{round_number}")
            results["big"] += upload_latencies(server, big_token, f"{tag}b{round_number}")
    finally:
        empty.stop()
        psql(f"DROP DATABASE IF EXISTS {empty_db} WITH (FORCE)", check=False)
    for label, values in results.items():
        cuts = statistics.quantiles(values, n=100)
        print(
            f"upload, {UPLOADERS} clients at once, {label:>5} index:"
            f" median {statistics.median(values):6.1f} ms,"
            f" p99 {cuts[98]:6.1f} ms ({len(values)} uploads)"
        )
    for name, pick in (("median", statistics.median), ("p99", lambda v: statistics.quantiles(v, n=100)[98])):
        ratio = pick(results["big"]) / pick(results["empty"])
        print(f"upload {name}: 100k index / empty index = {ratio:.2f} (goal <= 1.20)")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database", required=True, help="a PostgreSQL database seed_synthetic filled")
    parser.add_argument("--port", type=int, default=18095)
    parser.add_argument("--redis-db", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--skip-uploads", action="store_true")
    args = parser.parse_args()
    server = Server(args.database, args.port, args.redis_db)
    server.start()
    try:
        reads(server, args)
        if not args.skip_uploads:
            uploads(server, args.database, args)
    finally:
        server.stop()


if __name__ == "__main__":
    main()
