"""The audit trail: every moderation step writes one entry (moderation issue; name claims use it too)."""

from collections.abc import Iterable

from django.db import models
from django.db.models import QuerySet

from moderation.models import AuditEntry, AuditTarget


def audit_record(*, actor, action: str, targets: Iterable[models.Model], reason: str = "") -> AuditEntry:
    """Record that `actor` (None for the system) did `action` to `targets`, because `reason`.

    Call it inside the transaction of the change it records, so both land or neither does.
    """
    entry = AuditEntry.objects.create(
        actor=actor, actor_name=actor.username if actor is not None else "", action=action, reason=reason
    )
    AuditTarget.objects.bulk_create(
        AuditTarget(
            entry=entry,
            target_type=target._meta.label_lower,
            target_id=str(target.pk),
            target_name=str(target)[:300],
        )
        for target in targets
    )
    return entry


def audit_trail(*, target: models.Model) -> QuerySet[AuditEntry]:
    """Entries that touched `target`, newest first (shown on the admin pages of projects, users, reports)."""
    return AuditEntry.objects.filter(
        targets__target_type=target._meta.label_lower, targets__target_id=str(target.pk)
    ).distinct()
