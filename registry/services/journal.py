"""The journal: one entry per change, whose id is the serial mirrors follow."""

from django.db import connection, transaction

from registry import cache
from registry.models import JournalEntry, Project

# Any constant works; it names the lock that keeps serials in commit order on PostgreSQL.
JOURNAL_LOCK_ID = 0x77686172


def journal_record(*, project: Project, action: str, actor=None, version: str | None = None) -> JournalEntry:
    """Append a journal entry for `project` and make it the project's last serial.

    Must run inside a transaction. On PostgreSQL a transaction-level advisory lock serializes journal
    writers, so serials become visible in increasing order and a mirror polling `changelog_since_serial`
    never skips an entry that commits late (PROTOCOLS.md §2.7). SQLite serializes writers anyway.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [JOURNAL_LOCK_ID])
    entry = JournalEntry.objects.create(
        name=project.name,
        normalized_name=project.normalized_name,
        project=project,
        version=version,
        action=action,
        actor=actor,
        actor_name=actor.username if actor is not None else "",
    )
    Project.objects.filter(pk=project.pk).update(last_serial=entry.id)
    project.last_serial = entry.id
    transaction.on_commit(lambda: cache.serial_changed(project.normalized_name, entry.id))
    return entry
