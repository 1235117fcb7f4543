"""Signal receivers: new projects and new accounts are risk-scored by a Celery task once they are committed.

Connected in `ModerationConfig.ready`. Registry and accounts never import moderation: they send signals.
"""

from allauth.account.signals import user_signed_up
from django.db import transaction
from django.dispatch import receiver

from accounts.adapter import request_origin
from registry.signals import project_created


@receiver(project_created)
def on_project_created(sender, project_id, user_id, ip_address=None, **kwargs):
    from moderation.tasks import score_project

    # Sent after the commit already (registry.services.uploads).
    score_project.delay(project_id=project_id, user_id=user_id, ip_address=ip_address)


@receiver(user_signed_up)
def on_user_signed_up(sender, request, user, **kwargs):
    from moderation.tasks import score_account

    ip_address, _ = request_origin(request)
    user_id = user.pk
    transaction.on_commit(lambda: score_account.delay(user_id=user_id, ip_address=ip_address))
