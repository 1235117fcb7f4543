"""The moderation queue's actions on projects, accounts and names. Each one is atomic, writes one audit entry
naming every object it touched and the moderator's reason, emails the people affected after the commit, and
calls the owning app's service for the change itself (`registry.services.quarantine`,
`registry.services.projects.project_remove`, `accounts.services.user_freeze`).

Every function takes the objects in bulk and skips those already in the wanted state, so a moderator can
select a whole wave (or run the same action twice) without harm. `actor` is the moderator; None means the
system (risk scoring).
"""

from collections import defaultdict
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from accounts import services as accounts_services
from accounts.emails import send_templated_email
from accounts.models import User
from moderation.audit import audit_record
from moderation.exceptions import ModerationError
from moderation.models import AccountFreeze, ProhibitedProjectName, Quarantine
from moderation.services.reports import reports_resolve_for
from moderation.validators import clean_text
from registry.enums import RoleName
from registry.models import Project, Role
from registry.names import normalize
from registry.services import quarantine as registry_quarantine
from registry.services.projects import project_remove

REASON_MAX = 2000


def clean_reason(reason: str) -> str:
    """The moderator's reason, stripped; ModerationError when it is empty, too long or not plain text."""
    return clean_text(reason, what="The reason", minimum=1, maximum=REASON_MAX)


# --- projects ----------------------------------------------------------------------------------------------


@transaction.atomic
def projects_quarantine(
    *,
    projects: Iterable[Project],
    actor,
    reason: str,
    freeze: AccountFreeze | None = None,
    resolve_reports: bool = True,
    notify_skip: Iterable[int] = (),
) -> list[Project]:
    """Quarantine the active ones among `projects` and record why (shown to their owners).

    Open reports on them are resolved as "action taken" (not for automatic quarantine, which moderators
    still have to review: `resolve_reports=False`). Owners are emailed, except the users in `notify_skip`
    (a frozen account is told in its own email). Returns the projects quarantined.

    A project that only a freeze holds becomes this decision's (its quarantine no longer ends with the
    freeze): a moderator's quarantine must not be lifted by unfreezing a maintainer.
    """
    reason = clean_reason(reason)
    projects = list(projects)
    changed = registry_quarantine.projects_quarantine(projects=projects, actor=actor)
    Quarantine.objects.bulk_create(
        Quarantine(project=project, project_name=project.name, reason=reason, created_by=actor, freeze=freeze)
        for project in changed
    )
    held = changed if freeze is not None else [*changed, *_take_over_from_freezes(projects, actor, reason)]
    if not held:
        return []
    reports = []
    if resolve_reports:
        reports = reports_resolve_for(
            projects=held, actor=actor, resolution=f"The project was quarantined: {reason}"
        )
    audit_record(actor=actor, action="project quarantined", targets=[*held, *reports], reason=reason)
    _email_owners(held, template="moderation/email/project_quarantined", reason=reason, skip=notify_skip)
    return held


def _take_over_from_freezes(projects: list[Project], actor, reason: str) -> list[Project]:
    """The quarantined among `projects` that a freeze holds: their quarantine is now `reason`'s."""
    held_by_freeze = Quarantine.objects.filter(
        project__in=[project.pk for project in projects], released__isnull=True, freeze__isnull=False
    )
    taken = set(held_by_freeze.values_list("project_id", flat=True))
    held_by_freeze.update(freeze=None, reason=reason, created_by=actor)
    return [project for project in projects if project.pk in taken]


@transaction.atomic
def projects_release(*, projects: Iterable[Project], actor, reason: str) -> list[Project]:
    """Make the quarantined ones among `projects` public again; owners are emailed. Returns those released."""
    reason = clean_reason(reason)
    changed = registry_quarantine.projects_release(projects=projects, actor=actor)
    if not changed:
        return []
    Quarantine.objects.filter(project__in=changed, released__isnull=True).update(
        released=timezone.now(), released_by=actor, release_reason=reason
    )
    audit_record(actor=actor, action="project released from quarantine", targets=changed, reason=reason)
    _email_owners(changed, template="moderation/email/project_released", reason=reason)
    return changed


