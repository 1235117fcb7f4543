"""Writes of moderation, one module per concern; import the functions from here.

- `flags`: admin flags and site banners;
- `lists`: the admins' lists of prohibited names and domains, and spam domains;
- `reports`: filing, dismissing and resolving reports;
- `actions`: quarantine, release, removal, freezing accounts, prohibiting names;
- `accounts`: resetting a user's two-factor authentication (lost device);
- `pending`: destructive bulk actions waiting for a second moderator;
- `risk`: risk scoring of new accounts and projects.
"""

from moderation.services.accounts import users_reset_two_factor
from moderation.services.actions import (
    name_prohibit,
    names_prohibit,
    owners_of,
    projects_of_users,
    projects_quarantine,
    projects_release,
    projects_remove,
    users_freeze,
    users_unfreeze,
)
from moderation.services.flags import banner_delete, banner_save, flag_set
from moderation.services.lists import list_entry_delete, list_entry_save
from moderation.services.pending import (
    BulkOutcome,
    bulk_action,
    needs_second_moderator,
    pending_action_approve,
    pending_action_reject,
    pending_action_request,
)
from moderation.services.reports import report_create, report_open_automatic, reports_dismiss
from moderation.services.risk import account_score, project_score

__all__ = [
    "BulkOutcome",
    "account_score",
    "banner_delete",
    "banner_save",
    "bulk_action",
    "flag_set",
    "list_entry_delete",
    "list_entry_save",
    "name_prohibit",
    "names_prohibit",
    "needs_second_moderator",
    "owners_of",
    "pending_action_approve",
    "pending_action_reject",
    "pending_action_request",
    "project_score",
    "projects_of_users",
    "projects_quarantine",
    "projects_release",
    "projects_remove",
    "report_create",
    "report_open_automatic",
    "reports_dismiss",
    "users_freeze",
    "users_reset_two_factor",
    "users_unfreeze",
]
