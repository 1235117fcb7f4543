"""Pure checks on account data shared by forms, commands and services."""

import re

from django.core.exceptions import ValidationError

# ASCII only and anchored with \Z: `$` would accept a trailing newline (accounts issue).
USERNAME_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*[A-Za-z0-9]\Z", re.ASCII)
USERNAME_MAX_LENGTH = 50


def validate_username(value: str) -> None:
    """Refuse usernames that are not ASCII letters, digits, '.', '_' or '-' with alphanumeric ends."""
    if len(value) > USERNAME_MAX_LENGTH:
        raise ValidationError(f"Choose a username with {USERNAME_MAX_LENGTH} characters or less.")
    if not USERNAME_RE.match(value):
        raise ValidationError(
            "Usernames use ASCII letters, digits, '.', '_' and '-', and start and end with a letter or digit "
            "(two characters at least)."
        )


# allauth's sign-up form runs these (setting ACCOUNT_USERNAME_VALIDATORS); the model field runs the same.
USERNAME_VALIDATORS = [validate_username]

PASSWORD_MAX_LENGTH = 4096


class MaximumLengthValidator:
    """Refuse absurdly long passwords before they are hashed (PyPI's "Password too long.")."""

    def __init__(self, max_length: int = PASSWORD_MAX_LENGTH):
        self.max_length = max_length

    def validate(self, password, user=None):
        if len(password) > self.max_length:
            raise ValidationError("Password too long.", code="password_too_long")

    def get_help_text(self):
        return f"Your password can't be longer than {self.max_length} characters."
