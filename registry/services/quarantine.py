"""Quarantine: the project status the moderators set to take a project out of sight without deleting it.

A quarantined project is hidden from the Simple, JSON and XML-RPC APIs, search and the pages, its files are
not served, and it accepts no uploads, not even from its owners (`registry.selectors.public_projects`,
`registry.services.uploads`). Its maintainers can see it and its history but change nothing
(`registry.services.permissions.require_changeable`). Every change of status is journaled, so the read
caches and mirrors see it at once (Warehouse's journal actions `project quarantined` and
`project quarantine cleared`).

Why a project was quarantined, and by whom, is moderation's record (`moderation.services`, which calls these
and keeps the audit trail); the registry only knows the status.
"""

from collections.abc import Iterable

from django.db import transaction

from registry.enums import QUARANTINE_CLEARED, QUARANTINED, ProjectStatus
from registry.models import Project
from registry.services.journal import journal_record
from registry.services.search_index import search_entries_refresh


def _set_status(projects: Iterable[Project], *, quarantine: bool, action: str, actor) -> list[Project]:
    wanted = {project.pk for project in projects}
    # Locked, so two moderators acting at once change (and journal) each project once.
    rows = Project.objects.select_for_update().filter(pk__in=wanted).order_by("pk")
    rows = (
        rows.exclude(status=ProjectStatus.QUARANTINED)
        if quarantine
        else rows.filter(status=ProjectStatus.QUARANTINED)
    )
    changing = list(rows)
    for project in changing:
        # Released, a project the owners had archived is archived again.
        status = (
            ProjectStatus.QUARANTINED
            if quarantine
            else ProjectStatus.ARCHIVED
            if project.archived_at
            else ProjectStatus.ACTIVE
        )
        journal_record(project, (action, None), actor=actor, also_update={"status": status})
        project.status = status
    # Search shows public projects only: one statement for all of them.
    search_entries_refresh([project.pk for project in changing], public=not quarantine)
    return changing


@transaction.atomic
def projects_quarantine(*, projects: Iterable[Project], actor) -> list[Project]:
    """Quarantine those among `projects` not yet quarantined; journal `project quarantined` for each.

    Returns the projects whose status changed (fresh rows); already quarantined ones are left as they are.
    `actor` is the moderator, or None for automatic quarantine.
    """
    return _set_status(projects, quarantine=True, action=QUARANTINED, actor=actor)


@transaction.atomic
def projects_release(*, projects: Iterable[Project], actor) -> list[Project]:
    """Make the quarantined ones among `projects` public again; journal `project quarantine cleared`.

    Returns the projects whose status changed.
    """
    return _set_status(projects, quarantine=False, action=QUARANTINE_CLEARED, actor=actor)


def project_quarantine(*, project: Project, actor) -> bool:
    """Quarantine one project; False when it already was."""
    changed = projects_quarantine(projects=[project], actor=actor)
    if changed:
        project.status = ProjectStatus.QUARANTINED
    return bool(changed)


def project_release(*, project: Project, actor) -> bool:
    """Release one project from quarantine; False when it was not quarantined."""
    changed = projects_release(projects=[project], actor=actor)
    if changed:
        project.status = changed[0].status
    return bool(changed)
