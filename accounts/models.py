"""Accounts: the user model, API tokens and the security log. Email addresses live in allauth's EmailAddress
model and two-factor authenticators in allauth's Authenticator model."""

import datetime as dt

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

from accounts.enums import SecurityEventKind, TokenPermission
from accounts.validators import USERNAME_MAX_LENGTH, validate_username


class WharfUserManager(UserManager):
    def get_by_natural_key(self, username):
        # Usernames are unique case-insensitively, so logins are too.
        return self.get(username__iexact=username)


class User(AbstractUser):
    """A Wharf account. Usernames are ASCII and unique whatever their case."""

    username = models.CharField(
        max_length=USERNAME_MAX_LENGTH,
        unique=True,
        validators=[validate_username],
        help_text="ASCII letters, digits, '.', '_' and '-'; starts and ends with a letter or digit.",
        error_messages={"unique": "This username is already taken."},
    )

    objects = WharfUserManager()

    class Meta:
        db_table = "accounts_user"
        constraints = [models.UniqueConstraint(Lower("username"), name="accounts_user_username_ci_unique")]

    def __str__(self):
        return self.username


def default_token_permissions() -> list[str]:
    """What a token may do unless told otherwise: upload, as every token could before permissions."""
    return [TokenPermission.UPLOAD.value]


class ApiToken(models.Model):
    """An API credential: a scope (the whole account or one project) and a set of permissions
    (`TokenPermission`). Only the SHA-256 of the token is stored; the token is shown once."""

    # None for the short-lived tokens trusted publishing mints: those belong to `publisher`, not to a user.
    user = models.ForeignKey(User, on_delete=models.CASCADE, null=True, blank=True, related_name="api_tokens")
    publisher = models.ForeignKey(
        "registry.TrustedPublisher", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    description = models.CharField(max_length=200)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    # A project-scoped token uploads to this project only and cannot create projects (as Warehouse's
    # `ProjectName` caveat).
    project = models.ForeignKey(
        "registry.Project", on_delete=models.CASCADE, null=True, blank=True, related_name="api_tokens"
    )
    # TokenPermission values, in TOKEN_PERMISSION_ORDER; never empty.
    permissions = models.JSONField(default=default_token_permissions)
    created = models.DateTimeField(default=timezone.now, editable=False)
    expires = models.DateTimeField(null=True, blank=True)
    last_used = models.DateTimeField(null=True, blank=True, editable=False)
    revoked = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "description"],
                condition=models.Q(revoked__isnull=True),
                name="accounts_apitoken_unique_live_description",
            )
        ]
        ordering = ["-created"]

    def __str__(self):
        return f"{self.user or 'trusted publisher'} · {self.description}"

    @property
    def scope_label(self) -> str:
        return f"Project: {self.project.name}" if self.project_id else "Whole account"

    def allows(self, permission: str) -> bool:
        return permission in self.permissions

    @property
    def permissions_label(self) -> str:
        return ", ".join(self.permissions)

    @property
    def expires_on(self):
        """The last day (UTC) the token works, as the user chose it: it expires at the start of the next."""
        if self.expires is None:
            return None
        return (self.expires.astimezone(dt.UTC) - dt.timedelta(microseconds=1)).date()


class SecurityEvent(models.Model):
    """One line of an account's security log: what happened, when, and from where.

    Rows are only ever added (by `accounts.services.security_event_record`); the account's security page and
    the admin read them.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="security_events")
    kind = models.CharField(max_length=40, choices=SecurityEventKind.choices)
    created = models.DateTimeField(default=timezone.now, editable=False)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=200, blank=True, default="")
    detail = models.CharField(
        max_length=200, blank=True, default="", help_text="e.g. the address or token name"
    )

    class Meta:
        ordering = ["-created", "-id"]
        indexes = [models.Index(fields=["user", "-created"], name="accounts_security_user_created")]

    def __str__(self):
        return f"{self.user} · {self.get_kind_display()} · {self.created:%Y-%m-%d %H:%M}"
