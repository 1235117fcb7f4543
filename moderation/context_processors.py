"""Template context on every page: the admins' banners and whether any admin flag is on (the footer's
status link says so). Both come from `moderation.policy`'s cache: no query on a warm cache."""

from moderation import policy


def site_notices(request) -> dict:
    return {
        "site_banners": policy.active_banners(),
        "active_flag_count": len(policy.active_flags()),
    }
