"""The read-only admin flag as middleware: while it is on, every write is refused with 503 and the flag's
message (PROTOCOLS.md §5.1: PyPI dooms every transaction).

Reads (GET, HEAD, OPTIONS, TRACE) pass. So do the admin (the flag is switched off there), the logins that
reach it (password and two-factor step) and logging out; the XML-RPC endpoint, whose POSTs only read; and
the upload API, which answers read-only itself, in the upload protocol's way (PROTOCOLS.md §1.4 row 2).
"""

from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string

from moderation import policy

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
EXEMPT_PATHS = frozenset({"/pypi", "/pypi/", "/RPC2", "/RPC2/", "/legacy", "/legacy/"})
EXEMPT_PREFIXES = ("/admin/", "/accounts/login/", "/accounts/2fa/authenticate/", "/accounts/logout/")


class ReadOnlyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in SAFE_METHODS and not _exempt(request.path_info):
            message = policy.flag_refusal(policy.FlagId.READ_ONLY)
            if message:
                return read_only_response(request, message)
        return self.get_response(request)


def _exempt(path: str) -> bool:
    return path in EXEMPT_PATHS or path.startswith(EXEMPT_PREFIXES)


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
