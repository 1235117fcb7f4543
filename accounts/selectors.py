"""Reads of accounts: a user's tokens, the projects a token may be scoped to, the security log, 2FA state."""

from django.db.models import QuerySet
from packaging.utils import canonicalize_name

from accounts.models import ApiToken, SecurityEvent, User


def token_list(*, user: User) -> QuerySet[ApiToken]:
    """The user's live (unrevoked) tokens, newest first, with their projects."""
    return user.api_tokens.filter(revoked__isnull=True).select_related("project").order_by("-created", "-id")


def token_get(*, user: User, token_id: int) -> ApiToken | None:
    """One live token of `user`; None for anyone else's token, so ids cannot be probed."""
    return user.api_tokens.filter(pk=token_id, revoked__isnull=True).first()


def token_scope_projects(*, user: User) -> list:
    """The projects `user` owns or maintains, by name: the scopes a new token may have.

    The one place accounts reads the registry's roles, through the reverse relation `user.roles`, so that
    accounts needs no import of registry (docs/decisions/0001-app-boundaries.md).
    """
    roles = user.roles.select_related("project").order_by("project__normalized_name")
    return [role.project for role in roles]


def token_scope_project(*, user: User, name: str):
    """The project called `name` (any spelling of its PEP 503 name) if `user` owns or maintains it."""
    normalized = canonicalize_name(name)
    return next((p for p in token_scope_projects(user=user) if p.normalized_name == normalized), None)


def security_event_list(*, user: User, limit: int = 200) -> list[SecurityEvent]:
    """The newest `limit` lines of the user's security log."""
    return list(user.security_events.all()[:limit])


def two_factor_methods(*, user: User) -> dict[str, int]:
    """How many authenticators of each allauth type (totp, webauthn, recovery_codes) the user has."""
    from allauth.mfa.models import Authenticator

    counts: dict[str, int] = {}
    for kind in Authenticator.objects.filter(user=user).values_list("type", flat=True):
        counts[kind] = counts.get(kind, 0) + 1
    return counts


def user_for_login(login: str) -> User | None:
    """The account a login form's identifier names: a username (any case) or one of its email addresses."""
    from allauth.account.models import EmailAddress

    login = login.strip()
    if not login:
        return None
    user = User.objects.filter(username__iexact=login).first()
    if user is None and "@" in login:
        address = EmailAddress.objects.filter(email__iexact=login).select_related("user").first()
        user = address.user if address else None
    return user
