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
from registry.exceptions import ManageError
from registry.models import Project
from registry.services.journal import journal_record
from registry.services.permissions import require_owner


def _locked(project: Project) -> Project:
    return Project.objects.select_for_update().get(pk=project.pk)


@transaction.atomic
def project_archive(*, project: Project, actor) -> Project:
    """Archive `project`; ManageNotPermitted unless `actor` is an Owner, ManageError if it already is."""
    require_owner(project=project, user=actor)
    locked = _locked(project)
    if locked.status == ProjectStatus.ARCHIVED:
        raise ManageError(f"Project '{project.name}' is already archived.")
    now = timezone.now()
    journal_record(
        locked,
        (ARCHIVED, None),
        actor=actor,
        also_update={"status": ProjectStatus.ARCHIVED, "archived_at": now},
    )
    project.status, project.archived_at, project.last_serial = ProjectStatus.ARCHIVED, now, locked.last_serial
    notifications.project_event(project, "project_archived", actor=actor)
    return project


@transaction.atomic
def project_unarchive(*, project: Project, actor) -> Project:
    """Make an archived project accept uploads again; ManageError if it is not archived."""
    require_owner(project=project, user=actor)
    locked = _locked(project)
    if locked.status != ProjectStatus.ARCHIVED:
        raise ManageError(f"Project '{project.name}' is not archived.")
    journal_record(
        locked,
        (UNARCHIVED, None),
        actor=actor,
        also_update={"status": ProjectStatus.ACTIVE, "archived_at": None},
    )
    project.status, project.archived_at, project.last_serial = ProjectStatus.ACTIVE, None, locked.last_serial
    notifications.project_event(project, "project_unarchived", actor=actor)
    return project
