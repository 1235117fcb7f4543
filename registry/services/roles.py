"""Collaborators: inviting users to a project, answering invitations, changing and removing roles.

Only Owners manage roles (Warehouse's `Project.__acl__`); a project never loses its last Owner. Journal
actions are PyPI's: `invite <Role> <user>`, `revoke_invite <Role> <user>`, `accepted <Role> <user>`,
`decline_invite <Role> <user>`, `change <Role> <user> to <Role>`, `remove <Role> <user>`.
Both ends of an invitation need a verified primary email address: it is how the index reaches maintainers
(as on PyPI).
"""

from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.emails import send_templated_email
from accounts.models import User
from accounts.services import has_verified_primary_email
from registry import notifications
from registry.enums import InvitationStatus, RoleName
from registry.exceptions import ManageConflict, ManageError, ManageNotPermitted
from registry.models import Project, Role, RoleInvitation
from registry.services.journal import journal_record
from registry.services.permissions import require_changeable, require_owner

ACCOUNT_EMAIL_PAGE = "/accounts/email/"


def _check_role_name(role_name: str) -> None:
    if role_name not in RoleName.values:
        raise ManageError(f"'{role_name}' is not a role; choose Owner or Maintainer.")


@transaction.atomic
def role_invite(*, project: Project, inviter: User, username: str, role_name: str) -> RoleInvitation:
    """Invite the user called `username` to take `role_name` on `project`, and email them.

    The invitation expires after WHARF_ROLE_INVITATION_DAYS; an expired one may be replaced by a new one.
    Raises ManageNotPermitted unless `inviter` is an Owner, ManageError when either side lacks a verified
    primary email, the user does not exist or already has a role or an open invitation.
    """
    require_owner(project=project, user=inviter)
    _check_role_name(role_name)
    if not has_verified_primary_email(inviter):
        raise ManageError(
            "You need a verified primary email address to invite collaborators; add or verify one at "
            f"{ACCOUNT_EMAIL_PAGE}."
        )
    invitee = User.objects.filter(username__iexact=username.strip(), is_active=True).first()
    if invitee is None:
        raise ManageError(f"There is no user named '{username.strip()}'.")
    if Role.objects.filter(project=project, user=invitee).exists():
        raise ManageConflict(f"User '{invitee.username}' already has a role on project '{project.name}'.")
    if not has_verified_primary_email(invitee):
        raise ManageError(
            f"User '{invitee.username}' does not have a verified primary email address, so they cannot be "
            "invited until they verify one."
        )
    now = timezone.now()
    RoleInvitation.objects.filter(
        project=project, invitee=invitee, status=InvitationStatus.PENDING, expires__lte=now
    ).update(status=InvitationStatus.EXPIRED)
    try:
        with transaction.atomic():
            invitation = RoleInvitation.objects.create(
                project=project,
                invitee=invitee,
                inviter=inviter,
                role_name=role_name,
                created=now,
                expires=now + timedelta(days=settings.WHARF_ROLE_INVITATION_DAYS),
            )
    except IntegrityError:
        raise ManageConflict(
            f"User '{invitee.username}' already has an open invitation to project '{project.name}'."
        ) from None
    journal_record(project, (f"invite {role_name} {invitee.username}", None), actor=inviter)
    notifications.project_event(
        project, "invitation_sent", actor=inviter, username=invitee.username, role_name=role_name
    )
    send_templated_email(
        to=[invitee.email],
        template="registry/email/role_invitation",
        context={
            "project_name": project.name,
            "role_name": role_name,
            "inviter": inviter.username,
            "invitee": invitee.username,
            "expires": invitation.expires,
        },
    )
    return invitation


def _open_invitation(invitation: RoleInvitation, *, user: User) -> RoleInvitation:
    """The invitation locked for update, if `user` is its invitee and it is still open."""
    invitation = RoleInvitation.objects.select_for_update().select_related("project").get(pk=invitation.pk)
    if invitation.invitee_id != user.pk:
        raise ManageNotPermitted("This invitation is addressed to another user.")
    if not invitation.is_open:
        state = "has expired" if invitation.status == InvitationStatus.PENDING else f"was {invitation.status}"
        raise ManageConflict(f"The invitation to project '{invitation.project.name}' {state}.")
    return invitation


@transaction.atomic
def invitation_accept(*, invitation: RoleInvitation, user: User) -> Role:
    """Accept an open invitation: `user` gets the role; journal `accepted <Role> <user>`."""
    invitation = _open_invitation(invitation, user=user)
    project = invitation.project
    require_changeable(project=project)
    current = Role.objects.filter(project=project, user=user).first()
    if current is not None:
        # A role came another way meanwhile (a name claim): accepting must not record a change it did not.
        raise ManageConflict(
            f"You are already {current.role_name} of project '{project.name}'; "
            "ask an Owner to change your role instead."
        )
    role = Role.objects.create(project=project, user=user, role_name=invitation.role_name)
    invitation.status = InvitationStatus.ACCEPTED
    invitation.responded = timezone.now()
    invitation.save(update_fields=["status", "responded"])
    journal_record(project, (f"accepted {invitation.role_name} {user.username}", None), actor=user)
    notifications.project_event(
        project, "role_added", actor=user, username=user.username, role_name=invitation.role_name
    )
    return role


@transaction.atomic
def invitation_decline(*, invitation: RoleInvitation, user: User) -> None:
    """Decline an open invitation; journal `decline_invite <Role> <user>`."""
    invitation = _open_invitation(invitation, user=user)
    invitation.status = InvitationStatus.DECLINED
    invitation.responded = timezone.now()
    invitation.save(update_fields=["status", "responded"])
    journal_record(
        invitation.project, (f"decline_invite {invitation.role_name} {user.username}", None), actor=user
    )


