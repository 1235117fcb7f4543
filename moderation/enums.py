"""Choices used by moderation models."""

from django.db import models


class FlagId(models.TextChoices):
    """Admin kill switches (Warehouse's `warehouse/admin/flags.py`)."""

    READ_ONLY = "read-only", "Read-only mode"
    DISALLOW_NEW_UPLOAD = "disallow-new-upload", "Disallow new uploads"
    DISALLOW_NEW_PROJECT_REGISTRATION = (
        "disallow-new-project-registration",
        "Disallow new project registration",
    )
    DISALLOW_NEW_USER_REGISTRATION = "disallow-new-user-registration", "Disallow new user registration"


# Name of the staff group created by migration 0006; features grant it their permissions.
MODERATORS_GROUP = "Moderators"

# What the moderation queue needs, all in the "moderation" app (granted by migration 0008; name claims
# grant theirs in their own app). A test checks that the migrated group has exactly these.
MODERATOR_PERMISSIONS = [
    "view_report",
    "dismiss_report",
    "view_moderatedproject",
    "quarantine_project",
    "remove_project",
    "view_moderateduser",
    "freeze_user",
    "view_pendingaction",
    "approve_pendingaction",
    "view_auditentry",
    "view_prohibitedprojectname",
    "add_prohibitedprojectname",
    "view_prohibitedemaildomain",
    "add_prohibitedemaildomain",
    "change_prohibitedemaildomain",
    "view_spamdomain",
    "add_spamdomain",
    "change_spamdomain",
    "delete_spamdomain",
    "view_adminflag",
    "change_adminflag",
]


class ReportReason(models.TextChoices):
    """What a report says is wrong with a project (the form's choices)."""

    SPAM = "spam", "Spam"
    MALWARE = "malware", "Malware"
    TYPOSQUATTING = "typosquatting", "Typo-squatting (a name that imitates another project)"
    NAME_SQUATTING = "name-squatting", "Name squatting (a name taken without a real project)"
    OTHER = "other", "Something else"


class ReportState(models.TextChoices):
    OPEN = "open", "Open"
    ACTION_TAKEN = "action-taken", "Resolved: action taken"
    DISMISSED = "dismissed", "Dismissed"


class PendingActionKind(models.TextChoices):
    """Bulk actions that need a second moderator above WHARF_MODERATION_APPROVAL_THRESHOLD objects."""

    REMOVE_PROJECTS = "remove-projects", "Remove projects"
    FREEZE_USERS = "freeze-users", "Freeze accounts"


class PendingActionState(models.TextChoices):
    PENDING = "pending", "Waiting for a second moderator"
    APPROVED = "approved", "Approved and carried out"
    REJECTED = "rejected", "Rejected"


class RiskSignalKind(models.TextChoices):
    """Why risk scoring found an account or project suspicious; each row also stores its reason and weight."""

    PROHIBITED_EMAIL_DOMAIN = "prohibited-email-domain", "Email domain on the prohibited list"
    DISPOSABLE_EMAIL_DOMAIN = "disposable-email-domain", "Disposable email domain"
    SIGNUP_BURST_IP = "signup-burst-ip", "Many sign-ups from one IP address"
    PROJECT_BURST_USER = "project-burst-user", "Many new projects from one account"
    PROJECT_BURST_IP = "project-burst-ip", "Many new projects from one IP address"
    NEAR_EMPTY_ARCHIVE = "near-empty-archive", "Near-empty archive"
    README_MOSTLY_LINKS = "readme-mostly-links", "README made mostly of links"
    README_SPAM_DOMAIN = "readme-spam-domain", "README links to a spam domain"
    SHARED_DESCRIPTION = "shared-description", "Description shared with other new projects"
    NAME_CLOSE_TO_POPULAR = "name-close-to-popular", "Name close to a popular project"


class BannerLevel(models.TextChoices):
    INFO = "info", "Information"
    WARNING = "warning", "Warning"
    CRITICAL = "critical", "Critical"
