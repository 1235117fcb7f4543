"""Four eyes on destructive bulk actions: removing projects or freezing accounts in bulk above
WHARF_MODERATION_APPROVAL_THRESHOLD objects waits for a second moderator.

Removal cannot be undone, and freezing revokes tokens for good; quarantine and release are reversible and
run at once, whatever the count.
"""

from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from moderation.audit import audit_record
from moderation.enums import PendingActionKind, PendingActionState
from moderation.exceptions import ModerationConflict, ModerationNotPermitted
from moderation.models import PendingAction
from moderation.services.actions import check_freezable, clean_reason, projects_remove, users_freeze
from registry.models import Project

# The permission each kind of action needs, of the requester and of the approver alike.
PERMISSION = {
    PendingActionKind.REMOVE_PROJECTS: "moderation.remove_project",
    PendingActionKind.FREEZE_USERS: "moderation.freeze_user",
}


@dataclass(frozen=True)
class BulkOutcome:
    """What a bulk request did: ran at once (`done` names the objects changed) or waits (`pending`)."""

    done: list
    pending: PendingAction | None = None


def _objects(kind: str, ids: list[int]) -> list:
    model = Project if kind == PendingActionKind.REMOVE_PROJECTS else User
    return list(model.objects.filter(pk__in=ids).order_by("pk"))


def _run(kind: str, objects: list, *, actor, reason: str, options: dict) -> list:
    if kind == PendingActionKind.REMOVE_PROJECTS:
        return projects_remove(
            projects=objects, actor=actor, reason=reason, prohibit_names=bool(options.get("prohibit_names"))
        )
    return users_freeze(users=objects, actor=actor, reason=reason)


def _require_permission(actor, kind: str) -> None:
    if not actor.has_perm(PERMISSION[kind]):
        raise ModerationNotPermitted("You do not have the permission this action needs.")


def needs_second_moderator(count: int) -> bool:
    """Whether a bulk action on `count` objects waits for another moderator's approval (the one rule the
    service applies and the admin's confirmation page announces)."""
    return count > settings.WHARF_MODERATION_APPROVAL_THRESHOLD


def bulk_action(*, kind: str, objects: list, actor, reason: str, options: dict | None = None) -> BulkOutcome:
    """Run a destructive bulk action, or queue it for a second moderator when it touches more than
    WHARF_MODERATION_APPROVAL_THRESHOLD objects. Raises ModerationError without the permission."""
    _require_permission(actor, kind)
    reason = clean_reason(reason)
    options = options or {}
    if kind == PendingActionKind.FREEZE_USERS:
        check_freezable(users=objects, actor=actor)  # refuse now rather than at approval
    if needs_second_moderator(len(objects)):
        return BulkOutcome(
            done=[],
            pending=pending_action_request(
                kind=kind, objects=objects, actor=actor, reason=reason, options=options
            ),
        )
    return BulkOutcome(done=_run(kind, objects, actor=actor, reason=reason, options=options))


@transaction.atomic
def pending_action_request(*, kind: str, objects: list, actor, reason: str, options: dict | None = None):
    """Queue `kind` on `objects` until another moderator approves it; audited."""
    pending = PendingAction.objects.create(
        kind=kind,
        object_ids=[obj.pk for obj in objects],
        object_names=[str(obj) for obj in objects],
        options=options or {},
        reason=clean_reason(reason),
        requested_by=actor,
    )
    audit_record(
        actor=actor,
        action=f"approval requested: {pending.get_kind_display().lower()}",
        targets=[pending, *objects],
        reason=pending.reason,
    )
    return pending


def _lock_pending(pending: PendingAction) -> PendingAction:
    locked = (
        PendingAction.objects.select_for_update(of=("self",))
        .select_related("requested_by")
        .get(pk=pending.pk)
    )
    if locked.state != PendingActionState.PENDING:
        raise ModerationConflict(f"Request #{locked.pk} was already {locked.get_state_display().lower()}.")
    return locked


@transaction.atomic
def pending_action_approve(*, pending: PendingAction, actor, note: str) -> list:
    """Approve and carry out a queued action. The approver must be another moderator with the action's
    permission (ModerationError otherwise; nothing changes). Both people are on record: the requester in
    the request's audit entry and in the action's reason, the approver as the action's actor.
    Objects deleted or changed since the request are skipped by the action. Returns what it changed.
    """
    note = clean_reason(note)
    pending = _lock_pending(pending)
    if pending.requested_by_id == actor.pk:
        raise ModerationNotPermitted("Another moderator must approve this request: you made it.")
    _require_permission(actor, pending.kind)
    requester = pending.requested_by.username if pending.requested_by else "a deleted account"
    reason = f"{pending.reason} (requested by {requester}, approved by {actor.username}: {note})"
    done = _run(
        pending.kind,
        _objects(pending.kind, pending.object_ids),
        actor=actor,
        reason=reason,
        options=pending.options,
    )
    _decide(pending, state=PendingActionState.APPROVED, actor=actor, note=note)
    audit_record(actor=actor, action="request approved", targets=[pending], reason=note)
    return done


@transaction.atomic
def pending_action_reject(*, pending: PendingAction, actor, note: str) -> None:
    """Reject a queued action (the requester may reject their own, as a withdrawal); audited."""
    note = clean_reason(note)
    pending = _lock_pending(pending)
    _decide(pending, state=PendingActionState.REJECTED, actor=actor, note=note)
    audit_record(actor=actor, action="request rejected", targets=[pending], reason=note)


def _decide(pending: PendingAction, *, state: str, actor, note: str) -> None:
    pending.state, pending.decided, pending.decided_by, pending.decision_note = (
        state,
        timezone.now(),
        actor,
        note,
    )
    pending.save(update_fields=["state", "decided", "decided_by", "decision_note"])
