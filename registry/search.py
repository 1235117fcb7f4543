"""Project search: reads only, for the search page.

Each public project is represented by its newest release (not yanked, final versions first), which
`registry.models.ProjectSearch` names together with that release's text (kept by
`registry.services.search_index`), so a search reads one row per project, never every release. Results are
ranked by relevance, with a project whose name is exactly the query (PEP 503 normal form) always first.
- PostgreSQL: full-text search (`websearch_to_tsquery`, English). Candidates are the projects whose name
  contains the query, whose title (name, summary, keywords) matches it and whose document (the title and the
  description) matches it, at most MAX_CANDIDATES of each, found through indexes; they are ranked by the
  name match and the title's rank. A query that a large part of the index matches (a common word) so costs
  about what a rare one costs, and its count reads "300+" (or more), as PyPI's reads "10,000+".
- SQLite: every word of the query must appear (case-insensitively) in the name, summary, keywords or
  description; the name counts most.
Django's `contains` lookups and the escaped LIKE pattern below keep `%` and `_` literal, so a query cannot
turn into a LIKE wildcard (docs/hostile-inputs.md, I).
"""

from django.db import connection
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When

from registry.models import Release
from registry.names import normalize
from registry.selectors import public_q

MAX_QUERY_LENGTH = 200
MAX_TERMS = 10
# Each kind of candidate (name, title, document) stops at this many; measured on 100,000 synthetic projects
# whose every description holds a common word: 1,000 of each cost 125-150 ms a query, 300 cost 36-58 ms
# (bench/scale.py, with the machine shared).
MAX_CANDIDATES = 300
RESULT_FIELDS = ("id", "project_id", "version", "summary", "created", "yanked", "is_prerelease")
PROJECT_FIELDS = ("project__id", "project__name", "project__normalized_name")


def search_releases(*, query: str):
    """The newest release of every public project matching `query`, best match first, for a Paginator.

    Each row carries its project (selected, name fields only); descriptions are not loaded.
    """
    query = " ".join(query.split())[:MAX_QUERY_LENGTH]
    if not query:
        return Release.objects.none()
    if connection.vendor == "postgresql":
        return RankedSearch(query)
    return _simple(query=query)


class RankedSearch:
    """PostgreSQL's results for a Paginator: the ranked ids in one query, then the releases of one page."""

    def __init__(self, query: str):
        normalized = normalize(query)
        escaped = normalized.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        self.params = {
            "query": query,
            "exact": normalized,
            "like": f"%{escaped}%",
            "cap": MAX_CANDIDATES,
        }
        self.capped = False
        self.ids = None

    def count(self) -> int:
        return len(self._ranked())

    def __len__(self) -> int:
        return self.count()

    def __iter__(self):
        return iter(self[0 : len(self._ranked())])

    def __getitem__(self, page):
        if isinstance(page, int):
            return self[page : page + 1][0]
        ids = self._ranked()[page]
        # The index holds public projects only; the page checks again, so no row can ever show a hidden one.
        releases = (
            Release.objects.filter(public_q("project__"), pk__in=ids)
            .select_related("project")
            .only(*RESULT_FIELDS, *PROJECT_FIELDS)
        )
        by_id = {release.pk: release for release in releases}
        return [by_id[pk] for pk in ids if pk in by_id]

    def _ranked(self) -> list[int]:
        """The release ids of every candidate, best first: one query, however many pages are read."""
        if self.ids is None:
            with connection.cursor() as cursor:
                cursor.execute(f"{self.sql()} ORDER BY exact DESC, rank DESC, name", self.params)
                self.ids = [row[0] for row in cursor.fetchall()]
            self.capped = len(self.ids) >= MAX_CANDIDATES
        return self.ids

    @staticmethod
    def sql() -> str:
        """The ranked candidates; each branch of the union goes through an index (name: a scan of the
        narrow project table) and stops at MAX_CANDIDATES."""
        terms = "websearch_to_tsquery('english'::regconfig, %(query)s)"
        return (
            "SELECT s.release_id, (s.name = %(exact)s)::int AS exact, s.name,"  # noqa: S608
            " (CASE WHEN s.name LIKE %(like)s ESCAPE '\\' THEN 1.0 ELSE 0.0 END)"
            f" + 2 * ts_rank(s.title, {terms}) AS rank"
            " FROM ("
            "(SELECT id AS project_id FROM registry_project WHERE normalized_name LIKE %(like)s ESCAPE '\\'"
            " LIMIT %(cap)s)"
            f" UNION (SELECT project_id FROM registry_projectsearch WHERE title @@ {terms} LIMIT %(cap)s)"
            f" UNION (SELECT project_id FROM registry_projectsearch WHERE document @@ {terms} LIMIT %(cap)s)"
            ") candidates"
            # Only public projects have a search row.
            " JOIN registry_projectsearch s ON s.project_id = candidates.project_id"
        )


def _simple(*, query: str) -> QuerySet[Release]:
    normalized = normalize(query)
    terms = query.split()[:MAX_TERMS]
    matches = Q()
    rank = Case(When(project__normalized_name__contains=normalized, then=Value(50)), default=Value(0))
    for term in terms:
        matches &= (
            Q(project__name__icontains=term)
            | Q(summary__icontains=term)
            | Q(keywords__icontains=term)
            | Q(description__icontains=term)
        )
        rank += Case(
            When(project__name__icontains=term, then=Value(10)),
            When(Q(summary__icontains=term) | Q(keywords__icontains=term), then=Value(5)),
            default=Value(1),
            output_field=IntegerField(),
        )
    exact = Case(When(project__normalized_name=normalized, then=Value(1)), default=Value(0))
    return (
        Release.objects.filter(public_q("project__"), search_entry__isnull=False)
        .filter(matches)
        .select_related("project")
        .only(*RESULT_FIELDS, *PROJECT_FIELDS)
        .annotate(rank=rank, exact=exact)
        .order_by("-exact", "-rank", "project__normalized_name")
    )
