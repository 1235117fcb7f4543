"""Archiving (PEP 792 `archived`): the Owners say a project expects no more releases.

An archived project stays public and installable; uploads are refused with a sentence
(`registry.services.uploads`), and its pages, the Simple API (`pypi:project-status`, `project-status`) and
the JSON API say `archived`. Unarchiving undoes it. Each change is a journal entry (so the read caches and
mirrors see it at once) and an email to the Owners.

A quarantine outranks archiving: a quarantined project cannot be archived or unarchived (its Owners change
nothing), and releasing it from quarantine brings back `archived` when it was archived before.
"""

from django.db import transaction
from django.utils import timezone

from registry import notifications
from registry.enums import ARCHIVED, UNARCHIVED, ProjectStatus
from registry.exceptions import ManageConflict
from registry.models import Project
from registry.services.journal import journal_record
from registry.services.permissions import require_owner


def _change(project: Project, actor, *, archive: bool) -> Project:
    require_owner(project=project, user=actor)
    # Locked: two Owners clicking at once change (and journal) the status once.
    locked = Project.objects.select_for_update().get(pk=project.pk)
    if (locked.status == ProjectStatus.ARCHIVED) == archive:
        state = "already archived" if archive else "not archived"
        raise ManageConflict(f"Project '{project.name}' is {state}.")
    status, archived_at = (
        (ProjectStatus.ARCHIVED, timezone.now()) if archive else (ProjectStatus.ACTIVE, None)
    )
    action = ARCHIVED if archive else UNARCHIVED
    journal_record(
        locked, (action, None), actor=actor, also_update={"status": status, "archived_at": archived_at}
    )
    project.status, project.archived_at, project.last_serial = status, archived_at, locked.last_serial
    event = "project_archived" if archive else "project_unarchived"
    notifications.project_event(project, event, actor=actor)
    return project


@transaction.atomic
def project_archive(*, project: Project, actor) -> Project:
    """Archive `project`; ManageNotPermitted unless `actor` is an Owner, ManageConflict if it already is."""
    return _change(project, actor, archive=True)


@transaction.atomic
def project_unarchive(*, project: Project, actor) -> Project:
    """Make an archived project accept uploads again; ManageConflict if it is not archived."""
    return _change(project, actor, archive=False)
