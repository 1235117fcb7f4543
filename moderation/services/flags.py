"""Admin flags and site banners: every change is audited and takes effect on all web workers at once (the
policy cache is dropped when the change commits)."""

from django.db import transaction
from django.utils import timezone

from moderation import policy
from moderation.audit import audit_record
from moderation.models import AdminFlag, SiteBanner


@transaction.atomic
def flag_set(*, flag: AdminFlag, enabled: bool, message: str, actor, reason: str = "") -> AdminFlag:
    """Turn a flag on or off and set the message users see; audited, as every admin switch must be."""
    before = AdminFlag.objects.filter(pk=flag.pk).values_list("enabled", "message").first()
    flag.enabled = enabled
    flag.message = message
    flag.updated = timezone.now()
    flag.updated_by = actor
    flag.save()
    if before is None or before[0] != enabled:
        action = f"flag {flag.pk} {'on' if enabled else 'off'}"
    else:
        action = f"flag {flag.pk} message changed"
    audit_record(actor=actor, action=action, targets=[flag], reason=reason or message)
    transaction.on_commit(policy.forget_flags)
    return flag


@transaction.atomic
def banner_save(*, banner: SiteBanner, actor, reason: str = "") -> SiteBanner:
    """Create or change a site banner; audited; shown (or hidden) on every page at once."""
    created = banner.pk is None
    banner.updated = timezone.now()
    banner.updated_by = actor
    banner.save()
    state = "on" if banner.enabled else "off"
    action = "banner added" if created else f"banner changed ({state})"
    audit_record(actor=actor, action=action, targets=[banner], reason=reason or banner.message)
    transaction.on_commit(policy.forget_banners)
    return banner


@transaction.atomic
def banner_delete(*, banner: SiteBanner, actor) -> None:
    """Delete a banner; audited."""
    audit_record(actor=actor, action="banner deleted", targets=[banner], reason=banner.message)
    banner.delete()
    transaction.on_commit(policy.forget_banners)
