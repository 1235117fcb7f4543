"""Caching of the read APIs, keyed by journal serial so a cached answer can never be stale.

Each project's current serial (and the index-wide one) sits in the shared cache, written by the journal
service after every commit. `ReadCache` is a WSGI layer in front of Django that keeps Django's complete
answers to Simple and JSON API requests, and small files with their `.metadata`, in a per-process LRU
under the serial they were served at: a repeated request costs one shared-cache lookup and never enters
Django. Any other request, and every miss, goes to Django, whose answer is then remembered.

When the shared cache is Redis (several worker processes), answers are shared too: a worker that has not yet
served a page takes the answer another worker rendered, with one cache read, instead of rendering it again.

Readers that find no serial fill it with `add`, which never overwrites the writer's newer value (a reader
that read the database before a commit and stores after it would otherwise bring an old serial back).
"""

import hashlib
import re
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from django.core.cache import cache as shared_cache
from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache

from registry.renderers.simple import negotiate

INDEX = "__index__"
POINTER_SECONDS = 24 * 3600
LRU_MAX_BYTES = 64 * 1024 * 1024
# Read-API paths whose answers depend only on the project's serial (names already normalized).
CACHEABLE_PATH = re.compile(
    r"/simple/(?:(?P<simple>[a-z0-9][a-z0-9-]*)/)?\Z|/pypi/(?P<json>[a-z0-9][a-z0-9-]*)/(?:[^/]+/)?json\Z"
    r"|/packages/[0-9a-f]{2}/[0-9a-f]{2}/[0-9a-f]{60}/(?P<file>[A-Za-z0-9_.]+)-[^/]+\Z"
)
# Small files (core metadata, most wheels and sdists) are kept in memory; larger ones stream from storage.
MAX_CACHED_FILE = 1024 * 1024
# Answers shared between worker processes through Redis: a cold Simple page cost 2.9 ms to render, its wheel
# 1.6 ms and the `.metadata` 1.7 ms, against 0.5 ms each from a warm worker (bench/README.md, production).
SHARED_ANSWER_SECONDS = 3600
SHARED_ANSWER_MAX_BYTES = MAX_CACHED_FILE
# What else, besides path and query, can change the bytes of an answer (file URLs use scheme and host).
VARYING_ENVIRON = ("HTTP_HOST", "wsgi.url_scheme", "HTTP_X_FORWARDED_PROTO", "HTTP_X_FORWARDED_HOST")


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
class CachedResponse:
    status: str
    headers: list[tuple[str, str]]
    body: bytes
    etag: str | None


class _ResponseLRU:
    """A byte-bounded LRU of whole responses, shared by the threads of one process."""

    def __init__(self, max_bytes: int):
        self.max_bytes = max_bytes
        self.size = 0
        self.entries: OrderedDict[tuple, CachedResponse] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: tuple) -> CachedResponse | None:
        with self.lock:
            entry = self.entries.get(key)
            if entry is not None:
                self.entries.move_to_end(key)
            return entry

    def put(self, key: tuple, entry: CachedResponse) -> None:
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


responses = _ResponseLRU(LRU_MAX_BYTES)


def clear() -> None:
    """Forget every cached answer and serial (after restoring a database, and between tests)."""
    responses.clear()
    shared_cache.clear()


def response_key(environ) -> tuple | None:
    """The cache key of a read-API request, or None when it must go to Django (not cacheable, no serial)."""
    if environ.get("REQUEST_METHOD") not in ("GET", "HEAD"):
        return None
    match = CACHEABLE_PATH.match(environ.get("PATH_INFO", ""))
    if match is None:
        return None
    if match["file"]:
        # Filenames start with the project's normalized name, `-` written `_` (upload enforces PEP 427/625):
        # a file is cached under its project's serial, so quarantine or deletion invalidates it at once.
        serial = shared_cache.get(_pointer_key(match["file"].lower().replace("_", "-")))
        return None if serial is None else (environ["PATH_INFO"], "file", serial)
    name = match["simple"] or match["json"] or INDEX
    serial = shared_cache.get(_pointer_key(name))
    if serial is None:
        return None
    query = environ.get("QUERY_STRING", "")
    media = negotiate(environ.get("HTTP_ACCEPT", ""), "") if match["json"] is None else "application/json"
    return (environ["PATH_INFO"], query, media, serial, *(environ.get(key, "") for key in VARYING_ENVIRON))


class ReadCache:
    """WSGI middleware answering repeated read-API requests from `responses` (see the module docstring)."""

    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        key = response_key(environ)
        if key is None:
            return self.app(environ, start_response)
        entry = responses.get(key) or _shared_answer(key)
        if entry is None:
            return self._remember(key, environ, start_response)
        if entry.etag is not None and etag_matches(environ.get("HTTP_IF_NONE_MATCH", ""), entry.etag):
            start_response(
                "304 Not Modified", [(k, v) for k, v in entry.headers if k.lower() != "content-length"]
            )
            return [b""]
        start_response(entry.status, entry.headers)
        return [b""] if environ["REQUEST_METHOD"] == "HEAD" else [entry.body]

    def _remember(self, key: tuple, environ, start_response):
        captured = {}

        def capture(status, headers, exc_info=None):
            captured["status"], captured["headers"] = status, headers
            return start_response(status, headers, exc_info)

        result = self.app(environ, capture)
        status, headers = captured["status"], captured["headers"]
        if not _keepable(key, environ, status, headers):
            return result
        try:
            body = b"".join(result)
        finally:
            if hasattr(result, "close"):
                result.close()
        etag = next((value for name, value in headers if name.lower() == "etag"), None)
        entry = CachedResponse(status=status, headers=headers, body=body, etag=etag)
        responses.put(key, entry)
        if _answers_shared() and len(body) <= SHARED_ANSWER_MAX_BYTES:
            shared_cache.set(_shared_answer_key(key), entry, SHARED_ANSWER_SECONDS)
        return [body]


def _answers_shared() -> bool:
    """Whether the shared cache reaches other processes (Redis); the embedded mode's lives in this one."""
    return not isinstance(caches["default"], LocMemCache)


def _shared_answer_key(key: tuple) -> str:
    return "registry:answer:" + hashlib.blake2b(repr(key).encode(), digest_size=16).hexdigest()


def _shared_answer(key: tuple) -> CachedResponse | None:
    """Another worker's answer to `key`, now also kept in this process; None when there is none."""
    if not _answers_shared():
        return None
    entry = shared_cache.get(_shared_answer_key(key))
    if entry is not None:
        responses.put(key, entry)
    return entry


def _keepable(key: tuple, environ, status: str, headers) -> bool:
    """Only complete answers of the read views are kept: never conditional, HEAD or cookie-setting ones."""
    names = {name.lower(): value for name, value in headers}
    if environ["REQUEST_METHOD"] != "GET" or "set-cookie" in names:
        return False
    if key[1] == "file":
        size = int(names.get("content-length") or MAX_CACHED_FILE + 1)
        return status[:3] == "200" and size <= MAX_CACHED_FILE
    return status[:3] in ("200", "404") and "x-pypi-last-serial" in names


def etag_matches(if_none_match: str, etag: str) -> bool:
    """Whether `If-None-Match` matches `etag`: weak comparison, `*` matches any (RFC 9110 13.1.2)."""
    tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
    return "*" in tags or etag in tags
