"""Signal receivers: allauth's account and MFA events become lines of the account's security log.

Connected in `AccountsConfig.ready`. Token events are logged by the token services themselves.
"""

from allauth.account import signals as account_signals
from allauth.mfa import signals as mfa_signals
from allauth.mfa.models import Authenticator
from django.dispatch import receiver

from accounts.adapter import request_origin
from accounts.enums import SecurityEventKind as Kind
from accounts.services import security_event_record


def _record(request, user, kind: Kind, detail: str = "") -> None:
    if user is None or not user.pk:
        return
    ip, agent = request_origin(request)
    security_event_record(user=user, kind=kind, detail=detail, ip_address=ip, user_agent=agent)


@receiver(account_signals.user_signed_up)
def on_signed_up(sender, request, user, **kwargs):
    _record(request, user, Kind.SIGNED_UP, user.email)


@receiver(account_signals.user_logged_in)
def on_logged_in(sender, request, user, **kwargs):
    _record(request, user, Kind.LOGIN)


@receiver(account_signals.user_logged_out)
def on_logged_out(sender, request, user, **kwargs):
    _record(request, user, Kind.LOGOUT)


@receiver(account_signals.password_changed)
@receiver(account_signals.password_set)
def on_password_changed(sender, request, user, **kwargs):
    _record(request, user, Kind.PASSWORD_CHANGED)


@receiver(account_signals.password_reset)
def on_password_reset(sender, request, user, **kwargs):
    _record(request, user, Kind.PASSWORD_RESET)


@receiver(account_signals.email_added)
def on_email_added(sender, request, user, email_address, **kwargs):
    _record(request, email_address.user, Kind.EMAIL_ADDED, email_address.email)


@receiver(account_signals.email_confirmed)
def on_email_confirmed(sender, request, email_address, **kwargs):
    _record(request, email_address.user, Kind.EMAIL_VERIFIED, email_address.email)


@receiver(account_signals.email_removed)
def on_email_removed(sender, request, user, email_address, **kwargs):
    _record(request, email_address.user, Kind.EMAIL_REMOVED, email_address.email)


@receiver(account_signals.email_changed)
def on_primary_changed(sender, request, user, from_email_address, to_email_address, **kwargs):
    _record(request, to_email_address.user, Kind.EMAIL_PRIMARY_CHANGED, to_email_address.email)


def _describe(authenticator: Authenticator) -> str:
    if authenticator.type == Authenticator.Type.TOTP:
        return "Authenticator app (TOTP)"
    if authenticator.type == Authenticator.Type.WEBAUTHN:
        return f"Security key: {authenticator.wrap().name}"
    return "Recovery codes"


@receiver(mfa_signals.authenticator_added)
def on_authenticator_added(sender, request, user, authenticator, **kwargs):
    if authenticator.type == Authenticator.Type.RECOVERY_CODES:
        _record(request, user, Kind.RECOVERY_CODES_REGENERATED)
    else:
        _record(request, user, Kind.TWO_FACTOR_ENABLED, _describe(authenticator))


@receiver(mfa_signals.authenticator_removed)
def on_authenticator_removed(sender, request, user, authenticator, **kwargs):
    _record(request, user, Kind.TWO_FACTOR_DISABLED, _describe(authenticator))


@receiver(mfa_signals.authenticator_reset)
def on_authenticator_reset(sender, request, user, authenticator, **kwargs):
    _record(request, user, Kind.RECOVERY_CODES_REGENERATED)


@receiver(mfa_signals.authenticator_used)
def on_authenticator_used(sender, request, user, authenticator, **kwargs):
    if authenticator.type == Authenticator.Type.RECOVERY_CODES:
        _record(request, user, Kind.RECOVERY_CODE_USED)


@receiver(mfa_signals.authentication_failed)
def on_two_factor_failed(sender, request, user, **kwargs):
    _record(request, user, Kind.TWO_FACTOR_FAILED)
