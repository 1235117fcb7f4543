"""What every REST API v1 endpoint shares, wired in by `REST_FRAMEWORK` and `MIDDLEWARE` (config/settings.py):
the error format, the domain errors' statuses, pagination, per-token rate limits, ETags, and the schema's
error responses. The apps' `api/` packages hold the endpoints; `config/api_urls.py` mounts them.

Every error is `{"detail": "<one sentence>", "code": "<machine code>"}` (docs/api.md lists the codes).
"""

from django.conf import settings
from django.http import JsonResponse
from django.middleware.http import ConditionalGetMiddleware
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.views import defaults
from rest_framework import exceptions
from rest_framework.pagination import PageNumberPagination
from rest_framework.throttling import BaseThrottle

from accounts.adapter import request_origin
from accounts.exceptions import AccountError, EmailNotVerified, TokenNotPermitted
from moderation.claims.exceptions import ClaimConflict, ClaimError, TransitionRefused
from moderation.exceptions import (
    ModerationConflict,
    ModerationError,
    ModerationNotPermitted,
    ReportRateLimited,
)
from registry.exceptions import ManageConflict, ManageError, ManageNotPermitted
from registry.ratelimits import SlidingWindow, parse_rate

API_PREFIX = "/api/"

# Domain errors (one sentence each, raised by the services) and how the API answers them; first match wins.
DOMAIN_ERRORS = [
    (EmailNotVerified, 403, "email_not_verified"),
    (TokenNotPermitted, 403, "permission_denied"),
    (AccountError, 400, "invalid"),
    (ManageNotPermitted, 403, "permission_denied"),
    (ManageConflict, 409, "conflict"),
    (ManageError, 400, "invalid"),
    (ReportRateLimited, 429, "throttled"),
    (ModerationNotPermitted, 403, "permission_denied"),
    (ModerationConflict, 409, "conflict"),
    (ModerationError, 400, "invalid"),
    (ClaimConflict, 409, "conflict"),
    (TransitionRefused, 409, "conflict"),
    (ClaimError, 400, "invalid"),
]


class DomainError(exceptions.APIException):
    def __init__(self, detail: str, *, status: int, code: str):
        super().__init__(detail, code)
        self.status_code = status


def exception_handler(exc, context):
    """DRF's handler, with the services' errors mapped to statuses and every body made `{detail, code}`."""
    # Imported here: REST framework's views module reads the settings that name this module.
    from rest_framework.views import exception_handler as drf_exception_handler

    for error_class, status, code in DOMAIN_ERRORS:
        if isinstance(exc, error_class):
            exc = DomainError(exc.message, status=status, code=code)
            break
    if isinstance(exc, exceptions.Throttled):
        exc.detail = exceptions.ErrorDetail(
            f"Too many requests; try again in {exc.wait or 1:.0f} seconds.", code="throttled"
        )
    response = drf_exception_handler(exc, context)
    if response is not None:
        response.data = error_body(exc.detail if isinstance(exc, exceptions.APIException) else response.data)
    return response


def error_body(detail) -> dict:
    """`{"detail", "code"}` from DRF's detail: a sentence, or a validation error's field → messages."""
    field = ""
    while isinstance(detail, dict | list) and detail:
        if isinstance(detail, dict):
            key, detail = next(iter(detail.items()))
            if key not in ("non_field_errors", "detail"):
                field = field or key
        else:
            detail = detail[0]
    message = str(detail) if detail else "The request is not valid."
    code = getattr(detail, "code", None) or "invalid"
    if field and code in ("required", "null", "blank") and message.startswith("This field"):
        message = message.replace("This field", f"The field '{field}'", 1)
    elif field and not message.startswith(("The ", "'")) and field not in message:
        message = f"{field}: {message}"
    return {"detail": message, "code": code}


class Pagination(PageNumberPagination):
    """`?page=N` (and `?page_size=`, at most 100); answers carry `count`, `next`, `previous`, `results`."""

    page_size_query_param = "page_size"
    max_page_size = 100


