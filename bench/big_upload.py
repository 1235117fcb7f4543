#!/usr/bin/env python3
"""Peak server memory while twine uploads one very large wheel (default 500 MB).

Starts a fresh, empty Wharf under gunicorn (bench/serve_wharf.sh) with WHARF_MAX_FILE_SIZE raised to 1 GiB,
builds a valid wheel holding one incompressible member, uploads it with twine, and samples the resident
memory of the whole gunicorn process tree every 50 ms. The goal: the server stays under 150 MB RSS, because
the upload is streamed to disk and hashed on the way, never held in memory.

Usage: bench/big_upload.py [--size-mb 500] [--mode embedded|production]
"""

import argparse
import base64
import hashlib
import os
import subprocess
import sys
import threading
import time
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
BENCH_DIR = Path(os.environ.get("BENCH_DIR", "/tmp/wharf-bench-big"))
PORT = os.environ.get("WHARF_BENCH_PORT", "18091")
WHEEL = b"Wheel-Version: 1.0\nGenerator: bench\nRoot-Is-Purelib: true\nTag: py3-none-any\n"


def build_wheel(directory: Path, size_mb: int) -> Path:
    """A valid wheel (WHEEL, METADATA, RECORD) with one stored member of random bytes."""
    name, version = "bigwheel", "1.0"
    info = f"{name}-{version}.dist-info"
    path = directory / f"{name}-{version}-py3-none-any.whl"
    records = []
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as archive:
        digest, total = hashlib.sha256(), 0
        with archive.open(zipfile.ZipInfo(f"{name}/blob.bin", (2024, 1, 1, 0, 0, 0)), "w") as member:
            for _ in range(size_mb):
                chunk = os.urandom(1024 * 1024)
                digest.update(chunk)
                member.write(chunk)
                total += len(chunk)
        records.append((f"{name}/blob.bin", digest.digest(), total))
        small = {
            f"{name}/__init__.py": b"",
            f"{info}/METADATA": f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n".encode(),
            f"{info}/WHEEL": WHEEL,
        }
        for member_name, data in small.items():
            archive.writestr(zipfile.ZipInfo(member_name, (2024, 1, 1, 0, 0, 0)), data)
            records.append((member_name, hashlib.sha256(data).digest(), len(data)))
        lines = [
            f"{member},sha256={base64.urlsafe_b64encode(d).rstrip(b'=').decode()},{size}"
            for member, d, size in records
        ]
        archive.writestr(f"{info}/RECORD", "\n".join([*lines, f"{info}/RECORD,,"]) + "\n")
    return path


def tree_rss_kb(root_pid: int) -> int:
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
        except (OSError, ValueError, IndexError):
            continue
    total, todo = 0, [root_pid]
    while todo:
        pid = todo.pop()
        todo.extend(children.get(pid, []))
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--size-mb", type=int, default=500)
    parser.add_argument("--mode", choices=["embedded", "production"], default="embedded")
    args = parser.parse_args()

    env = {
        **os.environ,
        "BENCH_DIR": str(BENCH_DIR),
        "WHARF_BENCH_PORT": PORT,
        "WHARF_MAX_FILE_SIZE": str(1024 * 1024 * 1024),
        "WEB_CONCURRENCY": "1",
    }
    subprocess.run([HERE / "serve_wharf.sh", "start", args.mode], check=True, env=env)
    try:
        pid = int((BENCH_DIR / "pid").read_text())
        url, token = (BENCH_DIR / "url").read_text().strip(), (BENCH_DIR / "token").read_text().strip()
        print(f"building a {args.size_mb} MB wheel ...", flush=True)
        wheel = build_wheel(BENCH_DIR, args.size_mb)
        idle = tree_rss_kb(pid)
        peak, stop = [idle], threading.Event()

        def sample():
            while not stop.is_set():
                peak[0] = max(peak[0], tree_rss_kb(pid))
                stop.wait(0.05)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        clean = {k: v for k, v in os.environ.items() if not k.startswith(("PIP_", "TWINE_"))}
        started = time.perf_counter()
        result = subprocess.run(
            [
                ROOT / ".venv/bin/twine",
                "upload",
                "--non-interactive",
                "--disable-progress-bar",
                "--repository-url",
                f"{url}/legacy/",
                "-u",
                "__token__",
                "-p",
                token,
                wheel,
            ],
            capture_output=True,
            text=True,
            env=clean,
        )
        seconds = time.perf_counter() - started
        stop.set()
        sampler.join()
        if result.returncode != 0:
            sys.exit(f"upload failed:\n{result.stdout}\n{result.stderr}")
        size = wheel.stat().st_size
        print(f"mode                 {args.mode} (one gunicorn worker)")
        print(f"file                 {size / 1e6:.0f} MB")
        print(f"upload time          {seconds:.1f} s ({size / 1e6 / seconds:.0f} MB/s, twine included)")
        print(f"server RSS idle      {idle / 1024:.0f} MiB")
        print(f"server RSS peak      {peak[0] / 1024:.0f} MiB (goal: under 150 MB)")
        wheel.unlink()
    finally:
        subprocess.run([HERE / "serve_wharf.sh", "stop"], env=env, check=False)


if __name__ == "__main__":
    main()
