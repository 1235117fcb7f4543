"""The journal: one entry per change, whose id is the serial mirrors follow."""

from django.db import connection, transaction
from django.db.models.expressions import RawSQL
from django.db.models.sql import UpdateQuery
from django.utils import timezone

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
    rows = [
        {
            "name": project.name,
            "normalized_name": project.normalized_name,
            "project": project.pk,
            "version": version,
            "action": action,
            "submitted": timezone.now(),
            "actor": actor.pk if actor is not None else None,
            "actor_name": actor.username if actor is not None else "",
        }
        for action, version in changes
    ]
    if connection.vendor == "postgresql":
        ids = _record_in_one_statement(project, rows, also_update or {})
    else:
        ids = [entry.id for entry in JournalEntry.objects.bulk_create(_entry(row) for row in rows)]
        Project.objects.filter(pk=project.pk).update(last_serial=max(ids), **(also_update or {}))
    entries = [_entry(row, id=entry_id) for row, entry_id in zip(rows, ids, strict=True)]
    serial = max(ids)
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


def _entry(row: dict, **extra) -> JournalEntry:
    return JournalEntry(
        **{f"{key}_id" if key in ("project", "actor") else key: value for key, value in row.items()}, **extra
    )


def _record_in_one_statement(project: Project, rows: list[dict], also_update: dict) -> list[int]:
    """PostgreSQL: the advisory lock, the entries and the project's UPDATE as one statement (one round trip
    instead of three on every write; uploads make many). The entries' INSERT selects from the lock, so the
    lock is held before a serial is drawn; the UPDATE sets `last_serial` from the INSERT's RETURNING, so it
    runs after both. Returns the new entries' ids in the order of `rows`."""
    meta = JournalEntry._meta
    fields = [meta.get_field(key) for key in rows[0]]
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    # Typed placeholders: VALUES alone would read a NULL (or a bare string) as text.
    row_sql = "(" + ", ".join(f"%s::{field.db_type(connection)}" for field in fields) + ")"
    values = ", ".join(f"({index}, {row_sql[1:]}" for index in range(len(rows)))
    names = ", ".join(["entry_order"] + [field.column for field in fields])
    update = Project.objects.filter(pk=project.pk).query.chain(UpdateQuery)
    update.add_update_values({"last_serial": RawSQL("(SELECT max(id) FROM entries)", []), **also_update})
    update_sql, update_params = update.get_compiler(connection=connection).as_sql()
    table = connection.ops.quote_name(meta.db_table)
    statement = (
        "WITH journal_lock AS MATERIALIZED (SELECT pg_advisory_xact_lock(%s) AS held),"  # noqa: S608
        f" entries AS (INSERT INTO {table} ({columns}) SELECT {columns} FROM journal_lock,"
        f" (VALUES {values}) AS new ({names}) ORDER BY new.entry_order RETURNING id),"
        f" updated AS ({update_sql} RETURNING 1)"
        " SELECT id FROM entries ORDER BY id"
    )
    params = [JOURNAL_LOCK_ID]
    for row in rows:
        params += list(row.values())
    params += update_params
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return [entry_id for (entry_id,) in cursor.fetchall()]


def front_changed(normalized_name: str) -> None:
    """After a commit: drop the pre-rendered pages again (see registry.front) and have them rendered anew."""
    from registry.tasks import front_render  # tasks call services: imported late

    front.invalidate(normalized_name)
    front_render.delay(normalized_name=normalized_name)
    front_render.delay(normalized_name=None)
