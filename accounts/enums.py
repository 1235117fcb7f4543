"""Choices used by accounts models."""

from django.db import models


class SecurityEventKind(models.TextChoices):
    """What the security log of an account records (accounts issue, "Security log")."""

    SIGNED_UP = "signed-up", "Account created"
    LOGIN = "login", "Logged in"
    LOGIN_FAILED = "login-failed", "Failed login"
    TWO_FACTOR_FAILED = "2fa-failed", "Failed two-factor code"
    LOGOUT = "logout", "Logged out"
    PASSWORD_CHANGED = "password-changed", "Password changed"
    PASSWORD_RESET = "password-reset", "Password reset by email"
    EMAIL_ADDED = "email-added", "Email address added"
    EMAIL_VERIFIED = "email-verified", "Email address verified"
    EMAIL_REMOVED = "email-removed", "Email address removed"
    EMAIL_PRIMARY_CHANGED = "email-primary-changed", "Primary email address changed"
    TOKEN_CREATED = "token-created", "API token created"
    TOKEN_USED = "token-used", "API token used"
    TOKEN_REVOKED = "token-revoked", "API token revoked"
    TWO_FACTOR_ENABLED = "2fa-enabled", "Two-factor method added"
    TWO_FACTOR_DISABLED = "2fa-disabled", "Two-factor method removed"
    RECOVERY_CODES_REGENERATED = "recovery-codes-regenerated", "Recovery codes regenerated"
    RECOVERY_CODE_USED = "recovery-code-used", "Recovery code used"
    ACCOUNT_FROZEN = "account-frozen", "Account frozen by the moderators"
    ACCOUNT_UNFROZEN = "account-unfrozen", "Account unfrozen by the moderators"
