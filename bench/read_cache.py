#!/usr/bin/env python3
"""What a cached read costs: the read cache's per-request time in-process, and requests/s under gunicorn.

Starts a fresh, empty Wharf (bench/serve_wharf.sh), uploads 20 small projects with twine, then, in rounds,
for this tree and (with --compare) another checkout of Wharf serving the same database:

- in-process: the WSGI application (`config.wsgi.application`, the read cache in front of Django) is called
  directly, without sockets, for a Simple page, a JSON page, the root and a wheel, after one call that fills
  the cache; µs per request (the fastest of 5 batches in a round, then the fastest round: on a shared machine
  other load only ever adds time). Measured in the same process, as references: one bare
  shared-cache read (`cache.get`) and one bare database read of a project's serial;
- over HTTP: wrk (2 threads, 16 connections) against a gunicorn started from the tree, on the Simple page
  with pip's Accept header; requests/s.

Trees take turns within each round, so the machine's drift hits both alike. Needs wrk for the HTTP part.

Usage: bench/read_cache.py [--mode embedded|production] [--compare /path/to/other/checkout] [--rounds 3]
"""

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from common import HERE, PIP_ACCEPT, ROOT, free_port, server_env, small_corpus

BENCH_DIR = Path(os.environ.get("BENCH_DIR", "/tmp/wharf-bench-readcache"))
PORT = int(os.environ.get("WHARF_BENCH_PORT") or free_port())

# Runs inside the tree under test (cwd), with the benchmark server's environment.
MEASURE = r"""
import io, json, os, sys, time
sys.path.insert(0, os.getcwd())
from config.wsgi import application
from django.core.cache import cache
from django.db import connection

targets, count = json.loads(sys.argv[1]), int(sys.argv[2])

def call(path, accept):
    environ = {"REQUEST_METHOD": "GET", "PATH_INFO": path, "QUERY_STRING": "", "SERVER_NAME": "127.0.0.1",
               "SERVER_PORT": "80", "HTTP_HOST": "127.0.0.1", "wsgi.url_scheme": "http",
               "wsgi.input": io.BytesIO(b""), "wsgi.errors": sys.stderr, "SERVER_PROTOCOL": "HTTP/1.1"}
    if accept:
        environ["HTTP_ACCEPT"] = accept
    seen = {}
    b"".join(application(environ, lambda status, headers, exc=None: seen.update(status=status)))
    return seen["status"]

def per_call(function):
    batches = []
    for _ in range(5):
        started = time.perf_counter()
        for _ in range(count):
            function()
        batches.append((time.perf_counter() - started) / count * 1e6)
    return min(batches)  # the least disturbed batch: other load only ever adds time

results = {}
for label, path, accept in targets:
    assert call(path, accept).startswith("200"), (path, call(path, accept))
    results[label] = per_call(lambda: call(path, accept))
cache.set("bench:probe", 1)
results["reference: cache.get"] = per_call(lambda: cache.get("bench:probe"))

def serial_query():
    with connection.cursor() as cursor:
        sql = "SELECT last_serial FROM registry_project WHERE normalized_name = %s"
        cursor.execute(sql, ["bench-pkg-001"])
        cursor.fetchone()

results["reference: serial query"] = per_call(serial_query)
print(json.dumps(results))
"""


def run_env() -> dict:
    return {**server_env(BENCH_DIR), "DJANGO_SETTINGS_MODULE": "config.settings"}


