"""Writes of moderation. Every change takes effect on all web workers at once (policy cache dropped)."""

from django.db import transaction
from django.utils import timezone

from moderation import policy
from moderation.models import AdminFlag


@transaction.atomic
def flag_set(*, flag: AdminFlag, enabled: bool, message: str, actor) -> AdminFlag:
    """Turn a flag on or off and set the message users see."""
    flag.enabled = enabled
    flag.message = message
    flag.updated = timezone.now()
    flag.updated_by = actor
    flag.save()
    transaction.on_commit(policy.forget_flags)
    return flag
