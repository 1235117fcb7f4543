"""Emails about changes: every Owner of the project and the person who made the change hear of each one.

Services call these inside their transaction; the emails are rendered at once (so a deleted project's Owners
are still known) and leave after the commit (`accounts.emails`). One template per event, under
`registry/templates/registry/email/events/<event>` (subject, plain text, HTML): each says what changed, who
did it, links to the project from WHARF_SITE_URL, and what to do if it was not expected.
"""

from allauth.account.models import EmailAddress
from django.db.models import Q

from accounts.emails import send_templated_email
from accounts.models import User
from common.sql import sql
from registry.enums import RoleName
from registry.models import File, Project, Release, Role

EVENTS = "registry/email/events/"
# Events about a project, sent to its Owners and the actor.
PROJECT_EVENTS = (
    "release_created",
    "role_added",
    "role_changed",
    "role_removed",
    "invitation_sent",
    "release_yanked",
    "release_unyanked",
    "file_deleted",
    "release_deleted",
    "project_deleted",
    "publisher_added",
    "publisher_removed",
    "token_created",
    "project_archived",
    "project_unarchived",
)
# Events about one account, sent to that account alone.
ACCOUNT_EVENTS = (
    "pending_publisher_added",
    "pending_publisher_discarded",
    "account_deleted",
)


def _addresses(who: Q) -> list[str]:
    """Verified primary addresses of the users `who` selects: the index writes only to addresses proven to
    be theirs. One query."""
    addresses = EmailAddress.objects.filter(who, primary=True, verified=True).values_list("email", flat=True)
    return sorted(set(addresses))


def project_event(
    project: Project, event: str, *, actor=None, to: list[str] | None = None, **context
) -> None:
    """Tell `project`'s Owners, and `actor` (a user, or None for trusted publishing and automation); `to`
    gives their addresses when the caller read them already."""
    assert event in PROJECT_EVENTS, event
    if to is None:
        who = Q(user__roles__project=project, user__roles__role_name=RoleName.OWNER)
        if actor is not None and getattr(actor, "pk", None):
            who |= Q(user_id=actor.pk)
        to = _addresses(who)
    send_templated_email(
        to=to,
        template=f"{EVENTS}{event}",
        context={
            "project_name": project.name,
            "project_path": f"/project/{project.normalized_name}/",
            "manage_path": f"/manage/project/{project.normalized_name}/",
            "actor": getattr(actor, "username", "") or context.pop("actor_name", "") or "the index",
            **context,
        },
    )


def account_event(user, event: str, *, to: list[str] | None = None, **context) -> None:
    """Tell `user` (at `to` when given: an account being deleted has no addresses left to look up)."""
    assert event in ACCOUNT_EVENTS, event
    send_templated_email(
        to=to if to is not None else _addresses(Q(user_id=user.pk)),
        template=f"{EVENTS}{event}",
        context={"username": user.username, **context},
    )


# Every upload that starts a release asks this once, in the request (after the commit): one statement for what
# were four querysets (the release with its project, a trusted publisher among its files, the uploader's
# name, the recipients' addresses), whose compilation cost more than running them
# (docs/decisions/0002-raw-sql-on-the-upload-path.md). One row per address (`_addresses`' rule: verified
# primary addresses of the Owners and the uploader), or one row with a NULL address when there is none.
_RELEASE_CREATED_SQL = sql(
    "SELECT r.{Release.pk}, r.{Release.version}, p.{Project.pk} AS project_pk,"
    " p.{Project.name} AS project_name, p.{Project.normalized_name} AS project_normalized_name,"
    " (SELECT f.{File.published_via} FROM {File} f WHERE f.{File.release} = r.{Release.pk}"
    " AND f.{File.published_via} <> '' LIMIT 1) AS published_via,"
    " (SELECT u.{User.username} FROM {User} u WHERE u.{User.pk} = %s) AS actor_username,"
    " e.{EmailAddress.email} AS address"
    " FROM {Release} r JOIN {Project} p ON p.{Project.pk} = r.{Release.project}"
    " LEFT JOIN {EmailAddress} e ON e.{EmailAddress.primary} AND e.{EmailAddress.verified}"
    " AND (e.{EmailAddress.user} = %s OR e.{EmailAddress.user} IN (SELECT o.{Role.user} FROM {Role} o"
    " WHERE o.{Role.project} = p.{Project.pk} AND o.{Role.role_name} = %s))"
    " WHERE r.{Release.pk} = %s",
    EmailAddress=EmailAddress,
    File=File,
    Project=Project,
    Release=Release,
    Role=Role,
    User=User,
)


def release_created(*, release_id: int, user_id: int | None) -> None:
    """A new release: by its uploader, or by a trusted publisher (named from the release's files)."""
    rows = list(Release.objects.raw(_RELEASE_CREATED_SQL, [user_id, user_id, RoleName.OWNER, release_id]))
    if not rows:  # deleted before the task ran
        return
    release = rows[0]
    project = Project(
        pk=release.project_pk, name=release.project_name, normalized_name=release.project_normalized_name
    )
    actor = User(pk=user_id, username=release.actor_username) if release.actor_username is not None else None
    published_via = release.published_via or ""
    project_event(
        project,
        "release_created",
        actor=actor,
        to=sorted({row.address for row in rows if row.address}),
        actor_name="A trusted publisher" if published_via else "",
        version=release.version,
        published_via=published_via,
    )
