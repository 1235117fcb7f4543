"""Metadata-driven resolution: pip and uv resolving a requirement set that makes them read many versions.

A resolver learns a candidate's dependencies from its core metadata. An index that serves the metadata file
beside each wheel (PEP 658, advertised as `data-core-metadata` / `data-dist-info-metadata` in HTML and
`core-metadata` in JSON, PEP 691/714) lets it read a few hundred bytes; without it pip downloads the whole
wheel, and uv reads the wheel's zip directory and METADATA with range requests when the server allows them.

The corpus, generated here (deterministic wheels with real METADATA and RECORD, `--payload-kb` of
incompressible bytes each, like a small compiled module):

- `rz-core` 1.0 ... V.0, no dependencies;
- `rz-app-01` ... `rz-app-K`, versions 1.0 ... V.0; version N requires `rz-core==N.0`.

The requirement set asks for every `rz-app-*` and `rz-core<3`: each app's newest version conflicts with the
bound, so the resolver backtracks through the versions of every app, reading each one's metadata, until it
reaches 2.0 (K x (V - 1) candidates). The answer is checked: every app and rz-core at 2.0.

All four servers run at once and take turns (bench/interleaved.py's reasoning): after one untimed round, per
round each server in a rotated order gets `pip install --dry-run --report - --isolated --no-cache-dir` and
`uv pip compile --no-cache`. Printed: median seconds per server and tool, and each Wharf time as a speed-up
over the faster peer in the same round. Wharf's gunicorn access log (on for this script, so Wharf pays for
it) shows what the resolvers fetched: Simple pages, `.metadata` files and wheels per resolution (the goal is
no wheel at all).

Usage: .venv/bin/python bench/resolution.py [--rounds 7] [--apps 6] [--versions 40] [--payload-kb 100]
       [--port-base 18093]
Needs the peer harness's setup.sh run first (bench/README.md): client venv and peers under $PEERBENCH_DIR.
"""

import argparse
import base64
import hashlib
import json
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import zipfile
from collections import Counter
from pathlib import Path

from common import CLEAN_ENV, CLIENT, PB, PIP_ACCEPT, rotate, speedup_line, turn_servers, twine_upload

ZIP_DATE = (2024, 1, 1, 0, 0, 0)
TOOLS = ("pip", "uv")
RESOLVED_VERSION = "2.0"
HTML_ACCEPT = "text/html"
WHEEL = "Wheel-Version: 1.0\nGenerator: wharf-bench\nRoot-Is-Purelib: true\nTag: py3-none-any\n"


def corpus(*, apps: int, versions: int, payload_kb: int) -> tuple[Path, list[str]]:
    """The wheels (generated once per shape under $PEERBENCH_DIR) and the requirement lines to resolve."""
    directory = PB / f"resolution-corpus/{apps}x{versions}-{payload_kb}kb"
    names = ["rz-core"] + [f"rz-app-{number:02d}" for number in range(1, apps + 1)]
    if not (directory / "complete").exists():
        directory.mkdir(parents=True, exist_ok=True)
        payload = random.Random(658)
        for name in names:
            for version in range(1, versions + 1):
                requires = [] if name == "rz-core" else [f"rz-core=={version}.0"]
                _wheel(directory, name, f"{version}.0", requires, payload.randbytes(payload_kb * 1024))
        (directory / "complete").touch()
    return directory, [*names[1:], "rz-core<3"]


def _wheel(directory: Path, name: str, version: str, requires: list[str], payload: bytes) -> None:
    module = name.replace("-", "_")
    info = f"{module}-{version}.dist-info"
    metadata = f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\nSummary: Resolution benchmark\n"
    metadata += "Requires-Python: >=3.8\n" + "".join(f"Requires-Dist: {line}\n" for line in requires)
    members = {
        f"{module}/__init__.py": f'__version__ = "{version}"\n'.encode(),
        f"{module}/payload.bin": payload,
        f"{info}/METADATA": metadata.encode(),
        f"{info}/WHEEL": WHEEL.encode(),
    }
    record = "".join(f"{path},sha256={_digest(data)},{len(data)}\n" for path, data in members.items())
    members[f"{info}/RECORD"] = f"{record}{info}/RECORD,,\n".encode()
    with zipfile.ZipFile(directory / f"{module}-{version}-py3-none-any.whl", "w") as archive:
        for path, data in members.items():
            member = zipfile.ZipInfo(path, ZIP_DATE)
            member.external_attr = 0o644 << 16
            member.compress_type = zipfile.ZIP_STORED if path.endswith(".bin") else zipfile.ZIP_DEFLATED
            archive.writestr(member, data)


def _digest(data: bytes) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


def resolve(server, tool: str, requirements: Path, apps: int) -> None:
    """One resolution with `tool` against `server`; exits unless it resolved every app and rz-core to 2.0."""
    python = str(CLIENT / "python")
    if tool == "pip":
        command = [python, "-m", "pip", "install", "--dry-run", "--report", "-", "--quiet", "--isolated"]
        command += [
            "--no-cache-dir",
            "--no-input",
            "--disable-pip-version-check",
            "--index-url",
            server.simple,
        ]
        command += ["-r", str(requirements)]
    else:
        command = [str(CLIENT / "uv"), "pip", "compile", "--no-cache", "--quiet", "--python", python]
        command += ["--no-header", "--no-annotate", "--index-url", server.simple, str(requirements)]
    started = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True, env=CLEAN_ENV)
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        sys.exit(f"{server.name}: {tool} failed:\n{result.stdout[-2000:]}{result.stderr[-2000:]}")
    if tool == "pip":
        report = json.loads(result.stdout)
        pins = {item["metadata"]["name"]: item["metadata"]["version"] for item in report["install"]}
    else:
        pins = dict(re.findall(r"^([a-z0-9-]+)==(\S+)$", result.stdout, re.M))
    if len(pins) != apps + 1 or set(pins.values()) != {RESOLVED_VERSION}:
        sys.exit(f"{server.name}: {tool} resolved something else: {pins}")
    server.timings.setdefault(tool, []).append(elapsed)


