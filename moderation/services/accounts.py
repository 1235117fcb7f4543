"""Moderators helping an account: resetting two-factor authentication for a user who lost their device."""

from collections.abc import Iterable

from django.db import transaction

from accounts import services as accounts_services
from accounts.emails import send_templated_email
from accounts.models import User
from moderation.audit import audit_record
from moderation.exceptions import ModerationError
from moderation.services.actions import clean_reason


@transaction.atomic
def users_reset_two_factor(*, users: Iterable[User], actor, reason: str) -> list[User]:
    """Remove every two-factor method of `users` (`accounts.services.two_factor_reset`), with a required
    reason; one audit row, and each user emailed (their address is how they asked, as the help page says).

    Refused (ModerationError, nothing changes) for the moderator's own account, and for staff accounts unless
    a superuser asks: a staff account's second factor guards the admin.
    """
    reason = clean_reason(reason)
    users = list(User.objects.filter(pk__in=[user.pk for user in users]).order_by("pk"))
    for user in users:
        if actor is not None and user.pk == actor.pk:
            raise ModerationError("You cannot reset your own two-factor authentication here.")
        if (user.is_staff or user.is_superuser) and not getattr(actor, "is_superuser", False):
            raise ModerationError(f"'{user.username}' is a staff account: only a superuser can reset it.")
    for user in users:
        accounts_services.two_factor_reset(user=user, reason=reason)
        if user.email:
            send_templated_email(
                to=[user.email],
                template="moderation/email/two_factor_reset",
                context={"user": user, "reason": reason},
            )
    audit_record(actor=actor, action="two-factor authentication reset", targets=users, reason=reason)
    return users
