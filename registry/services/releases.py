"""Changing a release: yanking (PEP 592), un-yanking and removing it.

A yanked release stays installable when pinned exactly (`name==1.0`) but resolvers skip it otherwise; the
Simple and JSON APIs read `Release.yanked` and `yanked_reason`, and the journal entry moves the project's
serial so their cached pages are replaced (PEP 592).
"""

from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone

from registry import notifications
from registry.exceptions import ManageConflict, ManageError
from registry.models import Release
from registry.services.files import discard_stored_after_commit
from registry.services.journal import journal_record
from registry.services.permissions import require_owner

MAX_YANK_REASON = 1000


@transaction.atomic
def release_yank(*, release: Release, actor, reason: str = "") -> Release:
    """Mark `release` yanked with an optional reason; journal `yank release`.

    Raises ManageNotPermitted unless `actor` is an Owner, ManageError if it is already yanked or the reason
    is too long.
    """
    project = release.project
    require_owner(project=project, user=actor)
    reason = reason.strip()
    if len(reason) > MAX_YANK_REASON:
        raise ManageError(f"The reason for yanking is limited to {MAX_YANK_REASON} characters.")
    # Conditional update: of two concurrent yanks, one changes the row and the other is told.
    changed = Release.objects.filter(pk=release.pk, yanked=False).update(
        yanked=True, yanked_reason=reason, yanked_at=timezone.now()
    )
    if not changed:
        raise ManageConflict(f"Release {release.version} of '{project.name}' is already yanked.")
    journal_record(project, ("yank release", release.version), actor=actor)
    notifications.project_event(
        project, "release_yanked", actor=actor, version=release.version, reason=reason
    )
    release.refresh_from_db()
    return release


@transaction.atomic
def release_unyank(*, release: Release, actor) -> Release:
    """Make a yanked release installable again, clearing its reason; journal `unyank release`."""
    project = release.project
    require_owner(project=project, user=actor)
    changed = Release.objects.filter(pk=release.pk, yanked=True).update(
        yanked=False, yanked_reason="", yanked_at=None
    )
    if not changed:
        raise ManageConflict(f"Release {release.version} of '{project.name}' is not yanked.")
    journal_record(project, ("unyank release", release.version), actor=actor)
    notifications.project_event(project, "release_unyanked", actor=actor, version=release.version)
    release.refresh_from_db()
    return release


@transaction.atomic
def release_remove(*, release: Release, actor) -> None:
    """Delete a release and its files; journal `remove release`; stored files go after the commit.

    The files' names stay used for ever, so the same version can never be uploaded again with other bytes
    (yanking is the reversible alternative). Raises ManageNotPermitted unless `actor` is an Owner.
    """
    project = release.project
    require_owner(project=project, user=actor)
    files = release.files.all()
    paths = list(files.values_list("path", flat=True))
    size = files.aggregate(total=Sum("size"))["total"] or 0
    release.delete()
    journal_record(
        project,
        ("remove release", release.version),
        actor=actor,
        also_update={"total_size": F("total_size") - size},
    )
    notifications.project_event(project, "release_deleted", actor=actor, version=release.version)
    discard_stored_after_commit(paths)
