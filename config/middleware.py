"""Request hygiene that every view relies on."""

from django.conf import settings
from django.http import Http404


class NulInPathMiddleware:
    """A path with a NUL character names nothing here: answer 404 before any view looks it up.

    PostgreSQL text cannot hold NUL, so a lookup with one would fail with a database error instead of
    finding nothing; SQLite would simply find nothing. One check here keeps both databases answering 404.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path_info:
            raise Http404("Not Found")
        return self.get_response(request)


class PermissionsPolicyMiddleware:
    """Every answer names the browser features its page may use: `PERMISSIONS_POLICY`, no powerful one.

    Django has no setting for the header. WebAuthn (two-factor security keys) keeps its default: this origin.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = settings.PERMISSIONS_POLICY

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", self.policy)
        return response