@transaction.atomic
def projects_remove(
    *, projects: Iterable[Project], actor, reason: str, prohibit_names: bool = False
) -> list[str]:
    """Delete projects with their releases and files (`registry.services.projects.project_remove`: journal
    `remove project` for mirrors, filenames burned, stored files deleted after the commit).

    Open reports are resolved, owners emailed, and with `prohibit_names` the names are prohibited too.
    Returns the names removed.
    """
    reason = clean_reason(reason)
    projects = list(Project.objects.filter(pk__in=[project.pk for project in projects]).order_by("pk"))
    if not projects:
        return []
    reports = reports_resolve_for(
        projects=projects, actor=actor, resolution=f"The project was removed: {reason}"
    )
    Quarantine.objects.filter(project__in=projects, released__isnull=True).update(
        released=timezone.now(), released_by=actor, release_reason=f"Project removed: {reason}"
    )
    audit_record(actor=actor, action="project removed", targets=[*projects, *reports], reason=reason)
    _email_owners(projects, template="moderation/email/project_removed", reason=reason)
    names = [project.name for project in projects]
    for project in projects:
        project_remove(project=project, actor=actor, check_role=False)
    if prohibit_names:
        names_prohibit(names=names, actor=actor, reason=reason)
    return names


@transaction.atomic
def names_prohibit(*, names: Iterable[str], actor, reason: str) -> list[ProhibitedProjectName]:
    """Add names (stored normalized) to the prohibited list; projects of those names are kept.

    Names already prohibited are skipped. Returns the new rows.
    """
    reason = clean_reason(reason)
    wanted = sorted({normalize(name) for name in names})
    existing = set(ProhibitedProjectName.objects.filter(name__in=wanted).values_list("name", flat=True))
    rows = ProhibitedProjectName.objects.bulk_create(
        ProhibitedProjectName(name=name, reason=reason, created_by=actor)
        for name in wanted
        if name not in existing
    )
    rows = list(ProhibitedProjectName.objects.filter(name__in=[row.name for row in rows]))
    if rows:
        audit_record(actor=actor, action="name prohibited", targets=rows, reason=reason)
    return rows


# A project removed because its name becomes prohibited records the removal with this before the reason.
REMOVAL_PREFIX = "Name prohibited: "


@transaction.atomic
def name_prohibit(*, name: str, actor, reason: str, remove_project: bool = False) -> ProhibitedProjectName:
    """Prohibit one name (the admin's "add prohibited project name" page). The project of that name is kept,
    or with `remove_project` removed in the same transaction, its removal recorded as REMOVAL_PREFIX and the
    reason. Returns the new row; ModerationError when the name is prohibited already.
    """
    reason = clean_reason(reason)
    if remove_project:
        projects = Project.objects.filter(normalized_name=normalize(name))
        projects_remove(projects=projects, actor=actor, reason=REMOVAL_PREFIX + reason)
    rows = names_prohibit(names=[name], actor=actor, reason=reason)
    if not rows:
        raise ModerationError(f"'{normalize(name)}' is already prohibited.")
    return rows[0]


def projects_of_users(users: Iterable[User]) -> list[Project]:
    """The projects on which any of `users` holds a role (Owner or Maintainer)."""
    return list(Project.objects.filter(roles__user__in=list(users)).distinct().order_by("pk"))


def owners_of(projects: Iterable[Project]) -> list[User]:
    """The Owners of `projects`, each once."""
    return list(
        User.objects.filter(roles__project__in=list(projects), roles__role_name=RoleName.OWNER)
        .distinct()
        .order_by("pk")
    )


def _email_owners(projects: list[Project], *, template: str, reason: str, skip: Iterable[int] = ()) -> None:
    """One email per Owner listing their affected projects."""
    skip = set(skip)
    by_owner = defaultdict(list)
    roles = Role.objects.filter(project__in=projects, role_name=RoleName.OWNER).select_related(
        "user", "project"
    )
    for role in roles.order_by("project__normalized_name"):
        if role.user_id not in skip and role.user.email:
            by_owner[role.user].append(role.project)
    for owner, theirs in by_owner.items():
        send_templated_email(
            to=[owner.email], template=template, context={"user": owner, "projects": theirs, "reason": reason}
        )


# --- accounts ----------------------------------------------------------------------------------------------


