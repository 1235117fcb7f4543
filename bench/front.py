#!/usr/bin/env python3
"""The nginx front (deploy/nginx.conf) against its physical limit: nginx serving the same bytes as files.

Fills a fresh PostgreSQL database with seed_synthetic (200 projects of 6 files and one of 600), starts
gunicorn on it with WHARF_FRONT_DIR set, renders the front for the root, a small project and the large one
(registry.front.render, what the worker runs after every change), starts Debian's nginx with deploy/nginx.conf
in front of gunicorn (as deployed: no access log), then the peer harness's servers/nginx_static.sh, which
snapshots the same three pages through the front as static files. wrk (2 threads, 16 connections) then
measures each page on both, in turns, and prints requests per second and the front's ratio to the static
files (goal: at least 0.80).

Usage: bench/front.py [--duration 10] [--rounds 3] [--port 18096] [--redis-db 2]
(needs wrk and nginx: the harness's setup.sh). gunicorn listens on --port, the front on the next port and
the static nginx on the one after; the database is `wharf_front_bench_<port>`, so runs on other ports can
share the machine.
"""

import argparse
import getpass
import json
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
# The peer harness: shared/bench beside the repository's directory (SHARED_BENCH_DIR elsewhere, e.g. from
# a git worktree).
SHARED = Path(os.environ.get("SHARED_BENCH_DIR") or ROOT.parent / "shared" / "bench")
PY = ROOT / ".venv/bin/python"


def free(port: int) -> None:
    with socket.socket() as probe:
        if probe.connect_ex(("127.0.0.1", port)) == 0:
            raise SystemExit(f"port {port} already serves something")


def wait_for_port(port: int) -> None:
    for _ in range(300):
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise SystemExit(f"nothing listens on {port}")


