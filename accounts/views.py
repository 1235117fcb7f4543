"""Account pages: overview, API tokens, security log, and Wharf's rules on allauth's sign-up and email pages.

Thin views: validate a form, call a service, render. allauth serves the rest of /accounts/ (logout, password,
verification links, two-factor devices); the login page is allauth's, with a lockout that answers 429.
Every 429 of allauth's rate limits is `too_many_requests` (config/urls.py `handler429`), with Retry-After.
"""

from allauth.account import app_settings as allauth_account_settings
from allauth.account.decorators import reauthentication_required
from allauth.account.models import EmailAddress
from allauth.account.views import EmailView, LoginView, SignupView
from allauth.core.internal.ratelimit import parse_rates
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from accounts import selectors
from accounts.adapter import request_origin
from accounts.decorators import needs_reauthentication
from accounts.exceptions import AccountError, EmailNotVerified
from accounts.forms import TokenCreateForm
from accounts.services import (
    VERIFY_TO_CREATE_TOKEN,
    MintedToken,
    has_two_factor,
    has_verified_primary_email,
    require_verified_email,
    token_create,
    token_revoke,
)
from moderation import policy


@login_required
def account_home(request):
    user = request.user
    context = {
        "emails": EmailAddress.objects.filter(user=user).order_by("-primary", "email"),
        "verified_primary": has_verified_primary_email(user),
        "two_factor": has_two_factor(user),
        "token_count": selectors.token_list(user=user).count(),
    }
    return render(request, "account/home.html", context)


# The secret of a token just created waits in the session for the page the browser is redirected to, which
# shows it once and forgets it: a reload never submits the form again (Post/Redirect/Get).
MINTED_SESSION_KEY = "accounts:minted-token"


@login_required
@reauthentication_required(allow_get=True, enabled=needs_reauthentication)
def tokens(request):
    """GET lists the live tokens and shows a token just created, this once; POST creates one and redirects
    to GET."""
    user = request.user
    projects = selectors.token_scope_projects(user=user)
    form = TokenCreateForm(request.POST or None, projects=projects, moderator=policy.is_moderator(user))
    email_refusal = _email_refusal(user)
    status = 200
    if request.method == "POST":
        if email_refusal is None and form.is_valid():
            ip, agent = request_origin(request)
            try:
                minted = token_create(
                    user=user,
                    description=form.cleaned_data["description"],
                    project=form.cleaned_data["scope"],
                    permissions=form.cleaned_data["permissions"],
                    expires=form.cleaned_data["expires_on"],
                    ip_address=ip,
                    user_agent=agent,
                )
            except EmailNotVerified as error:
                email_refusal = error
            except AccountError as error:
                form.add_error(None, error.message)
            else:
                request.session[MINTED_SESSION_KEY] = {"id": minted.token.pk, "raw": minted.raw}
                return redirect("account_tokens")
        status = 403 if email_refusal is not None else 400
    context = {
        "form": form,
        "minted": _minted(request),
        "tokens": selectors.token_list(user=user),
        "email_refusal": email_refusal,
        "upload_url": request.build_absolute_uri("/legacy/"),
    }
    return render(request, "account/tokens.html", context, status=status)


def _email_refusal(user) -> EmailNotVerified | None:
    """Why the page shows no creation form (the service refuses such a creation too)."""
    try:
        require_verified_email(user, reason=VERIFY_TO_CREATE_TOKEN)
    except EmailNotVerified as error:
        return error
    return None


def _minted(request) -> MintedToken | None:
    """The token created by the POST that redirected here, taken out of the session (shown only once)."""
    kept = request.session.pop(MINTED_SESSION_KEY, None)
    if not kept:
        return None
    token = selectors.token_get(user=request.user, token_id=kept["id"])
    return MintedToken(token=token, raw=kept["raw"]) if token is not None else None


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def token_revoke_view(request, token_id: int):
    """GET asks for confirmation; POST revokes."""
    token = selectors.token_get(user=request.user, token_id=token_id)
    if token is None:
        raise Http404("No such token.")
    if request.method != "POST":
        return render(request, "account/token_revoke.html", {"token": token})
    ip, agent = request_origin(request)
    token_revoke(token=token, ip_address=ip, user_agent=agent)
    messages.success(request, f"Revoked the token '{token.description}'; requests with it now fail.")
    return redirect("account_tokens")


@login_required
def security_log(request):
    return render(
        request, "account/security.html", {"events": selectors.security_event_list(user=request.user)}
    )


class WharfSignupView(SignupView):
    """allauth's sign-up, refused with the admins' message while registration is frozen (the
    `disallow-new-user-registration` flag)."""

    def dispatch(self, request, *args, **kwargs):
        refusal = policy.flag_refusal(policy.FlagId.DISALLOW_NEW_USER_REGISTRATION)
        if refusal:
            return render(request, "account/signup_closed.html", {"refusal": refusal}, status=403)
        return super().dispatch(request, *args, **kwargs)


class WharfEmailView(EmailView):
    """allauth's email page with PyPI's rules: only a verified address becomes primary, and a refused
    re-send says why."""

    def _action_primary(self, request, *args, **kwargs):
        address = self._get_email_address(request)
        if address is not None and not address.verified:
            messages.error(request, "Only a verified email address can be made primary.")
            return None
        return super()._action_primary(request, *args, **kwargs)

    def _action_send(self, request, *args, **kwargs):
        address = self._get_email_address(request)
        if address is not None and address.verified:
            messages.info(request, f"{address.email} is already verified.")
            return None
        response = super()._action_send(request, *args, **kwargs)
        if address is not None and not self._did_send_verification_email:
            messages.error(
                request,
                f"Too many incomplete attempts to verify email address(es) for {request.user.username}. "
                "Complete a pending verification or wait before attempting again.",
            )
        return response


signup = WharfSignupView.as_view()
email = WharfEmailView.as_view()


# allauth's rate-limited actions (ACCOUNT_RATE_LIMITS) behind each page, for the Retry-After of its 429.
RATE_LIMITED_ACTIONS = {
    "account_login": ("login", "login_failed"),
    "account_signup": ("signup",),
    "account_reset_password": ("reset_password",),
    "account_reset_password_from_key": ("reset_password_from_key",),
    "account_email": ("manage_email", "confirm_email"),
    "account_change_password": ("change_password",),
    "account_reauthenticate": ("reauthenticate",),
}


def too_many_requests(request, *, reason: str = ""):
    """The 429 page of every allauth rate limit: what happened and when to try again (also Retry-After).

    The wait is the longest window of the page's limits: by then the limit has certainly let go.
    """
    match = request.resolver_match
    actions = RATE_LIMITED_ACTIONS.get(match.url_name if match else "", ())
    limits = allauth_account_settings.RATE_LIMITS
    windows = [rate.duration for action in actions for rate in parse_rates(limits.get(action))]
    retry_after = int(max(windows, default=60))
    context = {"reason": reason, "minutes": max(1, round(retry_after / 60))}
    response = render(request, "429.html", context, status=429)
    response["Retry-After"] = str(retry_after)
    return response


class LockoutLoginView(LoginView):
    """allauth's login page; an account or address locked out after failed logins gets the 429 page."""

    def form_invalid(self, form):
        if form.has_error(NON_FIELD_ERRORS, "too_many_login_attempts"):
            return too_many_requests(self.request, reason=" ".join(form.non_field_errors()))
        return super().form_invalid(form)


login = LockoutLoginView.as_view()
