"""Input checks the registry's forms and its REST API share."""

from django.core.exceptions import ValidationError


def check_confirmation(typed: str, *, expected: str, what: str) -> str:
    """A destructive action asks the user to type the name of what goes (project name, version, filename):
    ValidationError unless `typed` is `expected` exactly (surrounding spaces aside)."""
    if typed.strip() != expected:
        raise ValidationError(
            f"That is not the {what}: type '{expected}' exactly to confirm.", code="confirmation_mismatch"
        )
    return typed
