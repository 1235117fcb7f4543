"""The journal: one entry per change, whose id is the serial mirrors follow."""

from django.db import connection, transaction

from registry import cdn, front
from registry.models import JournalEntry, Project
from registry.services.search_index import SEARCH_ACTIONS, search_entries_refresh

# Any constant works; it names the lock that keeps serials in commit order on PostgreSQL.
JOURNAL_LOCK_ID = 0x77686172


def journal_record(
    project: Project, *changes: tuple[str, str | None], actor=None, also_update: dict | None = None
) -> list[JournalEntry]:
    """Append one entry per `(action, version)` for `project` and make the last its serial.

    `also_update` names further Project fields to set in the same UPDATE (the upload's new total size).

    Must run inside a transaction, as late in it as possible. On PostgreSQL a transaction-level advisory lock
    serializes journal writers, so serials become visible in increasing order and a mirror polling
    `changelog_since_serial` never skips an entry that commits late (Warehouse keeps journal ids monotonic
    the same way). SQLite serializes writers anyway.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [JOURNAL_LOCK_ID])
    entries = JournalEntry.objects.bulk_create(
        JournalEntry(
            name=project.name,
            normalized_name=project.normalized_name,
            project=project,
            version=version,
            action=action,
            actor=actor,
            actor_name=actor.username if actor is not None else "",
        )
        for action, version in changes
    )
    serial = max(entry.id for entry in entries)
    Project.objects.filter(pk=project.pk).update(last_serial=serial, **(also_update or {}))
    project.last_serial = serial
    if any(action in SEARCH_ACTIONS for action, _version in changes):
        search_entries_refresh([project.pk])
    if front.enabled():
        front.invalidate(project.normalized_name)
        transaction.on_commit(lambda: front_changed(project.normalized_name))
    if cdn.purging():
        from registry.tasks import cdn_purge  # tasks call services: imported late

        keys = cdn.changed_keys(project.normalized_name)
        transaction.on_commit(lambda: cdn_purge.delay(keys=keys))
    return entries


def front_changed(normalized_name: str) -> None:
    """After a commit: drop the pre-rendered pages again (see registry.front) and have them rendered anew."""
    from registry.tasks import front_render  # tasks call services: imported late

    front.invalidate(normalized_name)
    front_render.delay(normalized_name=normalized_name)
    front_render.delay(normalized_name=None)
