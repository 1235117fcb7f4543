"""Caching of the read APIs, keyed by the serial the database has committed, so an answer is never stale.

`ReadCache` is a WSGI layer in front of Django. For a Simple or JSON API request, or a file with its
`.metadata`, it reads the project's `last_serial` (the root: the newest journal serial) from the database and
looks for Django's complete answer under that serial in a per-process LRU: a repeated request costs one
indexed database read and never enters Django. Any other request, and every miss, goes to Django, whose
answer is then remembered. When the shared cache is Redis (several worker processes), answers are shared
too: a worker that has not yet served a page takes the one another worker rendered, with one cache read.

Why the database, not a pointer in the shared cache: every change that alters a read answer writes a journal
entry, and the journal raises the project's `last_serial` in the same transaction, so the key can never
lag the committed state, whatever process dies at whatever moment. (A pointer moved after the commit did lag
it: a worker killed between the two left answers a day old.) docs/cache.md tells the whole derivation.
"""

import hashlib
import threading
from collections import OrderedDict
from dataclasses import dataclass
from functools import cache

from django.core.cache import cache as shared_cache
from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache
from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError
from django.urls import URLPattern, get_resolver

from registry.names import normalize
from registry.selectors import last_serial, project_serial

LRU_MAX_BYTES = 64 * 1024 * 1024
# The routes (names in config/urls.py) whose answers depend only on a serial, and what kind of answer each is.
CACHEABLE_ROUTES = {
    "simple-index": "simple",
    "simple-project": "simple",
    "json-project": "json",
    "json-release": "json",
    "file": "file",
}
# Small files (core metadata, most wheels and sdists) are kept in memory; larger ones stream from storage.
MAX_CACHED_FILE = 1024 * 1024
# Answers shared between worker processes through Redis: a cold Simple page cost 2.9 ms to render, its wheel
# 1.6 ms and the `.metadata` 1.7 ms, against 0.5 ms each from a warm worker (bench/README.md, production).
SHARED_ANSWER_SECONDS = 3600
SHARED_ANSWER_MAX_BYTES = MAX_CACHED_FILE
# What else, besides path and query, can change the bytes of an answer (file URLs use scheme and host).
VARYING_ENVIRON = ("HTTP_HOST", "wsgi.url_scheme", "HTTP_X_FORWARDED_PROTO", "HTTP_X_FORWARDED_HOST")


@cache
def cacheable_routes() -> tuple[tuple, ...]:
    """`(pattern, kind)` of each route in CACHEABLE_ROUTES, from the URL conf; fails loudly if one is gone."""
    found = {
        pattern.name: pattern.pattern
        for pattern in get_resolver().url_patterns
        if isinstance(pattern, URLPattern) and pattern.name in CACHEABLE_ROUTES
    }
    missing = sorted(set(CACHEABLE_ROUTES) - set(found))
    if missing:
        raise ImproperlyConfigured(
            f"The read cache serves the routes {', '.join(missing)}, which config/urls.py no longer names at "
            "its top level; rename them in registry.cache.CACHEABLE_ROUTES too."
        )
    return tuple((found[name], kind) for name, kind in CACHEABLE_ROUTES.items())


def cacheable_route(path: str) -> tuple[str, dict] | None:
    """`(kind, URL kwargs)` when `path` is one of CACHEABLE_ROUTES; they come first in config/urls.py."""
    if path.startswith("/"):
        for pattern, kind in cacheable_routes():
            match = pattern.match(path[1:])
            if match is not None:
                return kind, match[2]
    return None


def committed_serial(kind: str, kwargs: dict) -> int | None:
    """The serial a read-API answer depends on, read from the database; None when there is no such project."""
    if kind == "file":
        # Filenames start with the project's name, `-` written `_` (upload enforces PEP 427/625): a file
        # is kept under its project's serial, so quarantine or deletion invalidates it at once.
        filename = kwargs["path"].rsplit("/", 1)[-1]
        return project_serial(normalized_name=normalize(filename.split("-", 1)[0]))
    if "name" in kwargs:
        return project_serial(normalized_name=kwargs["name"])
    return last_serial()


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
    """Forget every cached answer (after restoring a database, and between tests)."""
    responses.clear()
    shared_cache.clear()


def response_key(environ) -> tuple | None:
    """The cache key of a read-API request, or None when it must go to Django (not cacheable, no project)."""
    if environ.get("REQUEST_METHOD") not in ("GET", "HEAD"):
        return None
    path = environ.get("PATH_INFO", "")
    route = cacheable_route(path)
    if route is None:
        return None
    kind, kwargs = route
    try:
        serial = committed_serial(kind, kwargs)
    except DatabaseError:
        return None  # a lost connection: Django answers, and its request cycle reconnects
    if serial is None:
        return None
    if kind == "file":
        return (path, "file", serial)
    # Simple pages differ by Accept: the header as sent keys them (clients send few distinct ones), which
    # spares a hit the negotiation.
    accept = environ.get("HTTP_ACCEPT", "") if kind == "simple" else ""
    query = environ.get("QUERY_STRING", "")
    return (path, query, accept, serial, *(environ.get(key, "") for key in VARYING_ENVIRON))


class ReadCache:
    """WSGI middleware answering repeated read-API requests from `responses` (see the module docstring)."""

    def __init__(self, app):
        self.app = app
        cacheable_routes()  # a renamed route stops the server from starting, rather than caching nothing

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