@transaction.atomic
def invitation_revoke(*, invitation: RoleInvitation, actor: User) -> None:
    """An Owner withdraws a pending invitation; journal `revoke_invite <Role> <user>`."""
    project = invitation.project
    require_owner(project=project, user=actor)
    changed = RoleInvitation.objects.filter(pk=invitation.pk, status=InvitationStatus.PENDING).update(
        status=InvitationStatus.REVOKED, responded=timezone.now()
    )
    if not changed:
        raise ManageConflict("This invitation is no longer pending.")
    journal_record(
        project,
        (f"revoke_invite {invitation.role_name} {invitation.invitee.username}", None),
        actor=actor,
    )


def _check_not_last_owner(role: Role, *, leaving: bool) -> None:
    """Refuse a change that would leave the project without an Owner (Owners are locked while counting)."""
    if role.role_name != RoleName.OWNER:
        return
    owners = list(
        Role.objects.select_for_update()
        .filter(project=role.project_id, role_name=RoleName.OWNER)
        .values_list("pk", flat=True)
    )
    if owners == [role.pk]:
        what = "leave" if leaving else "lose the Owner role"
        raise ManageConflict(
            f"The last Owner of project '{role.project.name}' cannot {what}; make another collaborator an "
            "Owner first, or delete the project."
        )


@transaction.atomic
def role_change(*, role: Role, actor: User, role_name: str) -> Role:
    """An Owner changes a collaborator's role; journal `change <old> <user> to <new>`."""
    project = role.project
    require_owner(project=project, user=actor)
    _check_role_name(role_name)
    if role.role_name == role_name:
        raise ManageConflict(
            f"User '{role.user.username}' is already {role_name} of project '{project.name}'."
        )
    _check_not_last_owner(role, leaving=False)
    old = role.role_name
    role.role_name = role_name
    role.save(update_fields=["role_name"])
    journal_record(project, (f"change {old} {role.user.username} to {role_name}", None), actor=actor)
    notifications.project_event(
        project, "role_changed", actor=actor, username=role.user.username, old_role=old, role_name=role_name
    )
    return role


@transaction.atomic
def role_remove(*, role: Role, actor: User) -> None:
    """Remove a collaborator (an Owner does it) or leave a project (anyone may leave); journal `remove`."""
    project = role.project
    if role.user_id != actor.pk:
        require_owner(project=project, user=actor)
    else:
        require_changeable(project=project)
    _check_not_last_owner(role, leaving=role.user_id == actor.pk)
    # Told before the role goes, so that a removed Owner hears of it too.
    notifications.project_event(
        project, "role_removed", actor=actor, username=role.user.username, role_name=role.role_name
    )
    role.delete()
    journal_record(project, (f"remove {role.role_name} {role.user.username}", None), actor=actor)


@transaction.atomic
def project_transfer(
    *,
    project: Project,
    new_owner: User,
    actor: User,
    role_name: str = RoleName.OWNER,
    remove_previous_roles: bool = False,
) -> Role:
    """The administrators give `new_owner` the role `role_name` on `project` (an approved PEP 541 claim).

    With `remove_previous_roles` every other collaborator loses their role and pending invitations are
    revoked, so the project is the new Owner's alone: the previous collaborators' API tokens, scoped to the
    project or not, are refused from then on because uploads check roles. A user who already has a role is
    raised to `role_name`, never lowered. Journal, in one transaction: `add <Role> <user>` (or `change <old>
    <user> to <Role>`), then `remove <Role> <user>` and `revoke_invite <Role> <user>`.
    Raises ManageError when the project is quarantined, the user is inactive, or the previous collaborators
    would be removed without the new user becoming Owner.
    """
    _check_role_name(role_name)
    require_changeable(project=project)
    if not new_owner.is_active:
        raise ManageError(f"User '{new_owner.username}' is not active, so they cannot take a role.")
    if remove_previous_roles and role_name != RoleName.OWNER:
        raise ManageError("The previous collaborators can only be removed when the new user becomes Owner.")
    roles = list(
        Role.objects.select_for_update(of=("self",))
        .filter(project=project)
        .select_related("user")
        .order_by("pk")
    )
    changes: list[tuple[str, str | None]] = []
    role = next((existing for existing in roles if existing.user_id == new_owner.pk), None)
    if role is None:
        role = Role.objects.create(user=new_owner, project=project, role_name=role_name)
        changes.append((f"add {role_name} {new_owner.username}", None))
        notifications.project_event(
            project, "role_added", actor=actor, username=new_owner.username, role_name=role_name
        )
    elif role.role_name != role_name and role_name == RoleName.OWNER:
        changes.append((f"change {role.role_name} {new_owner.username} to {role_name}", None))
        role.role_name = role_name
        role.save(update_fields=["role_name"])
    if remove_previous_roles:
        for previous in roles:
            if previous.user_id != new_owner.pk:
                notifications.project_event(
                    project,
                    "role_removed",
                    actor=actor,
                    username=previous.user.username,
                    role_name=previous.role_name,
                )
                previous.delete()
                changes.append((f"remove {previous.role_name} {previous.user.username}", None))
        pending = RoleInvitation.objects.filter(
            project=project, status=InvitationStatus.PENDING
        ).select_related("invitee")
        for invitation in pending:
            changes.append((f"revoke_invite {invitation.role_name} {invitation.invitee.username}", None))
        pending.update(status=InvitationStatus.REVOKED, responded=timezone.now())
    if changes:
        journal_record(project, *changes, actor=actor)
    return role
