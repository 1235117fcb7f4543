"""Reads of the registry. Visibility rules live here: quarantined projects are not served to the public."""

from django.db.models import Max, QuerySet

from registry.enums import ProjectStatus, RoleName
from registry.models import File, JournalEntry, Project, Release, Role
from registry.names import normalize


def project_get(*, name: str) -> Project | None:
    """The project called `name` (any spelling that normalizes the same), visible or not."""
    return Project.objects.filter(normalized_name=normalize(name)).first()


def public_projects() -> QuerySet[Project]:
    return Project.objects.filter(status=ProjectStatus.ACTIVE)


def public_project_get(*, name: str) -> Project | None:
    """The project called `name` if the public may see it."""
    return public_projects().filter(normalized_name=normalize(name)).first()


def project_for_user(*, user, name: str) -> Project | None:
    """The project called `name` if `user` has a role on it."""
    return Project.objects.filter(normalized_name=normalize(name), roles__user=user).first()


def role_get(*, user, project: Project) -> Role | None:
    return Role.objects.filter(user=user, project=project).first()


def project_roles(*, project: Project) -> list[Role]:
    """Roles on `project`, Owners first, then by username."""
    roles = Role.objects.filter(project=project).select_related("user")
    return sorted(roles, key=lambda role: (role.role_name != RoleName.OWNER, role.user.username.lower()))


def release_get(*, project: Project, canonical_version: str) -> Release | None:
    return Release.objects.filter(project=project, canonical_version=canonical_version).first()


def file_get(*, path: str) -> File | None:
    return File.objects.filter(path=path).select_related("release__project").first()


def last_serial() -> int:
    """The serial of the newest journal entry, 0 on an empty index."""
    return JournalEntry.objects.aggregate(serial=Max("id"))["serial"] or 0


def project_serial(*, normalized_name: str) -> int | None:
    """The last serial of a project (None when there is no such project), for the read APIs' caches."""
    return (
        Project.objects.filter(normalized_name=normalized_name).values_list("last_serial", flat=True).first()
    )


def recent_releases(*, limit: int) -> list[Release]:
    """The newest releases of public projects, newest first."""
    return list(
        Release.objects.filter(project__status=ProjectStatus.ACTIVE)
        .select_related("project")
        .order_by("-created")[:limit]
    )


def project_with_role(*, name: str, user) -> Project | None:
    """The project called `name` with `user_role` set to the user's role name on it, or None.

    Uploads call this on every file: the common case (the uploader has a role) is one plain join.
    """
    normalized = normalize(name)
    role = (
        Role.objects.filter(user=user, project__normalized_name=normalized).select_related("project").first()
    )
    if role is not None:
        role.project.user_role = role.role_name
        return role.project
    project = Project.objects.filter(normalized_name=normalized).first()
    if project is not None:
        project.user_role = None
    return project
