"""The search index: one `ProjectSearch` row per project with a release, rewritten when its releases change.

`journal_record` calls `search_entries_refresh` for the changes that can move a project's shown release, in
the change's own transaction; `seed_synthetic` and migration 0007 call it for many projects at once. Each
call is one set-based statement, whatever the number of projects: an upsert of the rows of public projects,
or the removal of the rows of projects just hidden. A row also goes with its shown release (the foreign key
cascades), and the upsert puts the next one in its place.
"""

from django.db import connection

from registry.enums import PUBLIC_STATUSES

# Journal actions after which a project's newest release, or whether it has one, may differ. Quarantine
# (whether the public may see it) refreshes its projects at once (registry.services.quarantine).
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


def search_entries_refresh(project_ids: list[int], *, public: bool = True) -> None:
    """Rewrite the search rows of `project_ids` from their releases (none for a project without one, or one
    the public may not see); `public=False`: the projects were just hidden, their rows go."""
    if not project_ids:
        return
    title, document = VECTORS_SQL.get(connection.vendor, ("NULL", "NULL"))
    ids = ", ".join(["%s"] * len(project_ids))
    shown = [str(status) for status in PUBLIC_STATUSES]
    statuses = ", ".join(["%s"] * len(shown))
    with connection.cursor() as cursor:
        if not public:
            cursor.execute(f"DELETE FROM registry_projectsearch WHERE project_id IN ({ids})", project_ids)  # noqa: S608
            return
        cursor.execute(
            "INSERT INTO registry_projectsearch (project_id, name, release_id, title, document)"  # noqa: S608
            f" SELECT p.id, p.normalized_name, r.id, {title}, {document} FROM registry_project p"
            f" JOIN registry_release r ON r.id = ({NEWEST_RELEASE_SQL})"
            f" WHERE p.id IN ({ids}) AND p.status IN ({statuses})"
            " ON CONFLICT (project_id) DO UPDATE SET release_id = excluded.release_id,"
            " title = excluded.title, document = excluded.document",
            [*project_ids, *shown],
        )
