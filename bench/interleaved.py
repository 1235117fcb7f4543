"""Wharf beside pypiserver and devpi, measured in turns: every server gets the same work in alternation.

`bench/peers.sh` measures one server after another, minutes apart; on a shared 2-vCPU machine the speed of the
machine itself drifts by more than the servers differ in pip install time. Here all servers run at once and
take turns, so drift hits each of them alike:

- upload: the shared corpus in chunks of 100 files; each chunk goes to every server in turn (twine, files/s);
- install: `pip install` and `uv pip install` of the same 20 projects, one server after another, N rounds
  (the exact commands of the peer harness's peerbench.py; median seconds).

Usage: .venv/bin/python bench/interleaved.py [--rounds 15] [--no-devpi-upload] [--port-base 18093]
(`--rounds 0` measures the uploads only.)
Needs the peer harness's setup.sh run first ($PEERBENCH_HOME, see bench/README.md): venvs and corpus under
$PEERBENCH_DIR, default $TMPDIR/peerbench.
"""

import argparse
import glob
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

from common import CLEAN_ENV, CLIENT, PB, rotate, speedup_line, turn_servers, twine_upload

PACKAGES = [f"bench-pkg-{i:03d}" for i in range(1, 21)]
CHUNK = 100
INSTALLED_FILES = 120  # the corpus's first 120 files are the 20 installed projects (3 releases x 2 files)


def install(server, tool, scratch):
    target = tempfile.mkdtemp(prefix=f"{tool}-", dir=scratch)
    python = str(CLIENT / "python")
    if tool == "pip":
        command = [python, "-m", "pip", "install", "--no-cache-dir", "--no-input"]
        command += ["--disable-pip-version-check", "--index-url", server.simple, "--target", target]
    else:
        command = [str(CLIENT / "uv"), "pip", "install", "--no-cache", "--python", python]
        command += ["--index-url", server.simple, "--target", target]
    started = time.perf_counter()
    result = subprocess.run(command + PACKAGES, capture_output=True, text=True, env=CLEAN_ENV)
    elapsed = time.perf_counter() - started
    installed = len(glob.glob(os.path.join(target, "*.dist-info")))
    shutil.rmtree(target, ignore_errors=True)
    if result.returncode != 0 or installed != len(PACKAGES):
        sys.exit(f"{server.name}: {tool} install failed:\n{result.stdout[-2000:]}{result.stderr[-2000:]}")
    server.timings.setdefault(tool, []).append(elapsed)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--rounds", type=int, default=15, help="install rounds per server and tool (0: uploads only)"
    )
    parser.add_argument("--no-devpi-upload", action="store_true", help="devpi takes ~6 min for the corpus")
    parser.add_argument("--port-base", type=int, default=18093, help="the four servers' ports start here")
    args = parser.parse_args()
    corpus = sorted(glob.glob(str(PB / "corpus/small/*"))) + sorted(glob.glob(str(PB / "corpus/big/*")))
    if not corpus:
        sys.exit(f"no corpus under {PB}: run the peer harness's setup.sh and gen_corpus.py first")

    servers = turn_servers(args.port_base)
    for server in servers:
        server.start()
    scratch = tempfile.mkdtemp(prefix="interleaved-")
    try:
        chunks = [corpus[i : i + CHUNK] for i in range(0, len(corpus), CHUNK)]
        for turn, chunk in enumerate(chunks):
            for server in rotate(servers, turn):
                if server.name == "devpi" and args.no_devpi_upload and turn * CHUNK >= INSTALLED_FILES:
                    continue  # devpi still gets the chunks that hold the 20 installed projects
                twine_upload(server, chunk)
            print(f"upload chunk {turn + 1}/{len(chunks)} done", file=sys.stderr)
        for turn in range(args.rounds):
            for server in rotate(servers, turn):
                for tool in ("pip", "uv"):
                    install(server, tool, scratch)
        print(f"install round {args.rounds} done", file=sys.stderr)
    finally:
        for server in servers:
            server.stop()
        shutil.rmtree(scratch, ignore_errors=True)
    report(servers, args.rounds)


def report(servers, rounds):
    header = f"{'server':<18} {'upload files/s':>15} {'pip median s':>13} {'uv median s':>12}"
    print(f"{header}   ({rounds} rounds)")
    for server in servers:
        rate = server.uploaded / server.upload_seconds
        pip, uv = (statistics.median(server.timings.get(tool) or [float("nan")]) for tool in ("pip", "uv"))
        print(f"{server.name:<18} {rate:>15.1f} {pip:>13.3f} {uv:>12.3f}   ({server.uploaded} files)")
    peers = [server for server in servers if not server.name.startswith("wharf")]
    pypiserver = next(server for server in peers if server.name == "pypiserver")
    for server in servers:
        if server in peers:
            continue
        rate = (server.uploaded / server.upload_seconds) / (pypiserver.uploaded / pypiserver.upload_seconds)
        print(f"{server.name} upload files/s: {rate:.2f}x pypiserver's in the same run")
        for tool in ("pip", "uv") if rounds else ():
            print(speedup_line(server, peers, tool))


if __name__ == "__main__":
    main()
