"""App configs of accounts: the app itself, and the admin wired to require two-factor logins for staff."""

from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class AccountsConfig(AppConfig):
    default = True  # the config of "accounts" in INSTALLED_APPS; WharfAdminConfig is named explicitly
    name = "accounts"
    verbose_name = "Accounts"

    def ready(self):
        from accounts import receivers  # noqa: F401  (connects the security-log receivers)


class WharfAdminConfig(admin_apps.AdminConfig):
    """`django.contrib.admin` with Wharf's admin site (login through allauth, 2FA for staff)."""

    default = False
    default_site = "accounts.admin_site.WharfAdminSite"
