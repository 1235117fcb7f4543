"""The moderation cockpit in the Django admin (a cockpit, not a brain: docs/architecture.md): filters, search,
annotated querysets, read-only state, actions that ask for a reason on a confirmation page and call one
service.

- `lists`: admin flags, banners, prohibited names and domains, spam domains;
- `queue`: what the queue's admins share (read-only pages, permission checks, the actions on projects);
- `reports`, `projects`, `accounts`: the queue itself;
- `records`: requests waiting for a second moderator, and the audit trail.
"""

from moderation.admin import accounts, lists, projects, records, reports  # noqa: F401  (each registers its admins)
