"""Who may change a project: the checks every maintainers' service runs before it writes.

Owners administer a project (roles, yanking, deletion); Maintainers upload (Warehouse's
`Project.__acl__`). Views check
the same rules to decide what to show, but the services are where they are enforced.
"""

from registry.enums import ProjectStatus, RoleName
from registry.exceptions import ManageConflict, ManageNotPermitted
from registry.models import Project, Role


def require_owner(*, project: Project, user) -> None:
    """Raise ManageNotPermitted unless `user` is an Owner of `project`; ManageError if it is quarantined."""
    if user is None or not Role.objects.filter(project=project, user=user, role_name=RoleName.OWNER).exists():
        raise ManageNotPermitted(f"Only Owners of project '{project.name}' can do this.")
    require_changeable(project=project)


def require_changeable(*, project: Project) -> None:
    """A quarantined project is frozen for its maintainers until the moderators clear it."""
    if project.status == ProjectStatus.QUARANTINED:
        raise ManageConflict(
            f"Project '{project.name}' is quarantined by the index moderators, so it cannot be changed."
        )
