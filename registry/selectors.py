"""Reads of the registry. Visibility rules live here: quarantined projects are not served to the public."""

from django.conf import settings
from django.db import connection
from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from packaging.version import InvalidVersion, Version

from common.sql import sql
from registry.enums import PUBLIC_STATUSES, InvitationStatus, PackageType, RoleName
from registry.models import File, JournalEntry, Project, Release, Role, RoleInvitation
from registry.names import normalize


def project_get(*, name: str) -> Project | None:
    """The project called `name` (any spelling that normalizes the same), visible or not."""
    return Project.objects.filter(normalized_name=normalize(name)).first()


def public_q(through: str = "") -> Q:
    """The filter that keeps public projects; `through` reaches them over a relation (`"project__"`)."""
    return Q(**{f"{through}status__in": PUBLIC_STATUSES})


def public_projects() -> QuerySet[Project]:
    return Project.objects.filter(public_q())


def public_project_get(*, name: str) -> Project | None:
    """The project called `name` if the public may see it."""
    return public_projects().filter(normalized_name=normalize(name)).first()


def upload_size_cap() -> int:
    """The most any file may stream in before its project is known: the site limit or a larger override."""
    largest_override = Project.objects.aggregate(largest=Max("upload_limit"))["largest"] or 0
    return max(settings.WHARF_MAX_FILE_SIZE, largest_override)


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


# The read cache asks these on every read-API request (registry/cache.py): plain SQL on the connection,
# because compiling the equivalent querysets cost more than running them.
_LAST_SERIAL_SQL = sql("SELECT MAX({JournalEntry.pk}) FROM {JournalEntry}", JournalEntry=JournalEntry)
_PROJECT_SERIAL_SQL = sql(
    "SELECT {Project.last_serial} FROM {Project} WHERE {Project.normalized_name} = %s", Project=Project
)


def last_serial() -> int:
    """The serial of the newest journal entry, 0 on an empty index."""
    with connection.cursor() as cursor:
        cursor.execute(_LAST_SERIAL_SQL)
        return cursor.fetchone()[0] or 0


def project_serial(*, normalized_name: str) -> int | None:
    """The last serial of a project (None when there is no such project), as committed in the database."""
    with connection.cursor() as cursor:
        cursor.execute(_PROJECT_SERIAL_SQL, [normalized_name])
        row = cursor.fetchone()
    return None if row is None else row[0]


def recent_releases(*, limit: int) -> list[Release]:
    """The newest releases of public projects, newest first (the fields the home page and the feed show:
    not the descriptions, which may each be megabytes)."""
    return list(
        Release.objects.filter(public_q("project__"))
        .select_related("project")
        .only(*FEED_FIELDS, "yanked", "project__name", "project__normalized_name")
        .order_by("-created")[:limit]
    )


def front_metadata_files(*, normalized_name: str) -> list[tuple[str, str]]:
    """(path, metadata sha256) of the public project's files that have a `.metadata` sibling; [] if hidden."""
    return list(
        File.objects.filter(public_q("release__project__"), release__project__normalized_name=normalized_name)
        .exclude(metadata_sha256_digest="")
        .values_list("path", "metadata_sha256_digest")
    )


FEED_FIELDS = ("id", "project_id", "version", "summary", "author_email", "created")


def newest_projects(*, limit: int) -> list[Project]:
    """The newest public projects having a release, newest first, each with `latest` (its newest release)."""
    projects = list(
        public_projects()
        .filter(Exists(Release.objects.filter(project=OuterRef("pk"))))
        .order_by("-created", "-pk")[:limit]
    )
    newest = {}
    releases = Release.objects.filter(project__in=projects).only(*FEED_FIELDS).order_by("created", "pk")
    for release in releases:
        newest[release.project_id] = release
    for project in projects:
        project.latest = newest[project.pk]
    return projects


def project_releases_newest(*, project: Project, limit: int) -> list[Release]:
    """The newest releases of `project` by creation, newest first."""
    releases = Release.objects.filter(project=project).only(*FEED_FIELDS).order_by("-created", "-pk")
    return list(releases[:limit])


# Uploads ask this once per file: one LEFT JOIN through Model.raw(), which skips the ORM's query compilation
# (on the benchmark machine it cost more than the query; bench/README.md, uploads).
_PROJECT_WITH_ROLE_SQL = sql(
    "SELECT p.*, r.{Role.role_name} AS user_role FROM {Project} p"
    " LEFT JOIN {Role} r ON r.{Role.project} = p.{Project.pk} AND r.{Role.user} = %s"
    " WHERE p.{Project.normalized_name} = %s",
    Project=Project,
    Role=Role,
)


def project_with_role(*, name: str, user) -> Project | None:
    """The project called `name` with `user_role` set to the user's role name on it (or None), or None."""
    return next(iter(Project.objects.raw(_PROJECT_WITH_ROLE_SQL, [user.pk, normalize(name)])), None)


