"""Rate limits kept in the shared cache: new projects per user and per IP address (as Warehouse's
`create_project`), uploads per API token, XML-RPC calls per IP address, and any other per-key limit
(moderation uses it for reports).

A sliding window counter: each key counts its actions in fixed buckets one window long, and the rate seen
now is the current bucket plus the previous one weighted by how much of it still lies inside the window.
That follows PyPI's moving window closely with two cache keys and an atomic `incr`, on Redis and in the
process cache alike. `take` counts an action before it is done, atomically, and gives the count back when the
limit is reached, so parallel requests can never overshoot it; `Taken.refund` gives it back when the action
did not happen after all. `retry_after` tells a refused client when one more action will fit.
"""

import contextlib
import math
import re
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured

from registry.exceptions import RateLimited

# PyPI's message (Warehouse's `create_project`).
TOO_MANY_PROJECTS = "Too many new projects created"

_UNITS = {"s": 1, "second": 1, "m": 60, "minute": 60, "h": 3600, "hour": 3600, "d": 86400, "day": 86400}
_RATE_RE = re.compile(r"\s*(\d+)\s*(?:/|per)\s*(\d*)\s*([a-z]+?)s?\s*\Z")


@dataclass(frozen=True)
class Rate:
    """`count` actions per `seconds`."""

    count: int
    seconds: int

    def __str__(self):
        return f"{self.count}/{self.seconds}s"


def parse_rate(text: str) -> Rate:
    """Read "20/hour", "40 per hour", "10/5m", "100/day"; ImproperlyConfigured for anything else."""
    match = _RATE_RE.match(text.lower())
    if not match or match[3] not in _UNITS or int(match[1]) < 1:
        raise ImproperlyConfigured(f"'{text}' is not a rate such as '20/hour' or '10/5m'.")
    return Rate(count=int(match[1]), seconds=int(match[2] or 1) * _UNITS[match[3]])


@dataclass(frozen=True)
class Taken:
    """Actions counted by `take`, to give back when they did not happen."""

    keys: tuple[str, ...] = ()

    def refund(self) -> None:
        for key in self.keys:
            with contextlib.suppress(ValueError):  # expired meanwhile: nothing left to give back
                cache.decr(key)

    def __add__(self, other: "Taken") -> "Taken":
        return Taken(self.keys + other.keys)


class SlidingWindow:
    """A limit of `rate` actions per key within any window of `rate.seconds`, named `scope`."""

    def __init__(self, scope: str, rate: Rate):
        self.scope = scope
        self.rate = rate

    def _keys(self, key: str, now: float) -> tuple[str, str, float]:
        bucket, offset = divmod(now, self.rate.seconds)
        prefix = f"ratelimit:{self.scope}:{self.rate.seconds}:{key}"
        return f"{prefix}:{int(bucket)}", f"{prefix}:{int(bucket) - 1}", offset / self.rate.seconds

    def current(self, key: str, *, now: float | None = None) -> float:
        """How many actions `key` made within the window ending now (estimated from two buckets)."""
        current_key, previous_key, elapsed = self._keys(key, time.time() if now is None else now)
        counts = cache.get_many([current_key, previous_key])
        return counts.get(current_key, 0) + counts.get(previous_key, 0) * (1 - elapsed)

    def allowed(self, key: str, *, now: float | None = None) -> bool:
        """Whether one more action fits; reads only."""
        return self.current(key, now=now) + 1 <= self.rate.count

    def retry_after(self, key: str, *, now: float | None = None) -> int:
        """Seconds until one more action of `key` fits again (at least 1): the answer's `Retry-After`."""
        current_key, previous_key, elapsed = self._keys(key, time.time() if now is None else now)
        counts = cache.get_many([current_key, previous_key])
        current, previous = counts.get(current_key, 0), counts.get(previous_key, 0)
        room = self.rate.count - 1  # what the window may hold for one more action to fit
        if current <= room and previous:
            # The previous bucket's weight shrinks as the window slides; wait until it is small enough.
            wait = (1 - (room - current) / previous) - elapsed
        else:
            # Wait for the next bucket, then until this one's weight (as the previous) is small enough.
            wait = (1 - elapsed) + (1 - room / current if current else 0)
        return max(1, math.ceil(wait * self.rate.seconds))

    def hit(self, key: str, *, now: float | None = None) -> None:
        """Count one action of `key`."""
        current_key, _, _ = self._keys(key, time.time() if now is None else now)
        # Two windows long, so the bucket still counts (weighted) while it is the previous one.
        cache.add(current_key, 0, timeout=2 * self.rate.seconds)
        try:
            cache.incr(current_key)
        except ValueError:  # evicted between add and incr
            cache.set(current_key, 1, timeout=2 * self.rate.seconds)

    def take(self, key: str, *, now: float | None = None) -> Taken | None:
        """Count one action of `key` if it fits, else None; atomic: parallel takes never pass the limit."""
        now = time.time() if now is None else now
        current_key, previous_key, elapsed = self._keys(key, now)
        try:
            # One round trip while the bucket exists (every upload counts): on Redis the count and the
            # previous bucket come from one script (config/redis_cache.py).
            count, previous = _incr_and_get(current_key, previous_key)
        except ValueError:  # the bucket's first action (or it was evicted): create it, expiring, then count
            cache.add(current_key, 0, timeout=2 * self.rate.seconds)
            try:
                count = cache.incr(current_key)
            except ValueError:  # evicted between add and incr
                cache.set(current_key, count := 1, timeout=2 * self.rate.seconds)
            previous = cache.get(previous_key, 0)
        if count + previous * (1 - elapsed) > self.rate.count:
            Taken((current_key,)).refund()
            return None
        return Taken((current_key,))


