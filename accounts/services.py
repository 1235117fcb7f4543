"""Writes and checks on accounts: users, email state, API tokens, the security log.

Sign-up, login, email addresses and two-factor devices are allauth's flows; `accounts.adapter` and
`accounts.receivers` connect them to the checks and the security log here.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from accounts import signals
from accounts.enums import TOKEN_PERMISSION_ORDER, SecurityEventKind, TokenPermission
from accounts.exceptions import AccountError, EmailNotVerified, TokenNotPermitted, TokenRejected
from accounts.models import ApiToken, SecurityEvent, User
from accounts.selectors import token_scope_projects
from accounts.tokens import INVALID_AUTH, looks_like_token, new_token, token_digest
from accounts.validators import validate_username
from common.sql import sql
from moderation import policy


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


def clean_token_permissions(permissions: Iterable[str]) -> list[str]:
    """The permissions asked for, each once, in TOKEN_PERMISSION_ORDER; AccountError for an unknown one or
    none at all."""
    wanted = set()
    for permission in permissions:
        if permission not in TOKEN_PERMISSION_ORDER:
            raise AccountError(
                f"'{str(permission)[:50]}' is not a token permission; choose from "
                f"{', '.join(TokenPermission.values)}."
            )
        wanted.add(permission)
    if not wanted:
        raise AccountError(f"Give the token at least one permission: {', '.join(TokenPermission.values)}.")
    return sorted(wanted, key=TOKEN_PERMISSION_ORDER.__getitem__)


def check_token_permissions(*, user: User, permissions: Iterable[str]) -> list[str]:
    """`clean_token_permissions`, and `moderate` only for a moderator's token (TokenNotPermitted)."""
    permissions = clean_token_permissions(permissions)
    if TokenPermission.MODERATE in permissions and not policy.is_moderator(user):
        raise TokenNotPermitted("Only moderators' tokens can have the 'moderate' permission.")
    return permissions


def _check_attenuation(parent: ApiToken, *, project, permissions: list[str], expires):
    """A token creating a token gives it at most its own scope, permissions and lifetime; returns the
    expiry (the parent's when none was asked for)."""
    for permission in permissions:
        if not parent.allows(permission):
            raise TokenNotPermitted(
                f"This token lacks the '{permission}' permission, so it cannot create a token that has it: "
                "a token only creates tokens with at most its own permissions."
            )
    if parent.project_id is not None and (project is None or project.pk != parent.project_id):
        raise TokenNotPermitted(
            "This token is scoped to one project, so it can only create tokens scoped to that same project."
        )
    if parent.expires is not None:
        if expires is None:
            return parent.expires
        if expires > parent.expires:
            raise TokenNotPermitted(
                f"This token expires after {parent.expires_on:%Y-%m-%d}, so the tokens it creates must "
                "expire by then too."
            )
    return expires


@transaction.atomic
def token_create(
    *,
    user: User,
    description: str,
    project=None,
    expires: datetime | None = None,
    permissions: Iterable[str] = (TokenPermission.UPLOAD,),
    parent: ApiToken | None = None,
    check_email: bool = True,
    ip_address: str | None = None,
    user_agent: str = "",
) -> MintedToken:
    """Create an API token for `user`: its scope (the whole account or one project they have a role on), its
    permissions (`TokenPermission`) and an optional expiry.

    The one way to create tokens: the account page, the REST API and `mint_token` call it; the creation goes
    into the security log. `parent` is the token that authenticated the request (REST API): the new token
    gets at most its scope, permissions and lifetime. `check_email=False` is for the administrator's
    `mint_token`, who vouches for the account at the console.

    Raises EmailNotVerified without a verified primary address; TokenNotPermitted when `parent` may not give
    what is asked; AccountError when the description is empty, too long or already used by a live token,
    a permission is unknown (or `moderate` for a non-moderator), the project is not one of the user's, or
    the expiry has passed.
    """
    if check_email:
        require_verified_email(user, reason=VERIFY_TO_CREATE_TOKEN)
    description = description.strip()
    if not description:
        raise AccountError("Give the token a name so you can recognise it later.")
    if len(description) > 100:
        raise AccountError("Token names are 100 characters or less.")
    if "\x00" in description:
        raise AccountError("Null bytes are not allowed.")
    permissions = check_token_permissions(user=user, permissions=permissions)
    if parent is not None:
        expires = _check_attenuation(parent, project=project, permissions=permissions, expires=expires)
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
                user=user,
                description=description,
                digest=token_digest(raw),
                project=project,
                expires=expires,
                permissions=permissions,
            )
    except IntegrityError:
        # A concurrent request created a live token with this name first.
        raise AccountError(f"You already have a token named '{description}'; choose another name.") from None
    security_event_record(
        user=user,
        kind=SecurityEventKind.TOKEN_CREATED,
        detail=f"{description} ({token.scope_label}; {token.permissions_label})",
        ip_address=ip_address,
        user_agent=user_agent,
    )
    signals.token_created.send(sender=ApiToken, token=token)
    return MintedToken(token=token, raw=raw)


def token_expiry(day: date) -> datetime:
    """The expiry of a token whose last day (UTC) is `day`: it works through the whole of that day.

    AccountError for a day in the past or the calendar's last day (which has no next day).
    """
    if day < timezone.now().date():
        raise AccountError("The expiry must be today or later.")
    if day == date.max:
        raise AccountError("Choose an expiry before 9999-12-31, or leave it empty for no expiry.")
    return datetime.combine(day + timedelta(days=1), time.min, tzinfo=UTC)


def token_permission_refusal(permission: str) -> str:
    """What a request made with a token lacking `permission` is told (upload and the REST API alike)."""
    return (
        f"This API token lacks the '{permission}' permission, which this request needs; create a token "
        "with it at /accounts/tokens/."
    )


def token_default_description(*, user: User, now: datetime | None = None) -> str:
    """A readable name for a token whose creator gave none: "Command line, <date> <time> UTC", numbered when
    the user already has a live token of that name."""
    base = f"Command line, {(now or timezone.now()):%Y-%m-%d %H:%M} UTC"
    taken = set(
        ApiToken.objects.filter(user=user, revoked__isnull=True, description__startswith=base).values_list(
            "description", flat=True
        )
    )
    number = 1
    description = base
    while description in taken:
        number += 1
        description = f"{base} ({number})"
    return description


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


@transaction.atomic
def token_permissions_set(*, token: ApiToken, permissions: Iterable[str], actor=None) -> ApiToken:
    """Change what a live token may do (the admin sets it); the security log records it, naming `actor`.

    Raises AccountError for an unknown permission, none at all, `moderate` for an account that is no
    moderator, or a revoked token.
    """
    permissions = check_token_permissions(user=token.user, permissions=permissions)
    before = ApiToken.objects.filter(pk=token.pk).values_list("permissions", flat=True).first()
    changed = ApiToken.objects.filter(pk=token.pk, revoked__isnull=True).update(permissions=permissions)
    if not changed:
        raise AccountError(f"The token '{token.description}' is revoked, so it cannot be changed.")
    token.permissions = permissions
    if before != permissions:
        by = f" by {actor.username}" if actor is not None and actor.pk != token.user_id else ""
        security_event_record(
            user=token.user,
            kind=SecurityEventKind.TOKEN_PERMISSIONS_CHANGED,
            detail=f"{token.description}: {', '.join(before)} → {token.permissions_label}{by}",
        )
    return token


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
