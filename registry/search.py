"""Project search: reads only, for the search page.

Each public project is represented by its newest release (not yanked, final versions first), which
`registry.models.ProjectSearch` names together with that release's text (kept by
`registry.services.search_index`), so a search reads one row per project, never every release. Results are
ranked by relevance, with a project whose name is exactly the query (PEP 503 normal form) always first.
- PostgreSQL: full-text search (`websearch_to_tsquery`, English) over the stored document (name, summary,
  keywords, description) through its GIN index, ranked by the stored title (name, summary, keywords); a
  substring of the name also matches and counts most.
- SQLite: every word of the query must appear (case-insensitively) in the name, summary, keywords or
  description; the name counts most.
Django's `contains` lookups escape `%` and `_`, so a query cannot turn into a LIKE wildcard (BAD_INPUTS I4).
"""

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection
from django.db.models import Case, F, FloatField, IntegerField, Q, QuerySet, Value, When

from registry.models import Project, ProjectSearch, Release
from registry.names import normalize
from registry.selectors import public_q

MAX_QUERY_LENGTH = 200
MAX_TERMS = 10
RESULT_FIELDS = ("id", "project_id", "version", "summary", "created", "yanked", "is_prerelease")
PROJECT_FIELDS = ("project__id", "project__name", "project__normalized_name")


def search_releases(*, query: str) -> QuerySet[Release]:
    """The newest release of every public project matching `query`, best match first (lazy, for paging).

    Each row carries its project (selected, name fields only); descriptions are not loaded.
    """
    query = " ".join(query.split())[:MAX_QUERY_LENGTH]
    if not query:
        return Release.objects.none()
    normalized = normalize(query)
    releases = (
        Release.objects.filter(public_q("project__"), search_entry__isnull=False)
        .select_related("project")
        .only(*RESULT_FIELDS, *PROJECT_FIELDS)
    )
    exact = Case(When(project__normalized_name=normalized, then=Value(1)), default=Value(0))
    if connection.vendor == "postgresql":
        releases = _postgresql(releases, query=query, normalized=normalized)
    else:
        releases = _simple(releases, query=query, normalized=normalized)
    return releases.annotate(exact=exact).order_by("-exact", "-rank", "project__normalized_name")


def _postgresql(releases: QuerySet, *, query: str, normalized: str) -> QuerySet:
    terms = SearchQuery(query, config="english", search_type="websearch")
    # Matching projects are found by a UNION of two subqueries, the documents through their GIN index and the
    # names by substring: inside one OR the planner would read every search row instead.
    by_document = ProjectSearch.objects.filter(document=terms).values("project_id")
    by_name = Project.objects.filter(normalized_name__contains=normalized).values("pk")
    in_name = Q(project__normalized_name__contains=normalized)
    return releases.filter(project_id__in=by_document.union(by_name)).annotate(
        rank=Case(When(in_name, then=Value(1.0)), default=Value(0.0), output_field=FloatField())
        + 2 * SearchRank(F("search_entry__title"), terms)
    )


def _simple(releases: QuerySet, *, query: str, normalized: str) -> QuerySet:
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
    return releases.filter(matches).annotate(rank=rank)
