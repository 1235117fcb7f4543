"""The search index: one `ProjectSearch` row per project with a release, rewritten when its releases change.

`journal_record` calls `search_entries_refresh` for the changes that can move a project's shown release, in
the change's own transaction; `seed_synthetic` and migration 0005 call it for many projects at once. Each
call is one set-based upsert, whatever the number of projects; a project's row goes with its shown release
(the foreign key cascades), and the upsert puts the next one in its place.
"""

from django.db import connection

# Journal actions after which a project's newest release, or whether it has one, may differ.
SEARCH_ACTIONS = frozenset({"new release", "yank release", "unyank release", "remove release"})
# The release a result shows: not yanked first, final versions first, then the newest.
NEWEST_RELEASE_SQL = (
    "SELECT r.id FROM registry_release r WHERE r.project_id = p.id"
    " ORDER BY r.yanked, r.is_prerelease, r.created DESC, r.id DESC LIMIT 1"
)
# A description is indexed up to this many characters: PostgreSQL refuses tsvectors over 1 MB.
DESCRIPTION_INDEXED = 100_000
TITLE_SQL = (
    "setweight(to_tsvector('english'::regconfig, p.name), 'A')"
    " || setweight(to_tsvector('english'::regconfig, r.summary || ' ' || r.keywords), 'B')"
)
VECTORS_SQL = {
    "postgresql": (
        TITLE_SQL,
        f"{TITLE_SQL} || setweight(to_tsvector('english'::regconfig,"
        f" left(r.description, {DESCRIPTION_INDEXED})), 'C')",
    ),
}


def search_entries_refresh(project_ids: list[int]) -> None:
    """Rewrite the search rows of `project_ids` from their releases (none for a project without one)."""
    if not project_ids:
        return
    title, document = VECTORS_SQL.get(connection.vendor, ("NULL", "NULL"))
    placeholders = ", ".join(["%s"] * len(project_ids))
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO registry_projectsearch (project_id, release_id, title, document)"  # noqa: S608 (constants)
            f" SELECT p.id, r.id, {title}, {document} FROM registry_project p"
            f" JOIN registry_release r ON r.id = ({NEWEST_RELEASE_SQL})"
            f" WHERE p.id IN ({placeholders})"
            " ON CONFLICT (project_id) DO UPDATE SET release_id = excluded.release_id,"
            " title = excluded.title, document = excluded.document",
            list(project_ids),
        )
