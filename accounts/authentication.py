"""Who is calling the REST API, and what the call may do: Django REST framework's authentication and
permission classes, on the same token rules as uploads (docs/api.md).

- `TokenAuthentication`: `Authorization: Bearer <token>` (or `token <token>`, or Basic with the user name
  `__token__`), parsed by `accounts.tokens.token_from_authorization` and checked by
  `accounts.services.token_authenticate`, the one parser and check every door uses. A refused token answers
  401 with `WWW-Authenticate`, even on endpoints anonymous callers may read.
- `SessionAuthentication`: the browser's login session, with Django's CSRF check on every write.
- `requires(permission)`: the permission class of an endpoint. A token must hold the permission
  (`accounts.enums.TokenPermission`); a browser session holds what its user could give a token (`moderate`
  only for moderators). `account_wide=True` also refuses project-scoped tokens.
- `check_project_scope`: a project-scoped token acts on its own project only.

Each app's `api/` package imports these; no app imports another's `api/`.
"""

from django.conf import settings
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions, permissions

from accounts.enums import TokenPermission
from accounts.exceptions import TokenRejected
from accounts.models import ApiToken, User
from accounts.services import token_authenticate, token_mark_used, token_permission_refusal
from accounts.tokens import INVALID_AUTH, token_from_authorization
from moderation import policy

REALM = 'Bearer realm="Wharf API"'
# What a refused token is told; PyPI's generic sentence, with the way to authenticate.
REFUSED = {
    INVALID_AUTH: (
        f"{INVALID_AUTH} Send 'Authorization: Bearer <token>' with a live API token from /accounts/tokens/."
    ),
}


class TokenAuthentication(authentication.BaseAuthentication):
    """An API token in the `Authorization` header; `request.auth` is the ApiToken."""

    def authenticate(self, request):
        header = request.META.get("HTTP_AUTHORIZATION", "")
        if not header.strip():
            return None
        try:
            token = token_authenticate(token_from_authorization(header))
        except TokenRejected as error:
            raise exceptions.AuthenticationFailed(REFUSED.get(error.message, error.message)) from None
        # The whole account (upload's lean copy defers its fields): permissions and moderation checks read it.
        token.user = User.objects.get(pk=token.user_id)
        token_mark_used(token)
        return token.user, token

    def authenticate_header(self, request):
        return REALM


class SessionAuthentication(authentication.SessionAuthentication):
    """The logged-in browser session; writes need the CSRF token (as Django's own forms do)."""


class TokenScheme(OpenApiAuthenticationExtension):
    """The OpenAPI security schemes of TokenAuthentication: Bearer, or Basic with the user `__token__`."""

    target_class = TokenAuthentication
    name = ["bearerAuth", "basicAuth"]

    def get_security_requirement(self, auto_schema):
        return [{"bearerAuth": []}, {"basicAuth": []}]  # either one, not both

    def get_security_definition(self, auto_schema):
        return [
            {"type": "http", "scheme": "bearer", "description": "An API token from /accounts/tokens/."},
            {"type": "http", "scheme": "basic", "description": "User `__token__`, an API token as password."},
        ]


class SessionScheme(OpenApiAuthenticationExtension):
    target_class = SessionAuthentication
    name = "cookieAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "cookie", "name": settings.SESSION_COOKIE_NAME}


def request_token(request) -> ApiToken | None:
    """The API token that authenticated `request`, or None (anonymous, or a browser session)."""
    return request.auth if isinstance(request.auth, ApiToken) else None


def caller_may(request, permission: str) -> bool:
    """Whether the authenticated caller may use `permission` (see the module docstring)."""
    token = request_token(request)
    if token is not None:
        return token.allows(permission)
    if permission == TokenPermission.MODERATE:
        return policy.is_moderator(request.user)
    return request.user.is_authenticated


def caller_is_moderator(request) -> bool:
    """A moderator calling with a token (or session) that may moderate: they see quarantined projects."""
    return policy.is_moderator(request.user) and caller_may(request, TokenPermission.MODERATE)


SCOPE_REFUSED = "This API token is scoped to project '{project}', so it cannot act on {what}."


def check_project_scope(request, project) -> None:
    """PermissionDenied when a project-scoped token acts on another project (`project`, or the account as
    a whole when None)."""
    token = request_token(request)
    if token is None or token.project_id is None:
        return
    if project is not None and token.project_id == project.pk:
        return
    what = f"project '{project.name}'" if project is not None else "the account as a whole"
    raise exceptions.PermissionDenied(
        SCOPE_REFUSED.format(project=token.project.name, what=what), code="token_scope"
    )


class _Requires(permissions.BasePermission):
    permission = ""
    account_wide = False
    safe_methods_open = False

    def has_permission(self, request, view):
        if self.safe_methods_open and request.method in permissions.SAFE_METHODS:
            return True
        if not request.user or not request.user.is_authenticated:
            return False  # DRF answers 401 with WWW-Authenticate
        if not caller_may(request, self.permission):
            self.message = token_permission_refusal(self.permission)
            if request_token(request) is None:
                self.message = f"Only moderators can use this endpoint ('{self.permission}' permission)."
            self.code = "missing_permission"
            return False
        if self.account_wide:
            check_project_scope(request, None)
        return True


def requires(permission: str, *, account_wide: bool = False, reads_open: bool = False) -> type:
    """The permission class of endpoints that need `permission`; `account_wide` endpoints refuse
    project-scoped tokens; `reads_open` lets anyone use the endpoint's GET and HEAD."""
    return type(
        f"Requires_{permission}",
        (_Requires,),
        {"permission": permission, "account_wide": account_wide, "safe_methods_open": reads_open},
    )
