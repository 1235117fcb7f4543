"""Public pages: home, search, project and release pages, user pages, name check, help (every link works)."""

import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from registry import search
from registry.models import File, Project, Release
from registry.search import search_releases

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


def body_of(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode().split("</head>", 1)[1]


def text_of(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


# --- home and search ------------------------------------------------------------------------------------


def test_home_has_search_and_recent_releases(client, publish):
    publish("demo", "1.0")
    publish("other", "2.0", fields={"summary": ["Other things"]})
    body = body_of(client.get("/"))
    assert '<form method="get" action="/search/" role="search"' in body
    assert '<label for="id_q">Search projects</label>' in body
    assert body.index('href="/project/other/2.0/"') < body.index('href="/project/demo/1.0/"')


def test_search_ranks_exact_name_first(client, publish):
    publish("toolkit-extras", "1.0", fields={"summary": ["Extras for the toolkit"]})
    publish("toolkit", "1.0", fields={"summary": ["A toolkit"]})
    publish("unrelated", "1.0", fields={"summary": ["Works with any toolkit you like"]})
    publish("nothing", "1.0", fields={"summary": ["Nothing to see"]})
    names = [r.project.name for r in search_releases(query="toolkit")]
    assert names[0] == "toolkit"
    assert set(names) == {"toolkit", "toolkit-extras", "unrelated"}
    assert names.index("toolkit-extras") < names.index("unrelated")  # a name match outranks a summary match
    body = body_of(client.get("/search/", {"q": "Toolkit"}))
    assert "3 projects for “Toolkit”" in body
    assert body.index('href="/project/toolkit/"') < body.index('href="/project/toolkit-extras/"')


def test_search_matches_keywords_and_description(publish):
    publish("alpha", "1.0", fields={"keywords": ["parsing,grammar"]})
    publish("beta", "1.0", fields={"description": ["A README about grammar engines."]})
    publish("gamma", "1.0")
    assert {r.project.name for r in search_releases(query="grammar")} == {"alpha", "beta"}


def test_search_uses_each_projects_newest_release(publish):
    publish("demo", "1.0", fields={"summary": ["old words"]})
    publish("demo", "2.0", fields={"summary": ["fresh words"]})
    assert [r.version for r in search_releases(query="demo")] == ["2.0"]
    assert list(search_releases(query="old")) == []


@pytest.mark.parametrize("query", ["%", "_", "%%", "\\", "'", '"', "*", "a%b"])
def test_like_wildcards_match_literally(publish, query):
    """`%` and `_` are not wildcards."""
    publish("demo", "1.0")  # name, summary ("A test package") and description hold none of these
    assert [r.project.name for r in search_releases(query=query)] == []


def test_search_hides_quarantined_projects(publish):
    publish("demo", "1.0")
    Project.objects.update(status="quarantined")
    assert list(search_releases(query="demo")) == []


def test_search_paginates(client, publish, settings):
    settings.WHARF_PROJECT_CREATE_USER_RATE = "100/hour"  # 23 new projects from one account
    for index in range(23):
        publish(f"pkg{index:02d}", "1.0", fields={"summary": ["common word"]})
    first = body_of(client.get("/search/", {"q": "common"}))
    assert "23 projects" in first and "Page 1 of 2" in first
    assert first.count('<a class="name" href="/project/pkg') == 20
    assert 'href="?q=common&amp;page=2" rel="next"' in first
    second = body_of(client.get("/search/", {"q": "common", "page": "2"}))
    assert second.count('<a class="name" href="/project/pkg') == 3
    assert body_of(client.get("/search/", {"q": "common", "page": "999"})).count("/project/pkg") == 3


@pytest.mark.parametrize("query", ["x" * 201, "null\x00byte"])
def test_bad_search_input_is_refused_with_a_message(client, query):
    body = body_of(client.get("/search/", {"q": query}))
    assert 'class="errorlist"' in body and "projects for" not in body


def test_empty_search_shows_only_the_form(client):
    body = body_of(client.get("/search/"))
    assert "projects for" not in body


# --- project and release pages --------------------------------------------------------------------------


@pytest.fixture
def demo(publish):
    """demo 1.0 (sdist + wheel), 1.1 yanked, 2.0rc1 pre-release, with a Markdown README and metadata."""
    fields = {
        "description": ["# Demo\n\nThe **demo** project."],
        "description_content_type": ["text/markdown"],
        "classifiers": ["Programming Language :: Python :: 3", "License :: OSI Approved :: MIT License"],
        "project_urls": ["Documentation, https://example.com/docs"],
        "home_page": ["https://example.com/"],
        "requires_python": [">=3.9"],
        "license": ["MIT"],
    }
    publish("demo", "1.0", sdist=True, fields=fields)
    publish("demo", "1.0", fields=fields)
    publish("demo", "1.1", fields=fields)
    publish("demo", "2.0rc1", fields=fields)
    Release.objects.filter(version="1.1").update(yanked=True, yanked_reason="Broken wheel")
    return Project.objects.get(normalized_name="demo")


def test_project_page(client, demo, alice):
    body = body_of(client.get("/project/demo/"))
    assert "<h1>demo 1.0" in body  # the newest final, not yanked release
    assert '<h3 id="user-content-demo">Demo' in body and "<strong>demo</strong>" in body
    assert body.count("<h1") == 1  # README headings sit below the page's own
    assert "pip install --index-url http://testserver/simple/ demo</code></pre>" in body
    history = text_of(body[body.index('id="history"') : body.index('id="files"')])
    assert "2.0rc1" in history and "pre-release" in history
    assert "1.1" in history and "yanked Broken wheel" in history
    for file in File.objects.filter(release__version="1.0"):
        assert file.filename in body and file.sha256_digest in body and file.blake2_256_digest in body
        assert f'href="http://testserver/packages/{file.path}"' in body
    assert "Programming Language :: Python :: 3" in body
    assert '<a href="https://example.com/docs" rel="nofollow noopener">Documentation</a>' in body
    assert '<a href="/user/alice/">alice</a>' in body
    assert 'href="/project/demo/report/"' in body
    assert "Manage this project" not in body  # anonymous visitor


def test_release_page_of_a_yanked_release(client, demo):
    body = body_of(client.get("/project/demo/1.1/"))
    assert "<h1>demo 1.1" in body and "This release was yanked</strong>: Broken wheel" in body
    assert "pip install --index-url http://testserver/simple/ demo==1.1</code></pre>" in body
    assert "This is not the newest release" in body


def test_release_page_accepts_equivalent_versions(client, demo):
    assert "<h1>demo 1.0" in body_of(client.get("/project/demo/1.0.0/"))


def test_project_name_is_canonicalized(client, demo):
    response = client.get("/project/DEMO/1.1/")
    assert (response.status_code, response["Location"]) == (301, "/project/demo/1.1/")


def test_collaborator_sees_manage_link(client, demo, alice):
    client.force_login(alice)
    assert 'href="/manage/project/demo/">Manage this project' in body_of(client.get("/project/demo/"))


@pytest.mark.parametrize(
    "path", ["/project/nope/", "/project/demo/9.9/", "/project/demo/not a version/", "/user/nobody/"]
)
def test_missing_pages_are_404(client, demo, path):
    assert client.get(path).status_code == 404


def test_quarantined_project_is_hidden(client, demo):
    Project.objects.update(status="quarantined")
    assert client.get("/project/demo/").status_code == 404
    assert client.get("/project/demo/1.0/").status_code == 404
    assert "demo" not in body_of(client.get("/user/alice/")).split("<h2", 1)[1].split("</ul>")[0]
    assert "/project/demo/" not in body_of(client.get("/"))


def test_project_without_releases(client, make_user):
    bob = make_user("bob")
    project = Project.objects.create(name="parked", normalized_name="parked")
    project.roles.create(user=bob, role_name="Owner")
    body = body_of(client.get("/project/parked/"))
    assert "This project has no releases yet." in body


def test_user_page_lists_public_projects(client, publish, alice):
    publish("demo", "1.0", fields={"summary": ["The demo"]})
    publish("other", "3.0")
    body = body_of(client.get("/user/ALICE/"))
    assert "<h1>alice</h1>" in body and "2 projects" in body
    assert '<a href="/project/demo/">demo</a>' in body and "The demo" in body and "3.0" in body


def test_report_page_asks_to_log_in(client, demo):
    # The report form itself is moderation's (tests/moderation/test_reports.py).
    response = client.get("/project/demo/report/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/project/demo/report/"


# --- name check page ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "verdict", "detail"),
    [
        ("brand-new", "“brand-new” is available", "Publish your first release"),
        ("xml", "Rule: conflicts with the Python standard library", "<code>xml</code> — Python 2.6 to 3.14"),
        (
            "requirements.txt",
            "Rule: prohibited by the administrators",
            "reason for a particular name is not published",
        ),
        (
            "dem0",
            "Rule: too similar to an existing project",
            'The existing project is <a href="/project/demo/">demo</a>',
        ),
        ("demo", "Rule: an existing project", 'See <a href="/project/demo/">demo</a>'),
        ("b\u00f8b", "Rule: not a valid project name", "Kelvin sign"),
    ],
)
def test_name_check_page(client, publish, name, verdict, detail):
    publish("demo", "1.0")
    body = body_of(client.get("/names/check/", {"name": name}))
    assert verdict in body and detail in body
    assert "See /names/check/" not in body  # the page does not link to itself


def test_name_check_page_for_the_owner(client, publish, alice):
    publish("demo", "1.0")
    client.force_login(alice)
    assert "You are Owner of this project" in body_of(client.get("/names/check/", {"name": "Demo"}))


def test_name_check_page_reserved(client, make_user):
    project = Project.objects.create(name="parked", normalized_name="parked")
    project.roles.create(user=make_user("bob"), role_name="Owner")
    body = body_of(client.get("/names/check/", {"name": "parked"}))
    assert "Rule: reserved by another account" in body and 'href="/help/#project-name-claim"' in body


def test_name_check_page_without_a_name_shows_the_form(client):
    body = body_of(client.get("/names/check/"))
    assert '<label for="id_name">Project name</label>' in body and 'id="result"' not in body


# --- help -------------------------------------------------------------------------------------------------


class _Links(HTMLParser):
    def __init__(self, html):
        super().__init__()
        self.hrefs, self.ids = [], set()
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        if tag == "a" and attrs.get("href"):
            self.hrefs.append(attrs["href"])


FAQ_ANCHORS = [
    "packages",
    "installing",
    "publishing",
    "project-name",
    "project-name-claim",
    "verified-email",
    "mirroring",
    "private-packages",
    "admin-intervention",
    "feedback",
    "collaborators",
    "yanked",
    "deletion",
]


def test_help_answers_the_faq_and_every_link_works(client, publish, alice):
    publish("demo", "1.0")
    client.force_login(alice)  # so that the account links of the header resolve too
    html = client.get("/help/").content.decode()
    links = _Links(html)
    assert set(FAQ_ANCHORS) <= links.ids
    # Every message that links to a help anchor finds it.
    for anchor in (
        "project-name",
        "verified-email",
        "file-name-reuse",
        "project-size-limit",
        "description-content-type",
        "admin-intervention",
        "invalid-auth",
        "two-factor-authentication",
    ):
        assert anchor in links.ids
    checked = set()
    for href in links.hrefs:
        parts = urlsplit(href)
        if parts.scheme in ("http", "https"):
            assert parts.hostname not in ("localhost", "127.0.0.1", "testserver"), href
            continue
        if href.startswith("mailto:"):
            continue
        path = parts.path or "/help/"
        if parts.fragment and path == "/help/":
            assert parts.fragment in links.ids, href
        if path not in checked:
            checked.add(path)
            response = client.get(path)
            assert response.status_code == 200, (href, response.status_code)
    assert {"/names/check/", "/manage/projects/", "/search/"} <= checked


def test_help_page_names_this_index(client):
    body = body_of(client.get("/help/"))
    assert "pip install --index-url http://testserver/simple/ NAME" in body
    assert "twine upload --repository-url http://testserver/legacy/" in body


def test_help_page_reads_its_numbers_from_the_settings(client, settings):
    settings.WHARF_MAX_FILE_SIZE = 150 * 1024**2
    settings.WHARF_MAX_PROJECT_SIZE = 20 * 1024**3
    settings.WHARF_RELEASE_UPLOAD_WINDOW_DAYS = 30
    settings.WHARF_EMAIL_VERIFICATION_HOURS = 12
    settings.WHARF_CLAIM_CONTACT_ATTEMPTS = 4
    settings.WHARF_CLAIM_CONTACT_INTERVAL_DAYS = 10
    settings.WHARF_CLAIM_SQUAT_NOTICE_DAYS = 5
    body = text_of(body_of(client.get("/help/")))
    assert "a file may be up to 150 MiB and a project's files up to 20 GiB in total" in body
    assert "Files can be added to a release for 30 days after it was created." in body
    assert "Confirmation links work for 12 hours" in body
    assert "sent every 10 days, up to 4 times; a squatted name waits 5 days after its notice" in body
    assert "twine 7 accepts --skip-existing only for PyPI's own hosts" in body


# --- query counts: list pages cost the same whatever they list ---------------------------------------------


def count_queries(client, path) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    "path", ["/", "/search/?q=pkg", "/project/pkg00/", "/project/pkg00/1.0/", "/user/alice/"]
)
def test_list_pages_have_constant_query_counts(client, publish, path):
    publish("pkg00", "1.0")
    small = count_queries(client, path)
    for index in range(1, 6):
        publish(f"pkg{index:02d}", "1.0", fields={"summary": ["pkg"]})
        publish("pkg00", f"1.{index}")
    publish("pkg00", "1.0", sdist=True)
    assert count_queries(client, path) == small
    assert small <= 6


def test_postgresql_search_uses_the_gin_index(publish):
    """Search reads the stored documents through the GIN index of migration 0007."""
    if connection.vendor != "postgresql":
        pytest.skip("full-text search and its index exist on PostgreSQL only")
    publish("demo", "1.0")
    results = search_releases(query="parser")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + results.sql(), results.params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "registry_projectsearch_document" in plan, plan
    assert "registry_projectsearch_title" in plan, plan


def test_postgresql_search_caps_candidates(publish, client, monkeypatch):
    """A word most projects match costs what a rare one costs: at most MAX_CANDIDATES are ranked."""
    if connection.vendor != "postgresql":
        pytest.skip("the capped candidates are PostgreSQL's")
    monkeypatch.setattr(search, "MAX_CANDIDATES", 2)
    for name in ("common-a", "common-b", "common-c"):
        publish(name, "1.0")
    results = search_releases(query="common")
    found = results.count()
    assert results.capped and 2 <= found <= 3  # each kind of candidate stopped at 2
    assert f"{found}+ projects for “common”" in body_of(client.get("/search/", {"q": "common"}))


def test_search_index_follows_quarantine(publish):
    from registry.models import ProjectSearch
    from registry.services.quarantine import projects_quarantine, projects_release

    publish("demo", "1.0")
    project = Project.objects.get(normalized_name="demo")
    projects_quarantine(projects=[project], actor=None)
    assert not ProjectSearch.objects.filter(project=project).exists()
    projects_release(projects=[project], actor=None)
    assert ProjectSearch.objects.get(project=project).release.version == "1.0"
