"""The admins' lists (prohibited project names, prohibited email domains, spam domains): every addition,
change and removal is audited."""

from django.db import models, transaction

from moderation.audit import audit_record


def _label(entry: models.Model) -> str:
    return str(entry._meta.verbose_name)


@transaction.atomic
def list_entry_save(*, entry: models.Model, actor, reason: str = "") -> models.Model:
    """Save a new or changed list entry (setting `created_by` on a new one); audited."""
    created = entry.pk is None
    if created and hasattr(entry, "created_by_id"):
        entry.created_by = actor
    entry.save()
    action = f"{_label(entry)} {'added' if created else 'changed'}"
    audit_record(actor=actor, action=action, targets=[entry], reason=reason or getattr(entry, "reason", ""))
    return entry


@transaction.atomic
def list_entry_delete(*, entry: models.Model, actor) -> None:
    """Delete a list entry; audited."""
    audit_record(
        actor=actor, action=f"{_label(entry)} removed", targets=[entry], reason=getattr(entry, "reason", "")
    )
    entry.delete()
