"""Wharf beside pypiserver and devpi, measured in turns: every server gets the same work in alternation.

`bench/peers.sh` measures one server after another, minutes apart; on a shared 2-vCPU machine the speed of the
machine itself drifts by more than the servers differ in pip install time. Here all servers run at once and
take turns, so drift hits each of them alike:

- upload: the shared corpus in chunks of 100 files; each chunk goes to every server in turn (twine, files/s);
- install: `pip install` and `uv pip install` of the same 20 projects, one server after another, N rounds
  (the exact commands of the peer harness's peerbench.py; median seconds).

Usage: .venv/bin/python bench/interleaved.py [--rounds 15] [--no-devpi-upload]
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
from pathlib import Path

HERE = Path(__file__).resolve().parent
SHARED = Path(os.environ.get("PEERBENCH_HOME") or HERE / "../../shared/bench").resolve()  # the peer harness
PB = Path(os.environ.get("PEERBENCH_DIR") or Path(tempfile.gettempdir()) / "peerbench")
CLIENT = PB / "venvs/client/bin"
PACKAGES = [f"bench-pkg-{i:03d}" for i in range(1, 21)]
CHUNK = 100
INSTALLED_FILES = 120  # the corpus's first 120 files are the 20 installed projects (3 releases x 2 files)
# Nothing but the server under test: no proxies, no pip/uv configuration of this machine.
CLEAN_ENV = {
    key: value
    for key, value in os.environ.items()
    if not key.lower().endswith("_proxy") and not key.startswith(("PIP_", "UV_", "TWINE_"))
}
CLEAN_ENV.update({"PIP_CONFIG_FILE": os.devnull, "UV_NO_CONFIG": "1", "NO_PROXY": "*"})


class Server:
    def __init__(self, name, simple, upload, user, password, start, stop):
        self.name, self.simple, self.upload = name, simple, upload
        self.user, self.password = user, password
        self._start, self._stop = start, stop
        self.upload_seconds = 0.0
        self.uploaded = 0
        self.install = {"pip": [], "uv": []}

    def start(self):
        self._start(self)

    def stop(self):
        self._stop(self)


def sh(*args, env=None):
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL, env=env)


def wharf(mode, port):
    bench_dir = PB / f"run/wharf-{mode}"
    env = {**os.environ, "BENCH_DIR": str(bench_dir), "WHARF_BENCH_PORT": str(port)}

    def start(server):
        sh(str(HERE / "serve_wharf.sh"), "start", mode, env=env)
        server.password = (bench_dir / "token").read_text().strip()

    def stop(server):
        sh(str(HERE / "serve_wharf.sh"), "stop", env=env)

    url = f"http://127.0.0.1:{port}"
    return Server(f"wharf-{mode}", f"{url}/simple/", f"{url}/legacy/", "__token__", None, start, stop)


def peer(name, script, port, simple, upload):
    def start(server):
        shutil.rmtree(PB / "run" / name, ignore_errors=True)
        sh(str(SHARED / "servers" / script), "start", str(port))
        time.sleep(2)

    def stop(server):
        subprocess.run([str(SHARED / "servers" / script), "stop"], stdout=subprocess.DEVNULL)

    return Server(name, simple, upload, "bench", "bench", start, stop)


def upload_chunk(server, files):
    command = [str(CLIENT / "twine"), "upload", "--non-interactive", "--disable-progress-bar"]
    command += ["--repository-url", server.upload, "-u", server.user, "-p", server.password, *files]
    started = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True, env=CLEAN_ENV)
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        sys.exit(f"{server.name}: twine failed:\n{result.stdout[-2000:]}{result.stderr[-2000:]}")
    server.upload_seconds += elapsed
    server.uploaded += len(files)


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
    server.install[tool].append(elapsed)


def rotate(items, turn):
    turn %= len(items)
    return items[turn:] + items[:turn]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=15, help="install rounds per server and tool")
    parser.add_argument("--no-devpi-upload", action="store_true", help="devpi takes ~6 min for the corpus")
    args = parser.parse_args()
    corpus = sorted(glob.glob(str(PB / "corpus/small/*"))) + sorted(glob.glob(str(PB / "corpus/big/*")))
    if not corpus:
        sys.exit(f"no corpus under {PB}: run the peer harness's setup.sh and gen_corpus.py first")

    servers = [
        wharf("embedded", 18093),
        wharf("production", 18094),
        peer(
            "pypiserver", "pypiserver.sh", 18080, "http://127.0.0.1:18080/simple/", "http://127.0.0.1:18080/"
        ),
        peer(
            "devpi",
            "devpi.sh",
            13141,
            "http://127.0.0.1:13141/bench/dev/+simple/",
            "http://127.0.0.1:13141/bench/dev/",
        ),
    ]
    for server in servers:
        server.start()
    scratch = tempfile.mkdtemp(prefix="interleaved-")
    try:
        chunks = [corpus[i : i + CHUNK] for i in range(0, len(corpus), CHUNK)]
        for turn, chunk in enumerate(chunks):
            for server in rotate(servers, turn):
                if server.name == "devpi" and args.no_devpi_upload and turn * CHUNK >= INSTALLED_FILES:
                    continue  # devpi still gets the chunks that hold the 20 installed projects
                upload_chunk(server, chunk)
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
        pip, uv = (statistics.median(server.install[tool]) for tool in ("pip", "uv"))
        print(f"{server.name:<18} {rate:>15.1f} {pip:>13.3f} {uv:>12.3f}   ({server.uploaded} files)")
    # Paired by round: each Wharf time against the faster peer's time in the same round.
    peers = [server for server in servers if not server.name.startswith("wharf")]
    for server in servers:
        if server in peers:
            continue
        for tool in ("pip", "uv"):
            ratios = [
                mine / min(peer.install[tool][turn] for peer in peers)
                for turn, mine in enumerate(server.install[tool])
            ]
            quartiles = statistics.quantiles(ratios, n=4)
            print(
                f"{server.name} {tool} / faster peer, same round: median {statistics.median(ratios):.3f}, "
                f"quartiles {quartiles[0]:.3f}-{quartiles[2]:.3f}, "
                f"not slower in {sum(r <= 1 for r in ratios)} of {len(ratios)} rounds"
            )


if __name__ == "__main__":
    main()
