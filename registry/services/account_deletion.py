"""Self-service account deletion: the registry decides, because only it knows who owns what.

Refused while the user is the only Owner of any project (a project never loses its last Owner). Otherwise,
in one transaction: each role leaves a journal entry (`remove <Role> <username>`, as when leaving a
project), pending publishers go, and the account is deleted with its roles, API tokens, email addresses,
two-factor methods and security log. Journal rows keep the username as text (`actor_name`); releases and
files keep their bytes, and their uploader becomes unknown. The account's addresses get one last email.
"""

from allauth.account.models import EmailAddress
from django.db import transaction
from django.db.models import Count, OuterRef, Subquery

from accounts.models import User
from registry import notifications
from registry.enums import RoleName
from registry.exceptions import ManageError
from registry.models import Project, Role, TrustedPublisher
from registry.services.journal import journal_record


def sole_owner_projects(*, user: User) -> list[Project]:
    """The projects `user` is the only Owner of (deletion is refused while there are any)."""
    owners = (
        Role.objects.filter(project=OuterRef("pk"), role_name=RoleName.OWNER)
        .values("project")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return list(
        Project.objects.filter(roles__user=user, roles__role_name=RoleName.OWNER)
        .annotate(owners=Subquery(owners))
        .filter(owners=1)
        .order_by("normalized_name")
    )


@transaction.atomic
def account_delete(*, user: User) -> None:
    """Delete `user`'s account; ManageError naming the projects it is the only Owner of."""
    user = User.objects.select_for_update().get(pk=user.pk)
    # Roles locked first, so an Owner leaving at the same moment cannot make this the last one.
    roles = list(Role.objects.select_for_update().filter(user=user).select_related("project"))
    alone = sole_owner_projects(user=user)
    if alone:
        names = ", ".join(f"'{project.name}'" for project in alone)
        raise ManageError(
            f"You are the only Owner of {names}: make another collaborator an Owner, or delete the project, "
            "before deleting your account."
        )
    addresses = list(EmailAddress.objects.filter(user=user, verified=True).values_list("email", flat=True))
    for role in roles:
        journal_record(role.project, (f"remove {role.role_name} {user.username}", None), actor=user)
    TrustedPublisher.objects.filter(project__isnull=True, added_by=user).delete()
    notifications.account_event(user, "account_deleted", to=addresses)
    user.delete()
