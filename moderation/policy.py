"""Read-only questions other apps ask moderation: is a flag on, and what does it tell the user?

A small leaf module (STYLE.md): registry and accounts import this and nothing else of moderation.
Flags are cached in the shared cache and the cache entry is dropped whenever a flag changes, so a switch
takes effect at once on every web worker.
"""

from dataclasses import dataclass

from django.core.cache import cache

from moderation.enums import FlagId

__all__ = [
    "ActiveFlag",
    "FlagId",
    "active_flags",
    "email_domain_prohibited",
    "flag_refusal",
    "forget_flags",
    "prohibited_project_name",
]

FLAGS_CACHE_KEY = "moderation:flags:v1"
FLAGS_CACHE_SECONDS = 300


@dataclass(frozen=True)
class ActiveFlag:
    id: str
    message: str


def active_flags() -> dict[str, ActiveFlag]:
    """The enabled flags by id, from the cache when it has them."""
    flags = cache.get(FLAGS_CACHE_KEY)
    if flags is None:
        from moderation.models import AdminFlag

        flags = {
            flag.id: ActiveFlag(id=flag.id, message=flag.message)
            for flag in AdminFlag.objects.filter(enabled=True)
        }
        cache.set(FLAGS_CACHE_KEY, flags, FLAGS_CACHE_SECONDS)
    return flags


def flag_refusal(flag_id: FlagId) -> str | None:
    """The message of `flag_id` when it is on, else None."""
    flag = active_flags().get(flag_id)
    return flag.message if flag else None


def forget_flags() -> None:
    """Drop the cached flags; called by the service that changes them."""
    cache.delete(FLAGS_CACHE_KEY)


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
