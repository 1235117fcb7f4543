"""RSS 2.0 feeds: newest releases, newest projects, a project's releases (40 items, public projects only)."""

import xml.etree.ElementTree as ET

import pytest

from registry.models import Project, Release
from registry.services.synthetic import synthetic_index_seed

pytestmark = pytest.mark.integration


def items(response) -> list[dict]:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    channel = ET.fromstring(response.content).find("channel")  # noqa: S314 (our own answer)
    return [{child.tag: child.text for child in item} for item in channel.findall("item")]


def test_updates_lists_the_newest_releases(client, publish):
    publish("alpha", "1.0", fields={"summary": ["First"]})
    publish("beta", "2.0", fields={"summary": ["Second"]})
    Release.objects.filter(version="1.0").update(author_email="Ann <ann@example.com>, bo@example.com")

    response = client.get("/rss/updates.xml")

    found = items(response)
    assert [item["title"] for item in found] == ["beta 2.0", "alpha 1.0"]
    assert found[0]["link"] == "http://testserver/project/beta/2.0/"
    assert found[0]["description"] == "Second"
    assert found[1]["author"] == "ann@example.com, bo@example.com"  # addresses only, never names
    assert "pubDate" in found[0]
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["Surrogate-Key"] == "all-projects"
    surrogate = "max-age=86400, stale-while-revalidate=86400, stale-if-error=432000"
    assert response["Surrogate-Control"] == surrogate


def test_packages_lists_the_newest_projects(client, publish):
    publish("alpha", "1.0", fields={"summary": ["The first one"]})
    publish("alpha", "1.1", fields={"summary": ["Changed"]})
    publish("beta", "1.0")

    found = items(client.get("/rss/packages.xml"))

    assert [item["title"] for item in found] == ["beta added to Wharf", "alpha added to Wharf"]
    assert found[1]["link"] == "http://testserver/project/alpha/"
    assert found[1]["description"] == "Changed"  # the newest release's summary


def test_project_releases(client, publish):
    publish("alpha", "1.0")
    publish("alpha", "1.1")
    publish("beta", "1.0")

    response = client.get("/rss/project/Alpha/releases.xml")

    assert [item["title"] for item in items(response)] == ["1.1", "1.0"]
    assert response["Surrogate-Key"] == "project/alpha"
    assert client.get("/rss/project/nothing/releases.xml").status_code == 404


def test_quarantined_projects_are_absent(client, publish):
    publish("alpha", "1.0")
    publish("beta", "1.0")
    Project.objects.filter(normalized_name="beta").update(status="quarantined")

    assert [item["title"] for item in items(client.get("/rss/updates.xml"))] == ["alpha 1.0"]
    assert [item["title"] for item in items(client.get("/rss/packages.xml"))] == ["alpha added to Wharf"]
    assert client.get("/rss/project/beta/releases.xml").status_code == 404


def test_forty_items_and_a_constant_number_of_queries(client, db, django_assert_max_num_queries):
    synthetic_index_seed(projects=45, files_per_project=6, seed=2)
    huge = Project.objects.order_by("-total_size").first()
    assert Release.objects.filter(project=huge).count() > 40

    project_feed = f"/rss/project/{huge.normalized_name}/releases.xml"
    for path in ("/rss/updates.xml", "/rss/packages.xml", project_feed):
        with django_assert_max_num_queries(4):
            assert len(items(client.get(path))) == 40


def test_xml_invalid_characters_are_dropped(client, publish):
    publish("alpha", "1.0")
    Release.objects.update(summary="bell\x07 and \x1b[31mescape\ufffe", author_email="not an address")

    found = items(client.get("/rss/updates.xml"))

    assert found[0]["description"] == "bell and [31mescape"
    assert "author" not in found[0]
