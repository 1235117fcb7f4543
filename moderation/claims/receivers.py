"""What name claims do when the registry announces a change (registry.signals, sent after the commit)."""

import logging

from django.dispatch import receiver

from moderation.claims.selectors import open_claims_on_project
from registry.signals import release_created

logger = logging.getLogger(__name__)


@receiver(release_created, dispatch_uid="claims-flag-new-release")
def flag_new_release(sender, *, project_id: int, release_id: int, **kwargs) -> None:
    """A release on a project with an open claim is flagged on the case: its maintainers are not gone.

    One indexed query per new release; the flagging itself runs as a task. The upload already committed, so a
    broker failure is logged rather than turned into an error for the uploader.
    """
    if not open_claims_on_project(project_id=project_id).exists():
        return
    from moderation.claims.tasks import flag_release_on_claims

    try:
        flag_release_on_claims.delay(release_id=release_id)
    except Exception:
        logger.exception("Could not enqueue the claim flag for release %s", release_id)