def _incr_and_get(key: str, other_key: str) -> tuple[int, int]:
    """Count one in `key` and read `other_key` (0 when missing); ValueError when `key` is missing."""
    incr_and_get = getattr(cache, "incr_and_get", None)
    if incr_and_get is not None:
        return incr_and_get(key, other_key, default=0)
    return cache.incr(key), cache.get(other_key, 0)


def limit(scope: str, setting: str) -> SlidingWindow:
    """The limit named `scope`, at the rate the setting `setting` gives ("COUNT/PERIOD")."""
    return SlidingWindow(scope, parse_rate(getattr(settings, setting)))


def refuse(window: SlidingWindow, key: str, message: str) -> RateLimited:
    return RateLimited(message, retry_after=window.retry_after(key))


def _project_limits(user_id: int, ip_address: str | None) -> list[tuple[SlidingWindow, str]]:
    limits = [(limit("project-create-user", "WHARF_PROJECT_CREATE_USER_RATE"), str(user_id))]
    if ip_address:
        limits.append((limit("project-create-ip", "WHARF_PROJECT_CREATE_IP_RATE"), ip_address))
    return limits


def check_project_creation(*, user_id: int, ip_address: str | None) -> None:
    """Raise RateLimited (429) when the user or the IP address created too many projects recently (reads only:
    an early refusal before the upload is checked; `take_project_creation` counts)."""
    for window, key in _project_limits(user_id, ip_address):
        if not window.allowed(key):
            raise refuse(window, key, TOO_MANY_PROJECTS)


def take_project_creation(*, user_id: int, ip_address: str | None) -> Taken:
    """Count a project creation against both limits before it happens; RateLimited when either is reached.

    The caller refunds what it took if the project is not created after all.
    """
    taken = Taken()
    for window, key in _project_limits(user_id, ip_address):
        counted = window.take(key)
        if counted is None:
            taken.refund()
            raise refuse(window, key, TOO_MANY_PROJECTS)
        taken += counted
    return taken


def take_upload(*, token_id: int) -> None:
    """Count an upload with this API token (WHARF_UPLOAD_TOKEN_RATE); RateLimited when there were too many."""
    window = limit("upload-token", "WHARF_UPLOAD_TOKEN_RATE")
    if window.take(str(token_id)) is None:
        raise refuse(
            window,
            str(token_id),
            f"Too many uploads with this API token: at most {window.rate.count} every "
            f"{_period(window.rate.seconds)}. Upload again later.",
        )


def take_xmlrpc_call(*, ip_address: str) -> int | None:
    """Count an XML-RPC call from `ip_address` (WHARF_XMLRPC_IP_RATE); the seconds to wait if refused."""
    window = limit("xmlrpc-ip", "WHARF_XMLRPC_IP_RATE")
    return None if window.take(ip_address) is not None else window.retry_after(ip_address)


def _period(seconds: int) -> str:
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds % size == 0:
            count = seconds // size
            return unit if count == 1 else f"{count} {unit}s"
    return f"{seconds} seconds"
