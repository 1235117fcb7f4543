"""Template context on every page: the restrictions in force (admin flags, in users' words), the admins'
banners, the read-only reason that disables write forms, and the support address. Flags and banners come
from `moderation.policy`'s cache: no query on a warm cache."""

from dataclasses import dataclass

from django.conf import settings

from moderation import policy
from moderation.enums import FLAG_NOTICES, FlagId


@dataclass(frozen=True)
class Restriction:
    id: str
    title: str
    effect: str
    message: str


def restrictions() -> list[Restriction]:
    """The flags that are on, read-only first, each with what it means for users and the admins' message."""
    flags = policy.active_flags()
    return [
        Restriction(id=flag_id, title=title, effect=effect, message=flags[flag_id].message)
        for flag_id, (title, effect) in FLAG_NOTICES.items()
        if flag_id in flags
    ]


def site_notices(request) -> dict:
    in_force = restrictions()
    read_only = next((item for item in in_force if item.id == FlagId.READ_ONLY), None)
    return {
        "restrictions": in_force,
        "active_flag_count": len(in_force),
        "site_banners": policy.active_banners(),
        "writes_closed": f"{read_only.title}: {read_only.effect}" if read_only else "",
        "support_email": settings.WHARF_SUPPORT_EMAIL,
    }
