"""Partial uploads: the files an upload's `content` part streams into, in `FILE_UPLOAD_TEMP_DIR`.

Each request reserves its partial before it reads the body, under a lock, and is refused (503, Retry-After)
when the partials would hold more than `WHARF_PARTIAL_UPLOADS_MAX_BYTES`; a partial counts as the larger of
its size and the reservation, which is the body's length up to the largest file allowed. The request
removes its partial when it ends, whatever happened. A process that dies cannot; its partials carry its host
and pid in their name (`upload-<host>-<pid>-<reserved>-<random>.part`), so `sweep` removes them as soon as
that process is gone, and any partial left untouched for `IDLE_SECONDS` (a stalled client, or a writer on
another machine sharing the directory).
"""

import fcntl
import os
import re
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from registry.exceptions import ServerBusy
from registry.workers import this_host, writer_alive

IDLE_SECONDS = 3600
RETRY_AFTER_SECONDS = 60
NAME_RE = re.compile(r"upload-(?P<host>[0-9a-f]{8})-(?P<pid>\d+)-(?P<reserved>\d+)-[^/]*\.part\Z")
LOCK_NAME = ".partials.lock"


@dataclass(frozen=True)
class Partial:
    path: Path
    size: int  # on disk now
    reserved: int
    host: str | None
    pid: int | None
    idle_seconds: float

    @property
    def counted(self) -> int:
        return max(self.size, self.reserved)


def directory() -> Path:
    path = Path(settings.FILE_UPLOAD_TEMP_DIR)
    path.mkdir(parents=True, exist_ok=True)
    return path


def partials(now: float | None = None) -> list[Partial]:
    """Every partial upload in the directory (older, unnamed ones included: `upload-*.part`)."""
    now = time.time() if now is None else now
    found = []
    for path in directory().glob("upload-*.part"):
        try:
            stat = path.stat()
        except FileNotFoundError:
            continue
        match = NAME_RE.match(path.name)
        found.append(
            Partial(
                path=path,
                size=stat.st_size,
                reserved=int(match["reserved"]) if match else 0,
                host=match["host"] if match else None,
                pid=int(match["pid"]) if match else None,
                idle_seconds=now - stat.st_mtime,
            )
        )
    return found


def _abandoned(partial: Partial) -> bool:
    if partial.idle_seconds > IDLE_SECONDS:
        return True
    return partial.pid is not None and writer_alive(partial.host, partial.pid) is False


@contextmanager
def _locked() -> Iterator[None]:
    """Serializes reservations across the processes sharing the directory."""
    with open(directory() / LOCK_NAME, "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def sweep() -> tuple[int, int]:
    """Remove the partials of dead processes and those idle too long; returns (how many, bytes)."""
    count = size = 0
    for partial in partials():
        if _abandoned(partial):
            try:
                partial.path.unlink()
            except FileNotFoundError:
                continue
            count, size = count + 1, size + partial.size
    return count, size


def reserve(content_length: int) -> Path:
    """Create this request's (empty) partial, reserving room for the file; ServerBusy when there is none."""
    reserved = max(0, min(content_length, settings.WHARF_MAX_FILE_SIZE))
    limit = settings.WHARF_PARTIAL_UPLOADS_MAX_BYTES
    with _locked():
        if sum(partial.counted for partial in partials()) + reserved > limit:
            sweep()
            if sum(partial.counted for partial in partials()) + reserved > limit:
                raise ServerBusy(
                    "The server is receiving too many uploads at once; upload again in a minute.",
                    retry_after=RETRY_AFTER_SECONDS,
                )
        fd, name = tempfile.mkstemp(
            prefix=f"upload-{this_host()}-{os.getpid()}-{reserved}-", suffix=".part", dir=directory()
        )
        os.close(fd)
    return Path(name)
