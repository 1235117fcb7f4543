"""Responses shared by the APIs."""

import re
from functools import cache

from django.http import HttpResponse
from django.urls import reverse

from registry.exceptions import (
    IndexReadOnly,
    InvalidUpload,
    NameConflict,
    RateLimited,
    ServerBusy,
    UploadActionGone,
    UploadError,
    UploadNotPermitted,
)

STATUS_BY_ERROR = {
    InvalidUpload: 400,
    UploadNotPermitted: 403,
    NameConflict: 409,
    RateLimited: 429,
    UploadActionGone: 410,
    IndexReadOnly: 503,
    ServerBusy: 503,
}


def reason_phrase(message: str) -> str:
    """The message as an HTTP reason phrase: one line of ISO-8859-1 (Warehouse's `_exc_with_message`)."""
    line = " ".join(message.split())
    return line.encode("iso-8859-1", "replace").decode("iso-8859-1")


# Messages link to our own pages by path ("See /help/#invalid-auth ..."); a client such as twine shows them
# without a base, so they get one. The pages they may link to, by URL name: their first path segments are
# what a link starts with.
LINKED_PAGES = ("help", "name-check", "status", "manage-projects")


@cache
def site_path_re() -> re.Pattern:
    """` /help/`, ` /names/`, ...: a path of one of LINKED_PAGES' sections after a space (read once)."""
    sections = sorted({reverse(name).split("/")[1] for name in LINKED_PAGES})
    alternatives = "|".join(map(re.escape, sections))
    return re.compile(rf"(?<=\s)/(?=(?:{alternatives})/)")


def absolute_links(message: str, request) -> str:
    return site_path_re().sub(request.build_absolute_uri("/"), message) if request is not None else message


def message_response(status: int, message: str, request=None) -> HttpResponse:
    """A refusal whose message is both the reason phrase (twine shows it) and the body."""
    message = absolute_links(message, request)
    return HttpResponse(
        message + "\n", status=status, reason=reason_phrase(message), content_type="text/plain; charset=utf-8"
    )


def error_response(error: UploadError, request=None) -> HttpResponse:
    status = next(code for kind, code in STATUS_BY_ERROR.items() if isinstance(error, kind))
    response = message_response(status, error.message, request)
    if error.retry_after is not None:
        response["Retry-After"] = str(error.retry_after)
    return response
