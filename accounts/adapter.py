"""allauth's hooks, Wharf's rules: who may sign up, which addresses are refused, how mail goes out, and what
failed logins say.

Settings point allauth here (`ACCOUNT_ADAPTER`, `MFA_ADAPTER`). Each hook stays small and asks the services
or `moderation.policy`; allauth keeps its flows (sign-up, login, verification, reset, 2FA).
"""

import email_validator
from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from allauth.mfa.adapter import DefaultMFAAdapter
from django.conf import settings
from django.contrib.sites.shortcuts import get_current_site
from django.core.exceptions import PermissionDenied, ValidationError
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string

from accounts.emails import SITE_NAME, enqueue_email
from accounts.enums import SecurityEventKind
from moderation import policy

PROHIBITED_DOMAIN = "You can't use an email address from this domain. Use a different email."
EMAIL_TOO_LONG = "The email address is too long. Try again."
EMAIL_INVALID = "The email address isn't valid. Try again."
EMAIL_MAX_LENGTH = 254  # the longest address SMTP can carry (RFC 5321), and the column's width
GENERIC_HTML_TEMPLATE = "account/email/wharf_message.html"


def lockout_minutes() -> int:
    """How long a burst of failed logins locks an account or address out (the longest `login_failed` rate)."""
    from allauth.core.internal.ratelimit import get_rates

    rates = get_rates(app="allauth.account", action="login_failed")
    return max((round(rate.duration / 60) for rate in rates), default=5) or 1


def request_origin(request) -> tuple[str | None, str]:
    """The client's IP address and user agent, for the security log (either may be missing)."""
    if request is None:
        return None, ""
    try:
        ip = DefaultAccountAdapter(request).get_client_ip(request)
    except PermissionDenied:
        ip = None
    return ip, request.META.get("HTTP_USER_AGENT", "")[:200]


class WharfAccountAdapter(DefaultAccountAdapter):
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        # In PyPI's words (Warehouse's `warehouse/accounts/forms.py`).
        "cannot_remove_primary_email": "Cannot remove primary email address.",
        "unverified_primary_email": "Only a verified email address can be made primary.",
        "email_taken": "This email address is already used by another account. Use a different email.",
        "username_taken": "This username is already taken.",
    }

    def get_reauthentication_methods(self, user) -> list[dict]:
        """allauth's ways to confirm it is you, in Wharf's words ("log in", never "sign in")."""
        words = {
            "reauthenticate": "Use your password",
            "reauthenticate_by_code": "Email me a code",
            "mfa_reauthenticate": "Use your authenticator app or a recovery code",
            "mfa_reauthenticate:webauthn": "Use a security key",
        }
        methods = super().get_reauthentication_methods(user)
        for method in methods:
            method["description"] = words.get(method["id"], method["description"])
        return methods

    @property
    def lockout_message(self) -> str:
        return (
            "There have been too many unsuccessful login attempts. You have been locked out for "
            f"{lockout_minutes()} minutes. Please attempt your login again later."
        )

    def validation_error(self, code, *args):
        if code == "too_many_login_attempts":
            return ValidationError(self.lockout_message, code=code)
        return super().validation_error(code, *args)

    # --- sign-up ------------------------------------------------------------------------------------------

    def is_open_for_signup(self, request) -> bool:
        """Closed while admins switch on "disallow new user registration" (the page shows their message)."""
        return policy.flag_refusal(policy.FlagId.DISALLOW_NEW_USER_REGISTRATION) is None

    def clean_email(self, email: str) -> str:
        """At sign-up and on adding an address: PyPI's length and syntax rules (email-validator, without DNS:
        no `@localhost`, no IP literals, no special-use domains), then the domains the admins prohibited
        (docs/hostile-inputs.md, G)."""
        email = super().clean_email(email)
        if len(email) > EMAIL_MAX_LENGTH:
            raise ValidationError(EMAIL_TOO_LONG, code="email_too_long")
        try:
            email_validator.validate_email(email, check_deliverability=False)
        except email_validator.EmailNotValidError:
            raise ValidationError(EMAIL_INVALID, code="invalid_email") from None
        if policy.email_domain_prohibited(email):
            raise ValidationError(PROHIBITED_DOMAIN, code="prohibited_domain")
        return email

    # --- login --------------------------------------------------------------------------------------------

    def authenticate(self, request, **credentials):
        """A disabled account answers like a wrong password, so its state does not leak."""
        user = super().authenticate(request, **credentials)
        if user is not None and not user.is_active:
            self.authentication_failed(request, **credentials)
            return None
        return user

    def authentication_failed(self, request, **credentials) -> None:
        """Log a failed password login on the account it names, when there is one."""
        from accounts.selectors import user_for_login
        from accounts.services import security_event_record

        user = user_for_login(credentials.get("username") or credentials.get("email") or "")
        if user is not None:
            ip, agent = request_origin(request)
            security_event_record(
                user=user, kind=SecurityEventKind.LOGIN_FAILED, ip_address=ip, user_agent=agent
            )

    # --- mail ---------------------------------------------------------------------------------------------

    def format_email_subject(self, subject: str) -> str:
        return str(subject)  # `accounts.emails.deliver` adds "[Wharf] " to every subject

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """Render the email here (links need the request) and send it from the `send_email` task."""
        # Some notifications are sent from on-commit callbacks, after allauth's request context has ended.
        request = allauth_context.request or self.request
        if request is not None:
            # allauth builds its links (verification, password reset, sign-up) from the request's host;
            # every email link is built from WHARF_SITE_URL instead.
            here = request.build_absolute_uri("/").rstrip("/")
            context = {
                key: settings.WHARF_SITE_URL + value[len(here) :]
                if isinstance(value, str) and value.startswith(f"{here}/")
                else value
                for key, value in context.items()
            }
        ctx = {
            "request": request,
            "email": email,
            "current_site": get_current_site(request) if request else None,
            "site_name": SITE_NAME,
            # Every link in every email is built from the one setting (README: WHARF_SITE_URL).
            "site_url": settings.WHARF_SITE_URL,
            "verification_hours": settings.WHARF_EMAIL_VERIFICATION_HOURS,
            # Notifications sent after the request (on commit) get no context processors: name it here.
            "support_email": settings.WHARF_SUPPORT_EMAIL,
            **context,
        }
        subject = " ".join(render_to_string(f"{template_prefix}_subject.txt", ctx, request).split())
        text = render_to_string(f"{template_prefix}_message.txt", ctx, request).strip()
        try:
            html = render_to_string(f"{template_prefix}_message.html", ctx, request)
        except TemplateDoesNotExist:
            html = render_to_string(GENERIC_HTML_TEMPLATE, {**ctx, "subject": subject, "text": text}, request)
        enqueue_email(to=[email], subject=subject, text=text, html=html)


class WharfMFAAdapter(DefaultMFAAdapter):
    def get_totp_issuer(self) -> str:
        return SITE_NAME

    def get_public_key_credential_rp_entity(self) -> dict[str, str]:
        return {**super().get_public_key_credential_rp_entity(), "name": SITE_NAME}