def measure_in_process(tree: Path, wheel_path: str, count: int) -> dict:
    targets = [
        ("Simple page (pip Accept)", "/simple/bench-pkg-001/", PIP_ACCEPT),
        ("JSON API page", "/pypi/bench-pkg-001/json", None),
        ("root /simple/", "/simple/", None),
        ("wheel file", wheel_path, None),
    ]
    output = subprocess.run(
        [str(ROOT / ".venv/bin/python"), "-c", MEASURE, json.dumps(targets), str(count)],
        cwd=tree,
        env=run_env(),
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def wrk_rps(url: str, duration: int) -> float:
    command = ["wrk", "-t", "2", "-c", "16", "-d", f"{duration}s", "-H", f"Accept: {PIP_ACCEPT}", url]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    if "Non-2xx" in output:
        raise SystemExit(f"wrk saw errors:\n{output}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))


def gunicorn(tree: Path, port: int) -> subprocess.Popen:
    gunicorn_bin = str(ROOT / ".venv/bin/gunicorn")
    server = subprocess.Popen(
        [gunicorn_bin, "-c", "config/gunicorn.conf.py", "-b", f"127.0.0.1:{port}", "config.wsgi:application"],
        cwd=tree,
        env=run_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    for _ in range(200):
        probe = subprocess.run(["curl", "-sf", "-o", "/dev/null", f"http://127.0.0.1:{port}/simple/"])
        if probe.returncode == 0 and server.poll() is None:
            return server
        time.sleep(0.1)
    server.terminate()
    raise SystemExit(f"gunicorn from {tree} did not start")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--mode", choices=["embedded", "production"], default="production")
    parser.add_argument("--compare", type=Path, help="another checkout of Wharf (same schema) to measure too")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--requests", type=int, default=2000, help="requests per in-process batch")
    parser.add_argument("--duration", type=int, default=5, help="seconds of each wrk run")
    args = parser.parse_args()
    trees = {"this tree": ROOT}
    if args.compare:
        trees["compared"] = args.compare.resolve()

    env = {**os.environ, "BENCH_DIR": str(BENCH_DIR), "WHARF_BENCH_PORT": str(PORT)}
    corpus = small_corpus()
    subprocess.run([HERE / "serve_wharf.sh", "start", args.mode], check=True, env=env)
    try:
        url, token = (BENCH_DIR / "url").read_text().strip(), (BENCH_DIR / "token").read_text().strip()
        clean = {k: v for k, v in os.environ.items() if not k.startswith(("PIP_", "TWINE_"))}
        files = sorted(corpus.glob("*/*"))
        twine = [str(ROOT / ".venv/bin/twine"), "upload", "--non-interactive", "--disable-progress-bar"]
        subprocess.run(
            [*twine, "--repository-url", f"{url}/legacy/", "-u", "__token__", "-p", token, *map(str, files)],
            check=True,
            capture_output=True,
            env=clean,
        )
        page = json.loads(
            subprocess.run(["curl", "-s", f"{url}/pypi/bench-pkg-001/json"], capture_output=True).stdout
        )
        wheel_url = next(entry["url"] for entry in page["urls"] if entry["filename"].endswith(".whl"))
        wheel_path = "/packages/" + wheel_url.split("/packages/", 1)[1]
    finally:
        subprocess.run([HERE / "serve_wharf.sh", "stop"], env=env, check=False)
        shutil.rmtree(corpus, ignore_errors=True)

    in_process: dict[str, list[dict]] = {label: [] for label in trees}
    http: dict[str, list[float]] = {label: [] for label in trees}
    for round_number in range(args.rounds):
        for label, tree in trees.items():
            in_process[label].append(measure_in_process(tree, wheel_path, args.requests))
            port = free_port()
            server = gunicorn(tree, port)
            try:
                http[label].append(wrk_rps(f"http://127.0.0.1:{port}/simple/bench-pkg-001/", args.duration))
            finally:
                os.killpg(server.pid, 15)
                server.wait()
        print(f"round {round_number + 1}/{args.rounds} done", file=sys.stderr)

    print(f"mode {args.mode}; {args.rounds} rounds; in-process: fastest round, HTTP: median round")
    labels = list(trees)
    print(f"{'in-process, µs per request':36}" + "".join(f"{label:>14}" for label in labels))
    for key in in_process[labels[0]][0]:
        print(f"{key:36}" + "".join(f"{min(r[key] for r in in_process[label]):14.1f}" for label in labels))
    print(
        f"{'HTTP Simple page, req/s (wrk)':36}"
        + "".join(f"{statistics.median(http[label]):14.0f}" for label in labels)
    )
    for label, tree in trees.items():
        print(f"  {label}: {tree}")


if __name__ == "__main__":
    main()