def user_role_annotation(user) -> Subquery:
    """Annotation: `user`'s role name on the project of the row, or None."""
    return Subquery(Role.objects.filter(project=OuterRef("pk"), user=user).values("role_name")[:1])


# --- Project pages and the maintainers' pages ---------------------------------------------------------------

# What a release list shows; the description (a README can be megabytes) is loaded for one release only.
RELEASE_LIST_FIELDS = (
    "id",
    "project_id",
    "version",
    "canonical_version",
    "is_prerelease",
    "created",
    "yanked",
    "yanked_reason",
    "yanked_at",
    "summary",
)


def release_list(*, project: Project) -> list[Release]:
    """Every release of `project`, newest version first, without their descriptions."""
    releases = list(Release.objects.filter(project=project).only(*RELEASE_LIST_FIELDS))
    return sorted(releases, key=lambda release: _version_key(release.version), reverse=True)


def _version_key(version: str):
    try:
        return (1, Version(version))
    except InvalidVersion:  # versions are validated at upload; this only keeps a bad row from breaking a page
        return (0, version)


def release_full_get(*, pk: int) -> Release:
    """One release with everything a release page shows."""
    return Release.objects.select_related("project", "uploader").get(pk=pk)


def release_files(*, release: Release) -> list[File]:
    """The files of `release`: source distribution first, then wheels by filename."""
    files = File.objects.filter(release=release)
    return sorted(files, key=lambda file: (file.packagetype != PackageType.SDIST, file.filename))


def user_get(*, username: str):
    """The active user called `username` (any case), or None."""
    from accounts.models import User

    return User.objects.filter(username__iexact=username, is_active=True).first()


def public_projects_of_user(*, user) -> list[Project]:
    """Public projects `user` has a role on, with `user_role` and the newest release's `latest_version`,
    `latest_summary` and `latest_created` (None for a project without releases)."""
    newest = Release.objects.filter(project=OuterRef("pk")).order_by("yanked", "is_prerelease", "-created")
    return list(
        public_projects()
        .filter(roles__user=user)
        .annotate(
            user_role=user_role_annotation(user),
            latest_version=Subquery(newest.values("version")[:1]),
            latest_summary=Subquery(newest.values("summary")[:1]),
            latest_created=Subquery(newest.values("created")[:1]),
        )
        .order_by("normalized_name")
    )


def projects_of_user(*, user) -> list[Project]:
    """Every project `user` has a role on, quarantined ones too, with `user_role` and `release_count`."""
    return list(
        Project.objects.filter(roles__user=user)
        .annotate(
            user_role=user_role_annotation(user),
            release_count=Count("releases", distinct=True),
        )
        .order_by("normalized_name")
    )


def invitations_for_user(*, user) -> list[RoleInvitation]:
    """The open (pending, unexpired) invitations addressed to `user`, newest first."""
    return list(
        RoleInvitation.objects.filter(
            invitee=user, status=InvitationStatus.PENDING, expires__gt=timezone.now()
        )
        .select_related("project", "inviter")
        .order_by("-created")
    )


def invitations_for_project(*, project: Project) -> list[RoleInvitation]:
    """The open invitations of `project`, newest first."""
    return list(
        RoleInvitation.objects.filter(
            project=project, status=InvitationStatus.PENDING, expires__gt=timezone.now()
        )
        .select_related("invitee", "inviter")
        .order_by("-created")
    )


def invitation_get(*, pk: int) -> RoleInvitation | None:
    return RoleInvitation.objects.filter(pk=pk).select_related("project", "invitee").first()


def project_role_get(*, project: Project, pk: int) -> Role | None:
    return Role.objects.filter(project=project, pk=pk).select_related("user", "project").first()


def file_of_project(*, project: Project, pk: int) -> File | None:
    return File.objects.filter(release__project=project, pk=pk).select_related("release__project").first()


def project_journal(*, project: Project) -> QuerySet[JournalEntry]:
    """The project's journal entries, newest first (paginated by the page that shows them)."""
    return JournalEntry.objects.filter(project=project).order_by("-id")


# --- The REST API (registry/api/) ------------------------------------------------------------------------


def visible_projects(*, user=None, moderator: bool = False) -> QuerySet[Project]:
    """The projects a caller may see, as the pages show them: public ones, those `user` holds a role on
    (their manage pages show them even while quarantined), and every project to a moderator."""
    if moderator:
        return Project.objects.all()
    visible = public_q()
    if user is not None and user.is_authenticated:
        visible |= Q(pk__in=Role.objects.filter(user=user).values("project_id"))
    return Project.objects.filter(visible)


def visible_project_get(*, name: str, user=None, moderator: bool = False) -> Project | None:
    """The project called `name` if the caller may see it, with `user_role` (the caller's role or None)."""
    projects = visible_projects(user=user, moderator=moderator).filter(normalized_name=normalize(name))
    if user is not None and user.is_authenticated:
        projects = projects.annotate(user_role=user_role_annotation(user))
    project = projects.first()
    if project is not None and not hasattr(project, "user_role"):
        project.user_role = None
    return project
