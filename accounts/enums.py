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
    TOKEN_PERMISSIONS_CHANGED = "token-permissions-changed", "API token permissions changed"
    TWO_FACTOR_ENABLED = "2fa-enabled", "Two-factor method added"
    TWO_FACTOR_DISABLED = "2fa-disabled", "Two-factor method removed"
    RECOVERY_CODES_REGENERATED = "recovery-codes-regenerated", "Recovery codes regenerated"
    RECOVERY_CODE_USED = "recovery-code-used", "Recovery code used"
    ACCOUNT_FROZEN = "account-frozen", "Account frozen by the moderators"
    ACCOUNT_UNFROZEN = "account-unfrozen", "Account unfrozen by the moderators"


class TokenPermission(models.TextChoices):
    """What an API token may do besides reading what anyone may read (REST API v1, docs/api.md).

    Every token keeps its scope (the whole account or one project); its permissions say which kinds of call
    it may make within that scope. Tokens made before permissions existed can upload only.
    """

    UPLOAD = "upload", "Upload files"
    MANAGE = "manage", "Manage projects: yank, delete, collaborators, journal, reports, claims"
    TOKENS = "tokens", "List, create and revoke your API tokens"
    MODERATE = "moderate", "Moderate (only for moderators)"


# A token's permissions are stored in this order, whatever order they were asked in.
TOKEN_PERMISSION_ORDER = {value: index for index, value in enumerate(TokenPermission.values)}
