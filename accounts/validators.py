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
