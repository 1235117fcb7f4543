"""A CDN in front of Wharf: which answers it may keep, under which keys, and purging those keys on change.

Cacheable answers carry `Surrogate-Control` (how long the CDN keeps them, and serves them stale while it
revalidates or while Wharf fails) and `Surrogate-Key` (what a purge names): `project/<name>` for a project's
pages, `all-projects` for the index-wide ones (the Simple root, the feeds). Only answers that do not depend on
who asks are marked, and only for projects everyone may see: `shareable` decides, for this module and for the
pre-rendered front (`registry.front`) alike.

After every change `journal_record` has the configured purger drop the project's key and `all-projects`
(`WHARF_CDN_PURGER`: none by default; `registry.cdn.HttpPurger` sends `POST WHARF_CDN_PURGE_URL` with the
keys in a `Surrogate-Key` header, the purge-by-key request CDNs such as Fastly accept), from a Celery task so
that no request waits for the CDN.
"""

import urllib.request

from django.conf import settings
from django.utils.module_loading import import_string

ALL_PROJECTS = "all-projects"
DAY = 24 * 3600
# Simple pages and the JSON API (Warehouse's `origin_cache` values for them); the JSON Simple root is kept
# shorter, as PyPI keeps it.
PAGE_TIMES = {"max_age": DAY, "stale_while_revalidate": 300, "stale_if_error": DAY}
SIMPLE_ROOT_JSON_TIMES = {**PAGE_TIMES, "max_age": 1800}
FEED_TIMES = {"max_age": DAY, "stale_while_revalidate": DAY, "stale_if_error": 5 * DAY}
PURGE_TIMEOUT = 10


def shareable(project) -> bool:
    """Whether answers about `project` may be kept outside Wharf (a CDN, the front's files): the same for
    every client, because anyone may read them."""
    return project.is_public


def project_key(normalized_name: str) -> str:
    return f"project/{normalized_name}"


def mark_cacheable(
    response, *, keys: list[str], max_age: int, stale_while_revalidate: int, stale_if_error: int
) -> None:
    response["Surrogate-Control"] = (
        f"max-age={max_age}, stale-while-revalidate={stale_while_revalidate}, stale-if-error={stale_if_error}"
    )
    response["Surrogate-Key"] = " ".join(keys)


def changed_keys(normalized_name: str) -> list[str]:
    """What a change to a project makes stale at the CDN: its pages, and the index-wide pages listing it."""
    return [project_key(normalized_name), ALL_PROJECTS]


class NullPurger:
    """No CDN: nothing to purge."""

    def purge(self, keys: list[str]) -> None:
        pass


class HttpPurger:
    """Purge by surrogate key over HTTP: `POST WHARF_CDN_PURGE_URL` with `Surrogate-Key: <keys>`.

    `WHARF_CDN_PURGE_TOKEN`, when set, goes in the `Fastly-Key` header; `Fastly-Soft-Purge: 1` marks the
    content stale rather than gone, so the CDN may still serve it while Wharf is unreachable.
    """

    def purge(self, keys: list[str]) -> None:
        headers = {"Surrogate-Key": " ".join(keys), "Fastly-Soft-Purge": "1"}
        if settings.WHARF_CDN_PURGE_TOKEN:
            headers["Fastly-Key"] = settings.WHARF_CDN_PURGE_TOKEN
        url = settings.WHARF_CDN_PURGE_URL
        request = urllib.request.Request(url, method="POST", headers=headers)  # noqa: S310 (operator's URL)
        with urllib.request.urlopen(request, timeout=PURGE_TIMEOUT) as answer:  # noqa: S310
            answer.read()


def purger() -> NullPurger | HttpPurger:
    return import_string(settings.WHARF_CDN_PURGER)()


def purging() -> bool:
    """Whether a purger other than the no-op one is configured (no task is queued otherwise)."""
    return settings.WHARF_CDN_PURGER != "registry.cdn.NullPurger"
