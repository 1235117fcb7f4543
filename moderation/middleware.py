"""The read-only admin flag as middleware: while it is on, every write is refused with 503 and the flag's
message (docs/decisions/0005-read-only-mode-answers-503.md; Warehouse's read-only flag dooms every
transaction).

Reads (GET, HEAD, OPTIONS, TRACE) pass. So do the admin (the flag is switched off there), the logins that
reach it (password and two-factor step) and logging out; the XML-RPC endpoint, whose POSTs only read; and
the upload API, which answers read-only itself, in the upload protocol's way. The exempt routes are named
below by their URL names, so renaming one breaks tests/test_routes_by_name.py instead of the exemption.
"""

from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string

from moderation import policy

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
EXEMPT_URL_NAMES = frozenset(
    {"xmlrpc", "upload", "upload-without-slash", "account_login", "mfa_authenticate", "account_logout"}
)
EXEMPT_NAMESPACES = frozenset({"admin"})


class ReadOnlyMiddleware:
    """Decides once the URL is resolved (`process_view`), by the route's name."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method in SAFE_METHODS or _exempt(request.resolver_match):
            return None
        message = policy.flag_refusal(policy.FlagId.READ_ONLY)
        return read_only_response(request, message) if message else None


def _exempt(match) -> bool:
    return match.url_name in EXEMPT_URL_NAMES or not EXEMPT_NAMESPACES.isdisjoint(match.namespaces)


def read_only_response(request, message: str) -> HttpResponse:
    """503 with the message: a page for browsers, the REST API's error body under /api/, plain text (and
    the reason phrase) for other clients."""
    reason = " ".join(message.split()).encode("iso-8859-1", "replace").decode("iso-8859-1")
    if request.path_info.startswith("/api/"):
        body = {"detail": message, "code": "read_only"}
        return JsonResponse(body, status=503, reason=reason, headers={"Retry-After": "300"})
    if "text/html" in request.headers.get("Accept", ""):
        body = render_to_string("moderation/read_only.html", {"message": message}, request)
        return HttpResponse(body, status=503, reason=reason, headers={"Retry-After": "300"})
    return HttpResponse(
        message + "\n",
        status=503,
        reason=reason,
        content_type="text/plain; charset=utf-8",
        headers={"Retry-After": "300"},
    )
