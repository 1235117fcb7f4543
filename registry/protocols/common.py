"""HTTP details shared by the read APIs: ETags, conditional GETs, CORS, redirects."""

import hashlib
from urllib.parse import quote

from django.conf import settings
from django.http import HttpResponse, HttpResponsePermanentRedirect

from registry.cache import etag_matches

CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET",
    "Access-Control-Allow-Headers": (
        "Content-Type, If-Match, If-Modified-Since, If-None-Match, If-Unmodified-Since"
    ),
    "Access-Control-Max-Age": "86400",
    "Access-Control-Expose-Headers": "X-PyPI-Last-Serial",
}


def files_base(request) -> str:
    """Scheme and host that file URLs start with: WHARF_FILES_URL, else the host the client asked."""
    return settings.WHARF_FILES_URL or request.build_absolute_uri("/").rstrip("/")


def read_response(
    request,
    body: bytes,
    content_type: str,
    *,
    serial: int,
    max_age: int,
    status: int = 200,
    vary_accept: bool = False,
) -> HttpResponse:
    """A read-API answer with its serial, ETag and caching headers; 304 when the client already has it."""
    etag = '"' + hashlib.md5(body, usedforsecurity=False).hexdigest() + '"'
    if status == 200 and etag_matches(request.META.get("HTTP_IF_NONE_MATCH", ""), etag):
        response = HttpResponse(status=304)
    else:
        response = HttpResponse(body, content_type=content_type, status=status)
    if status == 200:
        response["ETag"] = etag
        response["Cache-Control"] = f"public, max-age={max_age}"
    response["X-PyPI-Last-Serial"] = str(serial)
    if vary_accept:
        response["Vary"] = "Accept"
    for header, value in CORS_HEADERS.items():
        response[header] = value
    return response


def not_found(*, json_body: bool = False) -> HttpResponse:
    if json_body:
        response = HttpResponse(b'{"message": "Not Found"}\n', content_type="application/json", status=404)
    else:
        response = HttpResponse(b"404 Not Found\n", content_type="text/plain; charset=utf-8", status=404)
    for header, value in CORS_HEADERS.items():
        response[header] = value
    return response


def redirect_permanently(request, path: str) -> HttpResponse:
    """301 to `path` on this host, keeping the query string (PEP 503 clients follow it to the normal name)."""
    location = quote(path)
    if request.META.get("QUERY_STRING"):
        location += "?" + request.META["QUERY_STRING"]
    response = HttpResponsePermanentRedirect(location)
    for header, value in CORS_HEADERS.items():
        response[header] = value
    return response
