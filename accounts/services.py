"""Writes and checks on accounts: users, email state, API tokens."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from allauth.account.models import EmailAddress
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from accounts.exceptions import AccountError, TokenRejected
from accounts.models import ApiToken, User
from accounts.tokens import looks_like_token, new_token, token_digest
from accounts.validators import validate_username

INVALID_AUTH = "Invalid or non-existent authentication information."


@transaction.atomic
def user_create(
    *, username: str, email: str, password: str, verified_email: bool = False, superuser: bool = False
) -> User:
    """Create an account whose primary email is `email`, verified or not.

    Raises AccountError when the username is invalid or taken, or the email is in use.
    """
    try:
        validate_username(username)
    except ValidationError as error:
        raise AccountError(error.messages[0]) from None
    if User.objects.filter(username__iexact=username).exists():
        raise AccountError(f"The username '{username}' is already taken.")
    if EmailAddress.objects.filter(email__iexact=email).exists():
        raise AccountError(f"The email address '{email}' is already used by another account.")
    user = User(username=username, email=email, is_staff=superuser, is_superuser=superuser)
    user.set_password(password)
    try:
        user.save()
    except IntegrityError:
        raise AccountError(f"The username '{username}' is already taken.") from None
    EmailAddress.objects.create(user=user, email=email, primary=True, verified=verified_email)
    return user


def has_verified_primary_email(user: User) -> bool:
    return EmailAddress.objects.filter(user=user, primary=True, verified=True).exists()


def has_two_factor(user: User) -> bool:
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(
        user=user, type__in=[Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]
    ).exists()


@dataclass(frozen=True)
class MintedToken:
    token: ApiToken
    raw: str  # shown once, never stored


def token_create(
    *, user: User, description: str, project=None, expires: datetime | None = None
) -> MintedToken:
    """Create an API token for `user`, for the whole account or one project.

    Raises AccountError when the description is empty, too long or already used by a live token.
    """
    description = description.strip()
    if not description:
        raise AccountError("Give the token a name so you can recognise it later.")
    if len(description) > 100:
        raise AccountError("Token names are 100 characters or less.")
    if ApiToken.objects.filter(user=user, description=description, revoked__isnull=True).exists():
        raise AccountError(f"You already have a token named '{description}'; choose another name.")
    raw = new_token()
    token = ApiToken.objects.create(
        user=user, description=description, digest=token_digest(raw), project=project, expires=expires
    )
    return MintedToken(token=token, raw=raw)


def token_authenticate(raw: str) -> ApiToken:
    """The live token `raw` stands for, with its user.

    The token comes annotated with what upload asks of its user next, in the same query:
    `user_has_verified_email` and `user_has_two_factor`.
    Raises TokenRejected: unknown, revoked or malformed tokens and inactive users get PyPI's generic
    message; an expired token says so (PROTOCOLS.md §1.3).
    """
    from allauth.mfa.models import Authenticator

    raw = raw.strip()
    if not looks_like_token(raw):
        raise TokenRejected(INVALID_AUTH)
    token = (
        ApiToken.objects.select_related("user")
        .annotate(
            user_has_verified_email=Exists(
                EmailAddress.objects.filter(user=OuterRef("user"), primary=True, verified=True)
            ),
            user_has_two_factor=Exists(
                Authenticator.objects.filter(
                    user=OuterRef("user"), type__in=[Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]
                )
            ),
        )
        .filter(digest=token_digest(raw), revoked__isnull=True)
        .first()
    )
    if token is None or not token.user.is_active:
        raise TokenRejected(INVALID_AUTH)
    if token.expires is not None and token.expires <= timezone.now():
        raise TokenRejected("Invalid API Token: token is expired")
    return token


# "Last used" is shown to the user; minute precision spares a write on every upload of a busy token.
LAST_USED_PRECISION = timedelta(minutes=1)


def token_mark_used(token: ApiToken) -> None:
    now = timezone.now()
    if token.last_used is None or now - token.last_used >= LAST_USED_PRECISION:
        ApiToken.objects.filter(pk=token.pk).update(last_used=now)
        token.last_used = now


def token_revoke(*, token: ApiToken) -> None:
    ApiToken.objects.filter(pk=token.pk, revoked__isnull=True).update(revoked=timezone.now())
