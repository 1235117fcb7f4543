"""Template helpers of the web pages: site paths in messages become links, and people from core metadata."""

import re

from django import template
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

register = template.Library()

# A path on this site written in plain text ("See /status/ for more information."): admins' messages are
# also read by twine users, so they name paths; on a page the path is a link. Only /word/... paths qualify.
_SITE_PATH = re.compile(r"(?<![\w/.:-])(/[a-z][a-z0-9_-]*/(?:[a-z0-9_.-]+/)*(?:#[A-Za-z0-9_-]+)?)")


@register.filter
def link_paths(text) -> str:
    """Escape `text` and make each site path in it (/status/, /help/#admin-intervention) a link."""
    parts = _SITE_PATH.split(str(text))
    html = "".join(
        format_html('<a href="{}">{}</a>', part, part) if index % 2 else escape(part)
        for index, part in enumerate(parts)
    )
    return mark_safe(html)  # noqa: S308 (every part was escaped or built by format_html)
