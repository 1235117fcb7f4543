"""Read-only questions other apps ask moderation: is a flag on, and what does it tell the user? Why is this
project quarantined? Is this account frozen? Which banners are up?

A small leaf module: registry and accounts import this and nothing else of moderation
(docs/decisions/0001-app-boundaries.md).
Flags and banners are cached in the shared cache and the cache entry is dropped whenever they change, so a
switch takes effect at once on every web worker.
"""

from dataclasses import dataclass
from datetime import datetime

from django.core.cache import cache
from django.utils import timezone

from moderation.enums import MODERATOR_PERMISSIONS, FlagId

__all__ = [
    "ActiveFlag",
    "Banner",
    "FlagId",
    "QuarantineNotice",
    "account_frozen",
    "active_banners",
    "active_flags",
    "email_domain_prohibited",
    "flag_refusal",
    "forget_banners",
    "forget_flags",
    "is_moderator",
    "prohibited_project_name",
    "quarantine_notice",
]

# Flags and banners share one cache entry, filled by one load: whichever is asked first, a page never pays
# a second cold-cache query for the other.
NOTICES_CACHE_KEY = "moderation:notices:v1"
FLAGS_CACHE_SECONDS = 300


@dataclass(frozen=True)
class ActiveFlag:
    id: str
    message: str


@dataclass(frozen=True)
class Banner:
    message: str
    level: str
    ends: datetime | None


def _notices() -> dict:
    notices = cache.get(NOTICES_CACHE_KEY)
    if notices is None:
        from moderation.models import AdminFlag, SiteBanner

        notices = {
            "flags": {
                flag.id: ActiveFlag(id=flag.id, message=flag.message)
                for flag in AdminFlag.objects.filter(enabled=True)
            },
            "banners": [
                Banner(message=banner.message, level=banner.level, ends=banner.ends)
                for banner in SiteBanner.objects.filter(enabled=True)
            ],
        }
        cache.set(NOTICES_CACHE_KEY, notices, FLAGS_CACHE_SECONDS)
    return notices


def active_flags() -> dict[str, ActiveFlag]:
    """The enabled flags by id, from the cache when it has them."""
    return _notices()["flags"]


def flag_refusal(flag_id: FlagId) -> str | None:
    """The message of `flag_id` when it is on, else None."""
    flag = active_flags().get(flag_id)
    return flag.message if flag else None


def forget_flags() -> None:
    """Drop the cached flags (and banners); called by the service that changes them."""
    cache.delete(NOTICES_CACHE_KEY)


def prohibited_project_name(normalized_name: str) -> bool:
    """Whether admins prohibited this (PEP 503 normalized) project name."""
    from moderation.models import ProhibitedProjectName

    return ProhibitedProjectName.objects.filter(name=normalized_name).exists()


def email_domain_prohibited(email: str) -> bool:
    """Whether the domain of `email`, or any parent domain of it, is on the admins' prohibited list."""
    from moderation.models import ProhibitedEmailDomain

    domain = email.rpartition("@")[2].strip().lower().rstrip(".")
    labels = domain.split(".")
    candidates = [".".join(labels[i:]) for i in range(len(labels) - 1)] or [domain]
    return ProhibitedEmailDomain.objects.filter(domain__in=candidates).exists()


@dataclass(frozen=True)
class QuarantineNotice:
    """What a quarantined project's owners are told on its manage page."""

    reason: str
    since: datetime


def quarantine_notice(project_id: int) -> QuarantineNotice | None:
    """Why and since when the moderators quarantined the project, or None when it is not quarantined."""
    from moderation.models import Quarantine

    row = (
        Quarantine.objects.filter(project_id=project_id, released__isnull=True)
        .values_list("reason", "created")
        .first()
    )
    return QuarantineNotice(reason=row[0], since=row[1]) if row else None


def account_frozen(user_id: int) -> bool:
    """Whether the moderators froze this account (it cannot log in or upload)."""
    from moderation.models import AccountFreeze

    return AccountFreeze.objects.filter(user_id=user_id, lifted__isnull=True).exists()


def is_moderator(user) -> bool:
    """Whether `user` holds any of the moderation permissions (`MODERATOR_PERMISSIONS`): the accounts that
    may give an API token the `moderate` permission and see quarantined projects through the API. Each
    moderation step still checks its own permission."""
    if user is None or not user.is_authenticated or not user.is_active or not user.is_staff:
        return False
    return any(user.has_perm(f"moderation.{codename}") for codename in MODERATOR_PERMISSIONS)


def active_banners() -> list[Banner]:
    """The banners to show now on every page (cached; ended ones are dropped at each call)."""
    now = timezone.now()
    return [banner for banner in _notices()["banners"] if banner.ends is None or banner.ends > now]


def forget_banners() -> None:
    """Drop the cached banners (and flags); called by the service that changes them."""
    cache.delete(NOTICES_CACHE_KEY)
