"""Request hygiene that every view relies on, and the security headers every answer carries."""

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CSPMiddleware
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


class OrderedCSPMiddleware(CSPMiddleware):
    """django-csp's Content-Security-Policy, its directives always in the order the settings list them.

    django-csp 4.0 gathers the directives in a set, whose order follows string hashing and so changes with
    every process (PYTHONHASHSEED): two web nodes, or two gunicorn workers, would send one policy spelled two
    ways, and nginx's copy of the header (deploy/nginx.conf) could match only one of them. A fixed order makes
    the header the same bytes everywhere.
    """

    def __init__(self, get_response):
        super().__init__(get_response)
        directives = {
            **(getattr(settings, "CONTENT_SECURITY_POLICY", None) or {}).get("DIRECTIVES", {}),
            **(getattr(settings, "CONTENT_SECURITY_POLICY_REPORT_ONLY", None) or {}).get("DIRECTIVES", {}),
        }
        self.positions = {name: position for position, name in enumerate(directives)}

    def process_response(self, request, response):
        response = super().process_response(request, response)
        for header in (HEADER, HEADER_REPORT_ONLY):
            if header in response:
                response[header] = self.ordered(response[header])
        return response

    def ordered(self, policy: str) -> str:
        """`policy`'s directives in the settings' order; any other (a view's addition) after them, by name."""

        def place(directive: str) -> tuple[int, str]:
            name = directive.split(" ", 1)[0]
            return self.positions.get(name, len(self.positions)), name

        return "; ".join(sorted((d.strip() for d in policy.split(";") if d.strip()), key=place))
