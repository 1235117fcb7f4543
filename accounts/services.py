"""Writes and checks on accounts: users, email state, API tokens, the security log.

Sign-up, login, email addresses and two-factor devices are allauth's flows; `accounts.adapter` and
`accounts.receivers` connect them to the checks and the security log here.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from accounts import signals
from accounts.enums import SecurityEventKind
from accounts.exceptions import AccountError, EmailNotVerified, TokenRejected
from accounts.models import ApiToken, SecurityEvent, User
from accounts.selectors import token_scope_projects
from accounts.tokens import INVALID_AUTH, looks_like_token, new_token, token_digest
from accounts.validators import validate_username
from common.sql import sql


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


# PyPI's wording; the generic one covers managing collaborators, name claims and the rest.
VERIFY_TO_ACT = "You must verify your primary email address before you can perform this action."
VERIFY_TO_CREATE_TOKEN = "Verify your email to create an API token."  # noqa: S105 (a message)
VERIFY_TO_ENABLE_2FA = "Verify your email to modify two factor authentication."


def require_verified_email(user: User, *, reason: str = VERIFY_TO_ACT) -> None:
    """Refuse unless `user` has a verified primary email address.

    Raises EmailNotVerified carrying `reason` and the email page's URL, for the actions that need a
    verified address: creating projects, API tokens, two-factor devices, collaborators and name claims.
    """
    if not user.is_authenticated or not has_verified_primary_email(user):
        url = reverse("account_email")
        raise EmailNotVerified(reason, url=url)


def has_two_factor(user: User) -> bool:
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(
        user=user, type__in=[Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]
    ).exists()


@dataclass(frozen=True)
class MintedToken:
    token: ApiToken
    raw: str  # shown once, never stored


def security_event_record(
    *,
    user: User,
    kind: SecurityEventKind,
    detail: str = "",
    ip_address: str | None = None,
    user_agent: str = "",
) -> SecurityEvent:
    """Add a line to `user`'s security log (shown on the account's security page and in the admin)."""
    return SecurityEvent.objects.create(
        user=user, kind=kind, detail=detail[:200], ip_address=ip_address or None, user_agent=user_agent[:200]
    )


@transaction.atomic
def token_create(
    *,
    user: User,
    description: str,
    project=None,
    expires: datetime | None = None,
    ip_address: str | None = None,
    user_agent: str = "",
) -> MintedToken:
    """Create an API token for `user`, for the whole account or one project they have a role on.

    The one way to create tokens (the account page and `mint_token` both call it); the creation goes into
    the security log. Raises AccountError when the description is empty, too long or already used by a live
    token, when the project is not one of the user's, or when the expiry has passed.
    """
    description = description.strip()
    if not description:
        raise AccountError("Give the token a name so you can recognise it later.")
    if len(description) > 100:
        raise AccountError("Token names are 100 characters or less.")
    if "\x00" in description:
        raise AccountError("Null bytes are not allowed.")
    if project is not None and project not in token_scope_projects(user=user):
        raise AccountError("A token can only be scoped to a project you own or maintain.")
    if expires is not None and expires <= timezone.now():
        raise AccountError("The expiry must be in the future.")
    if ApiToken.objects.filter(user=user, description=description, revoked__isnull=True).exists():
        raise AccountError(f"You already have a token named '{description}'; choose another name.")
    raw = new_token()
    try:
        with transaction.atomic():
            token = ApiToken.objects.create(
                user=user, description=description, digest=token_digest(raw), project=project, expires=expires
            )
    except IntegrityError:
        # A concurrent request created a live token with this name first.
        raise AccountError(f"You already have a token named '{description}'; choose another name.") from None
    security_event_record(
        user=user,
        kind=SecurityEventKind.TOKEN_CREATED,
        detail=f"{description} ({token.scope_label})",
        ip_address=ip_address,
        user_agent=user_agent,
    )
    signals.token_created.send(sender=ApiToken, token=token)
    return MintedToken(token=token, raw=raw)


# Upload authenticates once per file: one plain statement through Model.raw(), which skips the ORM's query
# compilation. On the benchmark machine compiling the equivalent queryset (select_related plus an Exists
# annotation) cost 1.3 ms against 0.3 ms for the raw statements (bench/README.md, uploads), and on PostgreSQL
# each further statement costs a round trip.
_API_KEY_ROW_SQL = sql(
    "SELECT t.*, u.{User.username} AS uploader_username, u.{User.email} AS uploader_email,"
    " u.{User.is_active} AS uploader_is_active, EXISTS(SELECT 1 FROM {EmailAddress} e"
    " WHERE e.{EmailAddress.user} = t.{ApiToken.user} AND e.{EmailAddress.primary}"
    " AND e.{EmailAddress.verified}) AS user_has_verified_email"
    " FROM {ApiToken} t LEFT JOIN {User} u ON u.{User.pk} = t.{ApiToken.user}"
    " WHERE t.{ApiToken.digest} = %s AND t.{ApiToken.revoked} IS NULL",
    ApiToken=ApiToken,
    User=User,
    EmailAddress=EmailAddress,
)


def token_authenticate(raw: str, *, allow_publisher: bool = False) -> ApiToken:
    """The live token `raw` stands for, with its user.

    Tokens minted by trusted publishing have no user (`token.user` is None, `token.publisher_id` set) and
    only upload: they authenticate only where the caller says `allow_publisher=True` (the upload service).

    The token comes annotated with what upload asks of its user next, in the same query:
    `user_has_verified_email` (uploads happen many times a second; two-factor is asked only when required).
    Raises TokenRejected: unknown, revoked or malformed tokens and inactive users get PyPI's generic
    message; an expired token says so (Warehouse's macaroon caveats).
    """
    raw = raw.strip()
    if not looks_like_token(raw):
        raise TokenRejected(INVALID_AUTH)
    token = next(iter(ApiToken.objects.raw(_API_KEY_ROW_SQL, [token_digest(raw)])), None)
    if token is not None and token.user_id is None:
        # A trusted publisher's short-lived token: it belongs to its publisher, and has no user.
        token.user = None
        token.user_has_verified_email = False
        if token.publisher_id is None or not allow_publisher:
            token = None
    elif token is not None:
        token.user_has_verified_email = bool(token.user_has_verified_email)
        # A deferred instance: fields not read here load on access, and save() writes only what was read.
        token.user = _deferred(
            User,
            token._state.db,
            id=token.user_id,
            username=token.uploader_username,
            email=token.uploader_email,
            is_active=bool(token.uploader_is_active),
        )
    if token is None or (token.user is not None and not token.user.is_active):
        raise TokenRejected(INVALID_AUTH)
    if token.expires is not None and token.expires <= timezone.now():
        raise TokenRejected("Invalid API Token: token is expired")
    return token


def _deferred(model, db: str, **values):
    """`model` as loaded from `db` with only `values` read (from_db takes them in field order)."""
    names = [field.attname for field in model._meta.concrete_fields if field.attname in values]
    return model.from_db(db, names, [values[name] for name in names])


# "Last used" is shown to the user; minute precision spares a write on every upload of a busy token.
LAST_USED_PRECISION = timedelta(minutes=1)


def token_mark_used(token: ApiToken) -> None:
    """Record that `token` authenticated an upload: `last_used`, and a security-log line on its first use
    of each (UTC) day, so the log shows when a token is in use without a line per upload."""
    now = timezone.now()
    previous = token.last_used
    if previous is None or now - previous >= LAST_USED_PRECISION:
        ApiToken.objects.filter(pk=token.pk).update(last_used=now)
        token.last_used = now
    if token.user is not None and (previous is None or previous.date() != now.date()):
        security_event_record(user=token.user, kind=SecurityEventKind.TOKEN_USED, detail=token.description)


def token_revoke(*, token: ApiToken, ip_address: str | None = None, user_agent: str = "") -> bool:
    """Revoke `token` for good (uploads with it fail from now on) and log it; False if it already was."""
    with transaction.atomic():
        revoked = ApiToken.objects.filter(pk=token.pk, revoked__isnull=True).update(revoked=timezone.now())
        if revoked:
            security_event_record(
                user=token.user,
                kind=SecurityEventKind.TOKEN_REVOKED,
                detail=token.description,
                ip_address=ip_address,
                user_agent=user_agent,
            )
    return bool(revoked)


# --- freezing (moderation) ---------------------------------------------------------------------------------


@transaction.atomic
def user_freeze(*, user: User, reason: str, end_sessions: bool = True) -> bool:
    """Stop an account: it cannot log in (allauth answers as for a wrong password, so its state does not leak)
    nor reach the admin, its live API tokens are revoked and its sessions end. The security log records it
    with `reason`. Returns whether the account was active before, which `user_unfreeze` needs to restore it.
    `end_sessions=False` leaves the sessions to one `sessions_end` call for a whole batch of accounts.

    The moderation services call this and do the rest (the freeze record, quarantining the account's
    projects, the audit trail, the email). Revoked tokens stay revoked when the account is unfrozen.
    """
    was_active = user.is_active
    User.objects.filter(pk=user.pk).update(is_active=False)
    user.is_active = False
    now = timezone.now()
    revoked = ApiToken.objects.filter(user=user, revoked__isnull=True).update(revoked=now)
    security_event_record(
        user=user,
        kind=SecurityEventKind.ACCOUNT_FROZEN,
        detail=f"{reason} ({revoked} API token(s) revoked)" if revoked else reason,
    )
    if end_sessions:
        sessions_end(user_ids=[user.pk])
    return was_active


@transaction.atomic
def user_unfreeze(*, user: User, was_active: bool, reason: str) -> None:
    """Lift a freeze: the account gets back the active state it had before `user_freeze` (`was_active`);
    the security log records it. Tokens revoked by the freeze stay revoked."""
    User.objects.filter(pk=user.pk).update(is_active=was_active)
    user.is_active = was_active
    security_event_record(user=user, kind=SecurityEventKind.ACCOUNT_UNFROZEN, detail=reason)


def sessions_end(*, user_ids: list[int]) -> int:
    """Delete every stored session of these users; returns how many went.

    Django already ignores an inactive user's session, but a session left in the store would come back to
    life when the account is unfrozen. Sessions do not record their user in a column, so each live one is
    decoded: a freeze is rare, and one pass serves a whole batch of accounts. Works with the database-backed
    session engines (Django's default); other engines rely on the inactive check alone.
    """
    from importlib import import_module

    from django.contrib.sessions.models import Session

    engine = import_module(settings.SESSION_ENGINE)
    if not hasattr(engine.SessionStore, "get_model_class"):
        return 0
    wanted = {str(pk) for pk in user_ids}
    ended = 0
    live = Session.objects.filter(expire_date__gt=timezone.now())
    for session in live.iterator(chunk_size=2000):
        if str(session.get_decoded().get("_auth_user_id")) in wanted:
            engine.SessionStore(session.session_key).delete()
            ended += 1
    return ended


@transaction.atomic
def two_factor_reset(*, user: User, reason: str) -> int:
    """Remove every two-factor method of `user` (authenticator apps, security keys, recovery codes), for the
    lost-device case: the user logs in with the password and sets two-factor authentication up again.

    The moderators call this (`moderation.services.users_reset_two_factor`, which audits and emails); the
    security log records it with `reason`. Returns how many methods went.
    """
    from allauth.mfa.models import Authenticator

    removed, _ = Authenticator.objects.filter(user=user).delete()
    security_event_record(
        user=user, kind=SecurityEventKind.TWO_FACTOR_DISABLED, detail=f"Reset by the moderators: {reason}"
    )
    return removed