@transaction.atomic
def users_freeze(*, users: Iterable[User], actor, reason: str) -> list[User]:
    """Freeze accounts: no login, no uploads, tokens revoked, sessions ended, every project they hold a role
    on quarantined (`accounts.services.user_freeze`, `projects_quarantine`).

    Staff accounts and the moderator's own are refused (ModerationError; nothing changes). Accounts already
    frozen are skipped. Each frozen account is emailed once, with the projects quarantined. Returns the
    accounts frozen.
    """
    reason = clean_reason(reason)
    users = list(User.objects.filter(pk__in=[user.pk for user in users]).order_by("pk"))
    check_freezable(users=users, actor=actor)
    already = set(
        AccountFreeze.objects.filter(user__in=users, lifted__isnull=True).values_list("user_id", flat=True)
    )
    users = [user for user in users if user.pk not in already]
    if not users:
        return []
    frozen_ids = [user.pk for user in users]
    quarantined_by_user = {}
    for user in users:
        was_active = accounts_services.user_freeze(user=user, reason=reason, end_sessions=False)
        freeze = AccountFreeze.objects.create(
            user=user, reason=reason, was_active=was_active, created_by=actor
        )
        quarantined_by_user[user] = projects_quarantine(
            projects=projects_of_users([user]),
            actor=actor,
            reason=f"A maintainer's account was frozen by the moderators: {reason}",
            freeze=freeze,
            notify_skip=frozen_ids,
        )
    accounts_services.sessions_end(user_ids=frozen_ids)
    audit_record(actor=actor, action="account frozen", targets=users, reason=reason)
    for user, projects in quarantined_by_user.items():
        if user.email:
            send_templated_email(
                to=[user.email],
                template="moderation/email/account_frozen",
                context={"user": user, "projects": projects, "reason": reason},
            )
    return users


def check_freezable(*, users: Iterable[User], actor) -> None:
    """ModerationError unless every account may be frozen by `actor`: never their own, never staff."""
    for user in users:
        if actor is not None and user.pk == actor.pk:
            raise ModerationError("You cannot freeze your own account.")
        if user.is_staff or user.is_superuser:
            raise ModerationError(
                f"'{user.username}' is a staff account: remove its staff status before freezing it."
            )


@transaction.atomic
def users_unfreeze(*, users: Iterable[User], actor, reason: str) -> list[User]:
    """Lift freezes: each account gets back the active state it had before, and the projects its freeze
    quarantined are released (unless another of their maintainers is still frozen, or a moderator released
    or re-quarantined them since). Revoked tokens stay revoked. Returns the accounts unfrozen.
    """
    reason = clean_reason(reason)
    freezes = list(
        AccountFreeze.objects.select_for_update(of=("self",))
        .filter(user__in=[user.pk for user in users], lifted__isnull=True)
        .select_related("user")
        .order_by("user_id")
    )
    if not freezes:
        return []
    now = timezone.now()
    unfrozen = [freeze.user for freeze in freezes]
    for freeze in freezes:
        accounts_services.user_unfreeze(user=freeze.user, was_active=freeze.was_active, reason=reason)
        freeze.lifted, freeze.lifted_by, freeze.lift_reason = now, actor, reason
        freeze.save(update_fields=["lifted", "lifted_by", "lift_reason"])
    to_release = _releasable(freezes)
    audit_record(actor=actor, action="account unfrozen", targets=unfrozen, reason=reason)
    projects_release(projects=to_release, actor=actor, reason=f"The account freeze was lifted: {reason}")
    for user in unfrozen:
        if user.email:
            send_templated_email(
                to=[user.email],
                template="moderation/email/account_unfrozen",
                context={"user": user, "projects": [p for p in to_release if p.pk in _project_ids(user)]},
            )
    return unfrozen


def _project_ids(user: User) -> set[int]:
    return set(Role.objects.filter(user=user).values_list("project_id", flat=True))


def _releasable(freezes: list[AccountFreeze]) -> list[Project]:
    """Projects the lifted `freezes` quarantined; those with another frozen maintainer pass to that freeze."""
    quarantines = list(
        Quarantine.objects.filter(
            freeze__in=freezes, released__isnull=True, project__isnull=False
        ).select_related("project")
    )
    still_frozen = {
        freeze.user_id: freeze
        for freeze in AccountFreeze.objects.filter(
            lifted__isnull=True,
            user__roles__project__in=[quarantine.project_id for quarantine in quarantines],
        )
    }
    holders = defaultdict(set)
    for project_id, user_id in Role.objects.filter(
        project__in=[quarantine.project_id for quarantine in quarantines]
    ).values_list("project_id", "user_id"):
        holders[project_id].add(user_id)
    release = []
    for quarantine in quarantines:
        other = next(
            (still_frozen[uid] for uid in holders[quarantine.project_id] if uid in still_frozen), None
        )
        if other is not None:
            Quarantine.objects.filter(pk=quarantine.pk).update(freeze=other)
        else:
            release.append(quarantine.project)
    return release
