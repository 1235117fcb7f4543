"""Signal receivers: changes announced by signals (the registry's own, and accounts') become emails to the
project's Owners (`registry.notifications`). Connected in `RegistryConfig.ready`."""

from django.dispatch import receiver

from accounts.signals import token_created
from registry import notifications, signals
from registry.models import Project


@receiver(signals.release_created)
def on_release_created(sender, project_id, release_id, user_id, **kwargs):
    # Rendered here, after the upload committed (a worker could not see an uncommitted release in tests);
    # only the sending is a task.
    notifications.release_created(release_id=release_id, user_id=user_id)


@receiver(token_created)
def on_token_created(sender, token, **kwargs):
    if token.project_id is not None and token.user_id is not None:
        project = Project.objects.get(pk=token.project_id)
        notifications.project_event(project, "token_created", actor=token.user, token_name=token.description)
