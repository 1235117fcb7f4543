#!/usr/bin/env python3
"""Reads while uploads run: Simple page throughput alone and during an upload loop, then consistency.

Starts a fresh, empty Wharf (bench/serve_wharf.sh), uploads the first version of 20 small projects, then:

1. wrk (2 threads, 16 connections) on `/simple/bench-pkg-001/` with pip's Accept for `--duration` seconds;
2. the same wrk run while this script uploads the other versions of every project, one file after another
   over HTTP (each upload changes a project's serial, so cached pages keep being invalidated);
3. checks: every project's Simple page and JSON API list exactly the files the uploads were answered 200 for,
   no partial upload is left in WHARF_DATA_DIR/tmp, `manage.py check_storage` is clean.

Prints reads/s with median and 99th-percentile latency for both runs (and their ratio), uploads/s, non-2xx
answers, and the checks. Bounded: at most the corpus (120 files) is uploaded, wrk runs a fixed time.
Needs wrk (the peer harness's setup.sh installs it; bench/README.md).

Usage: bench/reads_during_uploads.py [--mode embedded|production] [--duration 10]
"""

import argparse
import hashlib
import os
import re
import subprocess
import threading
import time
import uuid
from pathlib import Path

import requests

from common import HERE, PIP_ACCEPT, ROOT, free_port, server_env, small_corpus, wrk

BENCH_DIR = Path(os.environ.get("BENCH_DIR", "/tmp/wharf-bench-reads-uploads"))
PORT = os.environ.get("WHARF_BENCH_PORT") or str(free_port())
FILENAME_RE = re.compile(r"(?P<name>[a-z0-9_]+)-(?P<version>[^-]+?)(?:-py3-none-any\.whl|\.tar\.gz)\Z")


def upload(url: str, token: str, path: Path) -> int:
    """One upload as twine sends it (the fields Wharf needs), over a new connection."""
    match = FILENAME_RE.match(path.name)
    content = path.read_bytes()
    wheel = path.name.endswith(".whl")
    fields = {
        ":action": "file_upload",
        "protocol_version": "1",
        "metadata_version": "2.1",
        "name": match["name"].replace("_", "-"),
        "version": match["version"],
        "filetype": "bdist_wheel" if wheel else "sdist",
        "pyversion": "py3" if wheel else "source",
        "summary": f"Synthetic benchmark package {match['name'].replace('_', '-')} {match['version']}",
        "requires_python": ">=3.8",
        "sha256_digest": hashlib.sha256(content).hexdigest(),
    }
    boundary = uuid.uuid4().hex
    body = b"".join(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'.encode()
        for key, value in fields.items()
    )
    body += (
        f'--{boundary}\r\nContent-Disposition: form-data; name="content"; filename="{path.name}"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n"
    ).encode()
    body += content + f"\r\n--{boundary}--\r\n".encode()
    response = requests.post(
        f"{url}/legacy/",
        data=body,
        headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
        auth=("__token__", token),
        timeout=120,
    )
    return response.status_code


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--mode", choices=["embedded", "production"], default="production")
    parser.add_argument("--duration", type=int, default=10)
    args = parser.parse_args()
    env = {**os.environ, "BENCH_DIR": str(BENCH_DIR), "WHARF_BENCH_PORT": PORT}
    corpus = small_corpus()
    subprocess.run([HERE / "serve_wharf.sh", "start", args.mode], check=True, env=env)
    try:
        url, token = (BENCH_DIR / "url").read_text().strip(), (BENCH_DIR / "token").read_text().strip()
        files = sorted(corpus.glob("small/*"))
        first = [path for path in files if "-1.0.0" in path.name]
        later = [path for path in files if path not in first]
        accepted = [path for path in first if upload(url, token, path) == 200]
        page = f"{url}/simple/bench-pkg-001/"

        alone = wrk(page, PIP_ACCEPT, args.duration)
        statuses: list[int] = []
        stop = threading.Event()

        def upload_loop():
            for path in later:
                if stop.is_set():
                    return
                status = upload(url, token, path)
                statuses.append(status)
                if status == 200:
                    accepted.append(path)

        loop = threading.Thread(target=upload_loop)
        started = time.perf_counter()
        loop.start()
        during = wrk(page, PIP_ACCEPT, args.duration)
        stop.set()
        loop.join()
        upload_seconds = time.perf_counter() - started

        expected: dict[str, set[str]] = {}
        for path in accepted:
            expected.setdefault(FILENAME_RE.match(path.name)["name"].replace("_", "-"), set()).add(path.name)
        mismatches = []
        for name, filenames in expected.items():
            simple = requests.get(f"{url}/simple/{name}/", headers={"Accept": PIP_ACCEPT}, timeout=30).json()
            document = requests.get(f"{url}/pypi/{name}/json", timeout=30).json()
            in_json = {f["filename"] for files in document["releases"].values() for f in files}
            if {f["filename"] for f in simple["files"]} != filenames or in_json != filenames:
                mismatches.append(name)
        partials = list((BENCH_DIR / "data" / "tmp").glob("upload-*.part"))
        check = subprocess.run(
            [ROOT / ".venv/bin/python", "manage.py", "check_storage"],
            cwd=ROOT,
            env=server_env(BENCH_DIR),
            capture_output=True,
            text=True,
        )

        print(
            f"mode {args.mode}; wrk {args.duration} s on /simple/bench-pkg-001/ (pip Accept), 16 connections"
        )
        print(f"{'':28} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'non-2xx':>8}")
        for label, result in (("reads alone", alone), ("reads during uploads", during)):
            print(
                f"{label:28} {result['rps']:8.0f} {result['p50_ms']:8.2f} {result['p99_ms']:8.2f} "
                f"{result['non_2xx']:8d}"
            )
        print(f"reads during uploads / alone: {during['rps'] / alone['rps']:.2f}")
        refused = [status for status in statuses if status != 200]
        print(
            f"uploads during the run: {len(statuses)} in {upload_seconds:.1f} s "
            f"({len(statuses) / upload_seconds:.1f}/s), {len(refused)} not 200 {sorted(set(refused))}"
        )
        print(
            f"projects whose Simple page or JSON API differ from the accepted uploads: {mismatches or 'none'}"
        )
        storage = check.stdout.strip() or check.stderr.strip()
        print(f"partial uploads left: {len(partials)}; check_storage: {storage}")
    finally:
        subprocess.run([HERE / "serve_wharf.sh", "stop"], env=env, check=False)
        subprocess.run(["rm", "-rf", corpus], check=False)


if __name__ == "__main__":
    main()
