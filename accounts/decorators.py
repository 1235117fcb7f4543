"""View guards other apps reuse: "this page needs a verified primary email address".

    from accounts.decorators import verified_email_required, VerifiedEmailRequiredMixin

    @verified_email_required                      # or @verified_email_required(reason="...")
    def add_collaborator(request, name): ...

    class NameClaimCreate(VerifiedEmailRequiredMixin, FormView):
        verified_email_reason = "You must verify your primary email address before you can file a name claim."

Anonymous visitors are sent to the login page; signed-in users without a verified primary address get a 403
page that says why and links to their email page. Services call `accounts.services.require_verified_email`
for the same check and catch `accounts.exceptions.EmailNotVerified`.
"""

import time
from functools import wraps

from allauth.account import app_settings as allauth_account_settings
from allauth.account.authentication import get_authentication_records
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import render

from accounts.exceptions import EmailNotVerified
from accounts.services import VERIFY_TO_ACT, require_verified_email


def email_not_verified_response(request, error: EmailNotVerified):
    """The 403 page for a refused action: the reason and a link to the account's email page."""
    return render(
        request, "account/email_required.html", {"reason": error.reason, "email_url": error.url}, status=403
    )


def verified_email_required(view=None, *, reason: str = VERIFY_TO_ACT):
    """Decorate a function view: login required, then a verified primary email address."""

    def decorator(view_func):
        @login_required
        @wraps(view_func)
        def wrapper(request, *args, **kwargs):
            try:
                require_verified_email(request.user, reason=reason)
            except EmailNotVerified as error:
                return email_not_verified_response(request, error)
            return view_func(request, *args, **kwargs)

        return wrapper

    return decorator(view) if view is not None else decorator


class VerifiedEmailRequiredMixin(LoginRequiredMixin):
    """Class-based view version of `verified_email_required`; set `verified_email_reason` to explain."""

    verified_email_reason = VERIFY_TO_ACT

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            try:
                require_verified_email(request.user, reason=self.verified_email_reason)
            except EmailNotVerified as error:
                return email_not_verified_response(request, error)
        return super().dispatch(request, *args, **kwargs)


def needs_reauthentication(request) -> bool:
    """Whether to ask for the password before a sensitive change (creating an API token, on the page or
    through the REST API with a browser session): yes, unless this session logged in or confirmed the
    password in the last ACCOUNT_REAUTHENTICATION_TIMEOUT seconds (PyPI asks before tokens)."""
    records = get_authentication_records(request, request.user)
    latest = max((record.get("at", 0) for record in records), default=0)
    return time.time() - latest >= allauth_account_settings.REAUTHENTICATION_TIMEOUT
