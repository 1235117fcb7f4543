"""The admin site: staff sign in through allauth's login (with its 2FA step), never a password-only form.

With `WHARF_ADMIN_REQUIRE_2FA` on (the default when DEBUG is off) a staff session only reaches the admin when
the account has two-factor authentication and this session passed it; otherwise the login page explains what
to do. `WharfAdminConfig` (accounts/apps.py) makes this the site every `admin.site.register` uses.
"""

from allauth.account.authentication import get_authentication_records
from django.conf import settings
from django.contrib import admin
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.http import HttpResponseRedirect
from django.shortcuts import render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode

from accounts.services import has_two_factor


def session_passed_two_factor(request) -> bool:
    """Whether this session's login included a two-factor step (allauth records each method used)."""
    records = get_authentication_records(request, request.user)
    return any(record.get("method") == "mfa" for record in records) and has_two_factor(request.user)


# Apps whose models the admin home lists under "Accounts": allauth's email addresses, Django's groups and
# allauth's two-factor authenticators belong with the users, tokens and security log.
ACCOUNT_APPS = ("account", "auth", "mfa")


class WharfAdminSite(admin.AdminSite):
    site_header = "Wharf administration"
    site_title = "Wharf admin"
    index_title = "Cockpit"
    # The lists get the full width (a moderator decides on their columns at 1,280 px); the home page and the
    # breadcrumbs lead everywhere.
    enable_nav_sidebar = False

    def get_app_list(self, request, app_label=None):
        """Django's list of apps, with one "Accounts" group for everything about accounts."""
        apps = super().get_app_list(request, app_label)
        accounts = next((app for app in apps if app["app_label"] == "accounts"), None)
        if accounts is None:
            return apps
        for app in [app for app in apps if app["app_label"] in ACCOUNT_APPS]:
            accounts["models"].extend(app["models"])
            apps.remove(app)
        accounts["models"].sort(key=lambda model: model["name"].lower())
        return apps

    def has_permission(self, request) -> bool:
        if not super().has_permission(request):
            return False
        # Read at request time so that an operator (or a test) can switch it without a restart of the site.
        return not settings.WHARF_ADMIN_REQUIRE_2FA or session_passed_two_factor(request)

    def login(self, request, extra_context=None):
        next_url = request.GET.get(REDIRECT_FIELD_NAME) or reverse("admin:index", current_app=self.name)
        if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
            next_url = reverse("admin:index", current_app=self.name)
        user = request.user
        if not user.is_authenticated:
            login_url = resolve_url(settings.LOGIN_URL)
            return HttpResponseRedirect(f"{login_url}?{urlencode({REDIRECT_FIELD_NAME: next_url})}")
        if self.has_permission(request):
            return HttpResponseRedirect(next_url)
        context = {
            "is_staff": user.is_active and user.is_staff,
            "has_two_factor": has_two_factor(user),
            "next_url": next_url,
        }
        return render(request, "account/admin_login_refused.html", context, status=403)
