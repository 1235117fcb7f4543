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
            target_type=target_type(target),
            target_id=str(target.pk),
            target_name=str(target)[:300],
        )
        for target in targets
    )
    return entry


def audit_trail(*, target: models.Model) -> QuerySet[AuditEntry]:
    """Entries that touched `target`, newest first (shown on the admin pages of projects, users, reports)."""
    return AuditEntry.objects.filter(
        targets__target_type=target_type(target), targets__target_id=str(target.pk)
    ).distinct()


def target_type(target: models.Model) -> str:
    """The label an object is audited under: its concrete model's, so that the moderation queue's proxies
    (ModeratedProject, ModeratedUser) and the plain models share one trail."""
    return target._meta.concrete_model._meta.label_lower
