"""Signals the registry sends after a change commits, so other apps can react without registry importing them.

Moderation listens (risk scoring of new projects, flags on open name claims); registry never imports it.
"""

from django.dispatch import Signal

# Sent after commit when an upload created a project: kwargs project_id, user_id, ip_address.
project_created = Signal()
# Sent after commit when an upload created a release: kwargs project_id, release_id, user_id.
release_created = Signal()
