"""Template helpers of the account pages."""

from django import template
from django.conf import settings

from accounts.services import has_verified_primary_email

register = template.Library()


@register.simple_tag
def verified_primary_email(user) -> bool:
    """Whether `user` has a verified primary email address (for notices on pages that need one)."""
    return bool(user and user.is_authenticated and has_verified_primary_email(user))


@register.simple_tag
def verification_hours() -> int:
    """How long email verification links work (setting WHARF_EMAIL_VERIFICATION_HOURS)."""
    return settings.WHARF_EMAIL_VERIFICATION_HOURS
