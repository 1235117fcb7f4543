"""Project search: reads only, for the search page.

Each public project is represented by its newest release (not yanked, final versions first). Results are
ranked by relevance, with a project whose name is exactly the query (PEP 503 normal form) always first.
- PostgreSQL: full-text search (`websearch_to_tsquery`, English) over the release's summary, keywords and
  description, backed by the GIN index of migration 0003, plus the project name; a substring of the name
  also matches.
- SQLite: every word of the query must appear (case-insensitively) in the name, summary, keywords or
  description; the name counts most.
Django's `contains` lookups escape `%` and `_`, so a query cannot turn into a LIKE wildcard
(docs/hostile-inputs.md, I).
"""

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector, SearchVectorField
from django.db import connection
from django.db.models import (
    Case,
    F,
    FloatField,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)

from registry.models import Release
from registry.names import normalize
from registry.selectors import public_q

MAX_QUERY_LENGTH = 200
MAX_TERMS = 10
RESULT_FIELDS = ("id", "project_id", "version", "summary", "created", "yanked", "is_prerelease")
PROJECT_FIELDS = ("project__id", "project__name", "project__normalized_name")


class ReleaseDocument(Func):
    """The text a release is searched by, exactly as the GIN index of migration 0003 computes it.

    PostgreSQL uses an expression index only for the same expression, so this template and the index's
    definition must stay identical.
    """

    template = "to_tsvector('english'::regconfig, %(expressions)s)"
    arg_joiner = " || ' ' || "
    output_field = SearchVectorField()

    def __init__(self):
        super().__init__(F("summary"), F("keywords"), F("description"))


def newest_public_releases() -> QuerySet[Release]:
    """One release per public project: the one its search result shows."""
    newest = (
        Release.objects.filter(project=OuterRef("project"))
        .order_by("yanked", "is_prerelease", "-created", "-pk")
        .values("pk")[:1]
    )
    return Release.objects.filter(public_q("project__"), pk=Subquery(newest))


def search_releases(*, query: str) -> QuerySet[Release]:
    """The newest release of every public project matching `query`, best match first (lazy, for paging).

    Each row carries its project (selected, name fields only); descriptions are not loaded.
    """
    query = " ".join(query.split())[:MAX_QUERY_LENGTH]
    if not query:
        return Release.objects.none()
    normalized = normalize(query)
    releases = newest_public_releases().select_related("project").only(*RESULT_FIELDS, *PROJECT_FIELDS)
    exact = Case(When(project__normalized_name=normalized, then=Value(1)), default=Value(0))
    if connection.vendor == "postgresql":
        releases = _postgresql(releases, query=query, normalized=normalized)
    else:
        releases = _simple(releases, query=query, normalized=normalized)
    return releases.annotate(exact=exact).order_by("-exact", "-rank", "project__normalized_name")


def _postgresql(releases: QuerySet, *, query: str, normalized: str) -> QuerySet:
    terms = SearchQuery(query, config="english", search_type="websearch")
    in_name = Q(project__normalized_name__contains=normalized)
    # Matching documents are found through the GIN index in a subquery of their own: inside one OR with the
    # name conditions PostgreSQL would compute every release's document instead.
    by_document = Release.objects.alias(document=ReleaseDocument()).filter(document=terms).values("pk")
    return (
        releases.alias(name_document=SearchVector("project__name", config="english"))
        .filter(Q(pk__in=by_document) | Q(name_document=terms) | in_name)
        .annotate(
            rank=Case(When(in_name, then=Value(1.0)), default=Value(0.0), output_field=FloatField())
            + 2 * SearchRank(F("name_document"), terms)
            + SearchRank(ReleaseDocument(), terms)
        )
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
