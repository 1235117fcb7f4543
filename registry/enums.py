"""Choices used by the registry's models."""

from django.db import models


class ProjectStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    QUARANTINED = "quarantined", "Quarantined"
    # PEP 792: the owners expect no more releases; files stay installable, uploads are refused.
    ARCHIVED = "archived", "Archived"


# The one home of "public": projects in these states are served to everyone (pages, Simple, JSON, XML-RPC,
# search, files). Everything else asks `Project.is_public`, `registry.selectors.public_q()` or this set.
PUBLIC_STATUSES = frozenset({ProjectStatus.ACTIVE, ProjectStatus.ARCHIVED})


class RoleName(models.TextChoices):
    OWNER = "Owner", "Owner"
    MAINTAINER = "Maintainer", "Maintainer"


class PackageType(models.TextChoices):
    SDIST = "sdist", "Source distribution"
    WHEEL = "bdist_wheel", "Wheel"


class InvitationStatus(models.TextChoices):
    """Where a collaborator invitation stands; a pending one past its expiry counts as expired."""

    PENDING = "pending", "Pending"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    REVOKED = "revoked", "Revoked"
    EXPIRED = "expired", "Expired"


# Journal actions of quarantine (Warehouse's); mirrors see the first even while a project is hidden.
QUARANTINED = "project quarantined"
QUARANTINE_CLEARED = "project quarantine cleared"
# Journal actions of archiving (PEP 792 `archived`): the serial moves, so caches and mirrors see the status.
ARCHIVED = "project archived"
UNARCHIVED = "project unarchived"


class PublisherKind(models.TextChoices):
    """The shape of a trusted publisher: which claims of the CI system's ID token it matches."""

    GITHUB = "github", "GitHub Actions"
    GITLAB = "gitlab", "GitLab CI/CD"
    GENERIC = "generic", "Other OpenID Connect issuer"
