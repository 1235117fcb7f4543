"""Rendering a release description (README) to safe HTML, as Warehouse's `utils/readme.py` does.

readme_renderer turns reStructuredText (the default), Markdown (GFM or CommonMark) or plain text into
HTML and cleans it with nh3: no scripts, event handlers, styles, frames, forms or `javascript:` links
(docs/hostile-inputs.md, H). An upload whose description does not render is refused (as Warehouse does),
so rendering must never raise, whatever the input. Results are cached in-process, because the same
description arrives with every file of a release. Pure: no Django, no database.
"""

import email.message
import hashlib
import logging
import threading
from collections import OrderedDict

import readme_renderer.markdown
import readme_renderer.rst
import readme_renderer.txt

logger = logging.getLogger(__name__)

DEFAULT_CONTENT_TYPE = "text/x-rst"
HELP_LINK = "/help/#description-content-type"
CACHE_SIZE = 256

_MISSING = object()


class _RenderCache:
    """A small thread-safe LRU of rendered descriptions keyed by (sha256 of text, content type)."""

    def __init__(self, size: int):
        self.size = size
        self._entries: OrderedDict[tuple[str, str | None], str | None] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple[str, str | None]) -> object:
        with self._lock:
            if key not in self._entries:
                return _MISSING
            self._entries.move_to_end(key)
            return self._entries[key]

    def put(self, key: tuple[str, str | None], value: str | None) -> None:
        with self._lock:
            self._entries[key] = value
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


_cache = _RenderCache(CACHE_SIZE)


def render_description(text: str, content_type: str | None) -> str | None:
    """Render a description to sanitized HTML; None when it does not render.

    `content_type` is the Description-Content-Type as uploaded (reStructuredText when missing). A blank
    description renders to "" (there is nothing to fail on). Never raises for any text: a README that makes
    docutils or the Markdown renderer raise counts as one that does not render (docutils has crashed on
    crafted input). Repeated calls with the same text and content type are served from a cache.
    """
    if not text.strip():
        return ""
    key = (hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest(), content_type)
    cached = _cache.get(key)
    if cached is not _MISSING:
        return cached  # type: ignore[return-value]
    rendered = _render(text, content_type)
    _cache.put(key, rendered)
    return rendered


def clear_cache() -> None:
    """Forget every rendered description (tests, or after upgrading readme_renderer)."""
    _cache.clear()


def description_render_error(content_type: str | None) -> str:
    """The message for a description that failed to render (Warehouse's wording)."""
    if content_type:
        problem = f"The description failed to render for '{content_type}'."
    else:
        problem = "The description failed to render in the default format of reStructuredText."
    return f"{problem} See {HELP_LINK} for more information."


def _render(text: str, content_type: str | None) -> str | None:
    try:
        media_type, variant = _parse_content_type(content_type)
        if media_type == "text/markdown":
            # Only the variant is passed on: other parameters would land in the renderer's keyword
            # arguments (rst's `stream`, for one) and make it crash.
            return readme_renderer.markdown.render(text, variant=variant or "GFM")
        if media_type == "text/x-rst":
            return readme_renderer.rst.render(text)
        rendered = readme_renderer.txt.render(text)
        if rendered is not None and media_type == "text/plain":
            rendered = f"<pre>{rendered}</pre>"  # keep the author's line breaks and spacing
        return rendered
    except Exception as error:
        # docutils has crashed on crafted input before (a finding of PyPI's 2023 audit; deep nesting
        # raises RecursionError): a crash is a description that does not render, never a server
        # error. No traceback in the log: a recursion error's is thousands of frames long.
        logger.warning("Description renderer raised %s; treating it as not rendering", type(error).__name__)
        return None


def _parse_content_type(content_type: str | None) -> tuple[str, str | None]:
    """(media type, markdown variant), with reStructuredText as the default like Warehouse."""
    if not content_type:
        return DEFAULT_CONTENT_TYPE, None
    header = email.message.EmailMessage()
    header["content-type"] = content_type
    # get_content_type() falls back to text/plain for an unparsable value, as RFC 2045 says; an
    # unknown type renders as plain text too (Warehouse's fallback renderer).
    return header.get_content_type(), header["content-type"].params.get("variant")


__all__ = ["clear_cache", "description_render_error", "render_description"]
