"""REST API v1 of moderation: reporting a project, and the moderators' queue, actions on projects and
accounts, admin flags and requests waiting for a second moderator (docs/api.md)."""
