"""Caching of the read APIs, keyed by journal serial so a cached page can never be stale.

Each project's current serial (and the index-wide one) sits in the shared cache, written by the journal
service after every commit. A rendered page is stored under its serial in a small per-process LRU, so a hit
costs one shared-cache lookup and no database query. Readers that miss fill the pointer with `add`, which
never overwrites the writer's newer value (a reader that read the database before a commit and stores
after it would otherwise bring an old serial back).
"""

import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from django.core.cache import cache as shared_cache

INDEX = "__index__"
POINTER_SECONDS = 24 * 3600
LRU_MAX_BYTES = 64 * 1024 * 1024


def _pointer_key(normalized_name: str) -> str:
    return f"registry:serial:{normalized_name}"


def serial_changed(normalized_name: str, serial: int) -> None:
    """Called after commit: the project and the index as a whole are now at `serial`."""
    shared_cache.set_many(
        {_pointer_key(normalized_name): serial, _pointer_key(INDEX): serial}, POINTER_SECONDS
    )


def current_serial(normalized_name: str, load: Callable[[], int | None]) -> int | None:
    """The serial of `normalized_name` (or INDEX), from the shared cache or from `load()`."""
    key = _pointer_key(normalized_name)
    serial = shared_cache.get(key)
    if serial is None:
        serial = load()
        if serial is not None:
            shared_cache.add(key, serial, POINTER_SECONDS)
    return serial


@dataclass(frozen=True)
class CachedBody:
    """A rendered response: the body, its ETag and media type, and the serial it shows."""

    body: bytes
    etag: str
    content_type: str
    serial: int
    status: int = 200


class _BodyLRU:
    """A byte-bounded LRU of rendered responses, shared by the threads of one process."""

    def __init__(self, max_bytes: int):
        self.max_bytes = max_bytes
        self.size = 0
        self.entries: OrderedDict[tuple, CachedBody] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: tuple) -> CachedBody | None:
        with self.lock:
            entry = self.entries.get(key)
            if entry is not None:
                self.entries.move_to_end(key)
            return entry

    def put(self, key: tuple, entry: CachedBody) -> None:
        with self.lock:
            old = self.entries.pop(key, None)
            if old is not None:
                self.size -= len(old.body)
            self.entries[key] = entry
            self.size += len(entry.body)
            while self.size > self.max_bytes and self.entries:
                _, evicted = self.entries.popitem(last=False)
                self.size -= len(evicted.body)

    def clear(self) -> None:
        with self.lock:
            self.entries.clear()
            self.size = 0


bodies = _BodyLRU(LRU_MAX_BYTES)


def cached_body(key: tuple, render: Callable[[], CachedBody]) -> CachedBody:
    """The response cached under `key` (which must include the serial), rendering it on a miss."""
    entry = bodies.get(key)
    if entry is None:
        entry = render()
        bodies.put(key, entry)
    return entry


def clear() -> None:
    """Forget every cached page and serial (after restoring a database, and between tests)."""
    bodies.clear()
    shared_cache.clear()
