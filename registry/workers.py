"""Who wrote something: this host and process, and whether that process still runs.

Partial uploads and storage intents carry their writer, so a sweep can remove what a dead process left at
once, without touching what a live upload (in this or another process) is still working on. Processes on
other hosts cannot be asked; their leftovers go by age only.
"""

import hashlib
import os
import socket
from functools import cache


@cache
def this_host() -> str:
    """A short, stable name for this machine (or container), safe in file names."""
    return hashlib.blake2b(socket.gethostname().encode(), digest_size=4).hexdigest()


def writer_alive(host: str, pid: int) -> bool | None:
    """Whether process `pid` of `host` still runs; None when `host` is another machine.

    A process that died may have its pid reused by another one, which then reads as alive: callers also
    remove leftovers by age.
    """
    if host != this_host():
        return None
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True