def wrk(url: str, duration: int) -> float:
    output = subprocess.run(
        ["wrk", "-t", "2", "-c", "16", "-d", f"{duration}s", "-s", str(SHARED / "wrk_report.lua"), url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    report = json.loads(re.search(r"^WRKJSON (\{.*\})$", output, re.M).group(1))
    assert "Non-2xx" not in output, output
    return report["requests"] / (report["duration_us"] / 1e6)


def targets_names(pages: dict) -> list[str]:
    return [pages["small"][0], pages["big"][0]]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--port", type=int, default=18096, help="gunicorn; the front and static: next two")
    parser.add_argument("--redis-db", type=int, default=2)
    args = parser.parse_args()
    GUNICORN_PORT, FRONT_PORT, STATIC_PORT = args.port, args.port + 1, args.port + 2
    DATABASE = f"wharf_front_bench_{GUNICORN_PORT}"
    for port in (GUNICORN_PORT, FRONT_PORT, STATIC_PORT):
        free(port)
    work = Path(tempfile.mkdtemp(prefix="wharf-front-bench-"))
    work.chmod(0o755)
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{DATABASE}",
        "REDIS_URL": f"redis://127.0.0.1:6379/{args.redis_db}",
        "WHARF_CACHE_PREFIX": f"front-{GUNICORN_PORT}",
        "WHARF_DATA_DIR": str(work / "data"),
        "WHARF_FRONT_DIR": str(work / "front"),
        "WHARF_SITE_URL": f"http://127.0.0.1:{FRONT_PORT}",
        "DJANGO_SECRET_KEY": "bench-secret-key",
    }
    psql = ["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc"]
    subprocess.run([*psql, f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)"], check=True)
    subprocess.run([*psql, f"CREATE DATABASE {DATABASE}"], check=True)

    def manage(*command) -> str:
        done = subprocess.run([PY, "manage.py", *command], cwd=ROOT, env=env, capture_output=True, text=True)
        if done.returncode:
            raise SystemExit(done.stdout + done.stderr)
        return done.stdout

    manage("migrate", "--noinput")
    for projects, files, seed in (("200", "6", "5"), ("1", "600", "6")):
        manage(
            "seed_synthetic",
            *("--projects", projects, "--files-per-project", files, "--exact-files", "--seed", seed),
            "--with-files",
        )
    pages = json.loads(
        manage(
            "shell",
            "-c",
            "import json; from django.db.models import Count; from registry import front; "
            "from registry.models import Project; "
            "rows = Project.objects.annotate(n=Count('releases__files')).order_by('n'); "
            "small, big = rows[len(rows) // 2], rows.last(); "
            "[front.render(name) for name in (None, small.normalized_name, big.normalized_name)]; "
            "print(json.dumps({'small': [small.normalized_name, small.n],"
            " 'big': [big.normalized_name, big.n]}))",
        ).splitlines()[-1]
    )
    gunicorn = subprocess.Popen(
        [
            ROOT / ".venv/bin/gunicorn",
            "-c",
            "config/gunicorn.conf.py",
            "--bind",
            f"127.0.0.1:{GUNICORN_PORT}",
            "config.wsgi:application",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    conf = (ROOT / "deploy/nginx.conf").read_text()
    for old, new in (
        ("/var/lib/wharf/front", str(work / "front")),
        ("user www-data;", f"user {getpass.getuser()};"),
        ("server 127.0.0.1:8000;", f"server 127.0.0.1:{GUNICORN_PORT};"),
        ("listen 127.0.0.1:8080;", f"listen 127.0.0.1:{FRONT_PORT};"),
        ("pid /run/wharf-nginx.pid;", f"pid {work}/nginx.pid;"),
        (
            "    access_log off;",
            "    access_log off;\n"
            + "".join(f"    {k}_temp_path {work}/{k};\n" for k in ("client_body", "proxy")),
        ),
    ):
        assert old in conf, old
        conf = conf.replace(old, new)
    (work / "nginx.conf").write_text(conf)
    nginx = subprocess.Popen(
        [
            "nginx",
            "-c",
            str(work / "nginx.conf"),
            "-p",
            str(work),
            "-e",
            str(work / "error.log"),
            "-g",
            "daemon off;",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    static_env = {**os.environ, "PEERBENCH_DIR": str(work / "peerbench")}
    try:
        wait_for_port(GUNICORN_PORT)
        wait_for_port(FRONT_PORT)
        front_simple = f"http://127.0.0.1:{FRONT_PORT}/simple/"
        subprocess.run(
            [
                SHARED / "servers/nginx_static.sh",
                "start",
                front_simple,
                str(STATIC_PORT),
                *targets_names(pages),
            ],
            env=static_env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        wait_for_port(STATIC_PORT)
        targets = {
            f"small page ({pages['small'][1]} files)": f"{pages['small'][0]}/",
            f"large page ({pages['big'][1]:,} files)": f"{pages['big'][0]}/",
            "root (201 projects)": "",
        }
        results = {label: {"front": [], "static": []} for label in targets}
        for _ in range(args.rounds):
            for label, path in targets.items():
                results[label]["front"].append(wrk(f"{front_simple}{path}", args.duration))
                results[label]["static"].append(
                    wrk(f"http://127.0.0.1:{STATIC_PORT}/simple/{path}", args.duration)
                )
        print(f"{'page':<28} {'front req/s':>12} {'static req/s':>13} {'front / static':>15}  (goal >= 0.80)")
        for label, measured in results.items():
            front, static = statistics.median(measured["front"]), statistics.median(measured["static"])
            print(f"{label:<28} {front:12,.0f} {static:13,.0f} {front / static:15.2f}")
    finally:
        for process in (nginx, gunicorn):
            os.killpg(process.pid, signal.SIGTERM)
            process.wait()
        subprocess.run(
            [SHARED / "servers/nginx_static.sh", "stop"], env=static_env, stdout=subprocess.DEVNULL
        )
        subprocess.run([*psql, f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)"])


if __name__ == "__main__":
    sys.exit(main())
