"""Choices used by moderation models."""

from django.db import models


class FlagId(models.TextChoices):
    """Admin kill switches (PROTOCOLS.md §5.1)."""

    READ_ONLY = "read-only", "Read-only mode"
    DISALLOW_NEW_UPLOAD = "disallow-new-upload", "Disallow new uploads"
    DISALLOW_NEW_PROJECT_REGISTRATION = (
        "disallow-new-project-registration",
        "Disallow new project registration",
    )
    DISALLOW_NEW_USER_REGISTRATION = "disallow-new-user-registration", "Disallow new user registration"


# Name of the staff group created by migration 0006; features grant it their permissions.
MODERATORS_GROUP = "Moderators"