class ApiRateThrottle(BaseThrottle):
    """WHARF_API_RATE per API token (a browser session counts per user), WHARF_API_ANON_RATE per client IP
    address for anonymous reads; past it, 429 with `Retry-After`. Counted in the shared cache, so every web
    worker sees the same numbers."""

    def allow_request(self, request, view):
        from accounts.authentication import request_token  # see exception_handler

        token = request_token(request)
        if token is not None:
            self.key, scope, rate = f"token:{token.pk}", "api", settings.WHARF_API_RATE
        elif request.user and request.user.is_authenticated:
            self.key, scope, rate = f"user:{request.user.pk}", "api", settings.WHARF_API_RATE
        else:
            ip_address, _ = request_origin(request._request)
            self.key, scope, rate = f"ip:{ip_address}", "api-anon", settings.WHARF_API_ANON_RATE
        self.window = SlidingWindow(scope, parse_rate(rate))
        if not self.window.allowed(self.key):
            return False
        self.window.hit(self.key)
        return True

    def wait(self):
        return self.window.retry_after(self.key)


class ApiConditionalGetMiddleware:
    """API answers: `ETag` on successful reads, 304 when `If-None-Match` matches (Django's conditional GET),
    `Vary: Authorization` (answers depend on the caller) and `Cache-Control: private, no-cache`."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.conditional = ConditionalGetMiddleware(get_response)

    def __call__(self, request):
        response = self.get_response(request)
        if not request.path_info.startswith(API_PREFIX):
            return response
        patch_vary_headers(response, ("Authorization",))
        if request.method in ("GET", "HEAD") and response.status_code == 200:
            patch_cache_control(response, private=True, no_cache=True)
        return self.conditional.process_response(request, response)


# --- Django's own error answers, in the API's format under /api/ -------------------------------------------


def not_found(request, exception=None):
    if request.path_info.startswith(API_PREFIX):
        body = {"detail": "There is no such API endpoint or object.", "code": "not_found"}
        return JsonResponse(body, status=404)
    return defaults.page_not_found(request, exception)


def server_error(request):
    if request.path_info.startswith(API_PREFIX):
        body = {"detail": "The server failed to answer this request.", "code": "server_error"}
        return JsonResponse(body, status=500)
    return defaults.server_error(request)


# --- OpenAPI: the error responses every operation may give -------------------------------------------------

ERROR_SCHEMA = {
    "type": "object",
    "properties": {
        "detail": {"type": "string", "description": "One sentence: what was wrong and how to fix it."},
        "code": {"type": "string", "description": "A machine code, e.g. not_found, missing_permission."},
    },
    "required": ["detail", "code"],
}
ERRORS = {
    "400": "The request is not valid (the sentence says why); nothing changed.",
    "401": "No credentials, or a token that is unknown, revoked or expired (with WWW-Authenticate).",
    "403": "The caller may not do this: a missing role or token permission, or another project's token.",
    "404": "No such object, or one the caller may not see.",
    "405": "The endpoint does not answer this method.",
    "406": "The endpoint answers JSON only.",
    "409": "The change does not fit the current state (already yanked, an open invitation, ...).",
    "415": "Send JSON (Content-Type: application/json).",
    "429": "Too many requests (with Retry-After).",
    "503": "The index is in read-only mode.",
}


def error_responses(result, generator, request, public):
    """drf-spectacular post-processing hook: the Error schema and each error response on every operation."""
    components = result.setdefault("components", {}).setdefault("schemas", {})
    components["Error"] = ERROR_SCHEMA
    for path_item in result.get("paths", {}).values():
        for operation in path_item.values():
            responses = operation.setdefault("responses", {})
            for status, description in ERRORS.items():
                responses.setdefault(
                    status,
                    {
                        "description": description,
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
                    },
                )
    return result