def advertised(server) -> dict[str, bool]:
    """Whether a project's Simple page announces the metadata files, in HTML and in JSON."""
    url = f"{server.simple}rz-app-01/"
    html = _get(url, HTML_ACCEPT)
    page = json.loads(_get(url, PIP_ACCEPT.split(",")[0]))
    return {
        "HTML data-core-metadata": 'data-core-metadata="sha256=' in html,
        "HTML data-dist-info-metadata": 'data-dist-info-metadata="sha256=' in html,
        "JSON core-metadata": all(file.get("core-metadata") for file in page["files"]),
        "JSON data-dist-info-metadata": all(file.get("data-dist-info-metadata") for file in page["files"]),
    }


def _get(url: str, accept: str) -> str:
    with urllib.request.urlopen(urllib.request.Request(url, headers={"Accept": accept})) as response:
        return response.read().decode()


def access_log_counts(server) -> Counter:
    """The server's GET requests by kind, from gunicorn's access log (the uploads are POSTs); a kind with
    answers other than 2xx also counts them under "<kind> <status>"."""
    counts = Counter()
    for line in (server.bench_dir / "access.log").read_text().splitlines():
        match = re.search(r'"GET (\S+) HTTP/[\d.]+" (\d+)', line)
        if not match:
            continue
        path, status = match.groups()
        kind = (
            "metadata"
            if path.endswith(".metadata")
            else "wheel"
            if path.endswith(".whl")
            else "simple page"
            if path.startswith("/simple/")
            else "other"
        )
        counts[kind] += 1
        if not status.startswith("2"):
            counts[f"{kind} {status}"] += 1
    return counts


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=7, help="resolutions per server and tool")
    parser.add_argument("--apps", type=int, default=6, help="projects the resolver backtracks through")
    parser.add_argument("--versions", type=int, default=40, help="versions of each project")
    parser.add_argument("--payload-kb", type=int, default=100, help="incompressible bytes in each wheel")
    parser.add_argument("--port-base", type=int, default=18093, help="the four servers' ports start here")
    args = parser.parse_args()
    wheels, requirement_lines = corpus(apps=args.apps, versions=args.versions, payload_kb=args.payload_kb)
    files = sorted(str(path) for path in wheels.glob("*.whl"))
    scratch = Path(tempfile.mkdtemp(prefix="resolution-"))
    requirements = scratch / "requirements.in"
    requirements.write_text("\n".join(requirement_lines) + "\n")

    servers = turn_servers(args.port_base, access_log=True)
    wharfs = [server for server in servers if server.bench_dir is not None]
    peers = [server for server in servers if server.bench_dir is None]
    try:
        for server in servers:
            server.start()
        for server in servers:
            twine_upload(server, files)
            print(f"{server.name}: {len(files)} wheels uploaded", file=sys.stderr)
        for server in servers:  # untimed: every server renders its pages and warms its caches once
            for tool in TOOLS:
                resolve(server, tool, requirements, args.apps)
            server.timings.clear()
        fetched = {(server.name, tool): Counter() for server in wharfs for tool in TOOLS}
        for turn in range(args.rounds):
            for server in rotate(servers, turn):
                for tool in TOOLS:
                    before = access_log_counts(server) if server in wharfs else None
                    resolve(server, tool, requirements, args.apps)
                    if before is not None:
                        time.sleep(0.2)  # untimed: gunicorn logs a request just after answering it
                        fetched[server.name, tool] += access_log_counts(server) - before
            print(f"round {turn + 1}/{args.rounds} done", file=sys.stderr)
        announced = {server.name: advertised(server) for server in wharfs}
    finally:
        for server in servers:
            server.stop()
    report(servers, peers, args, len(files), fetched, announced)


def report(servers, peers, args, wheel_count, fetched, announced):
    candidates = args.apps * (args.versions - 1)
    print(
        f"resolution: {args.apps} projects x {args.versions} versions + rz-core ({wheel_count} wheels of "
        f"~{args.payload_kb} KB), ~{candidates} candidates to read; {args.rounds} rounds"
    )
    print(f"{'server':<18} {'pip median s':>13} {'uv median s':>12}")
    for server in servers:
        pip, uv = (statistics.median(server.timings[tool]) for tool in TOOLS)
        print(f"{server.name:<18} {pip:>13.3f} {uv:>12.3f}")
    for server in servers:
        if server in peers:
            continue
        for tool in TOOLS:
            print(speedup_line(server, peers, tool))
    for (name, tool), counts in fetched.items():
        kinds = sorted(set(counts) | {"simple page", "metadata", "wheel"})
        per = ", ".join(f"{kind} {counts[kind] / args.rounds:.1f}" for kind in kinds)
        print(f"{name} {tool}: requests per resolution (access log, {args.rounds} resolutions): {per}")
    for name, flags in announced.items():
        shown = ", ".join(f"{what}: {'yes' if seen else 'NO'}" for what, seen in flags.items())
        print(f"{name} Simple page advertises metadata: {shown}")


if __name__ == "__main__":
    main()
