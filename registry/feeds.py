"""RSS 2.0 feeds for followers and mirrors, on Django's syndication framework (as PyPI serves them).

`/rss/updates.xml` the newest releases, `/rss/packages.xml` the newest projects, `/rss/project/<name>/
releases.xml` one project's newest releases: 40 items each, public projects only. Text from uploads may hold
characters XML 1.0 cannot carry (Django's writer refuses them); they are dropped. Answers carry CORS headers
and the CDN's caching headers (`registry.cdn`).
"""

import re
from email.utils import getaddresses

from django.contrib.syndication.views import Feed
from django.http import Http404
from django.utils.feedgenerator import Rss201rev2Feed

from registry import cdn, selectors
from registry.names import normalize
from registry.protocols.common import CORS_HEADERS

ITEMS = 40
# Characters outside XML 1.0's Char production (https://www.w3.org/TR/xml/#charsets).
XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(text: str | None) -> str:
    return XML_INVALID.sub("", text or "")


def feed_author(author_email: str) -> str | None:
    """The release's author addresses, comma-separated, or None unless every one looks like an address.

    Names are left out: they may hold anything (Warehouse's `_format_author` does the same).
    """
    addresses = [address for _name, address in getaddresses([author_email or ""])]
    if not addresses or any("@" not in address for address in addresses):
        return None
    return xml_text(", ".join(addresses))


class XmlRss(Rss201rev2Feed):
    content_type = "text/xml; charset=utf-8"

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        # Django writes an item's author only beside a name; feeds give addresses alone.
        if item.get("authors"):
            handler.addQuickElement("author", item["authors"])


class WharfFeed(Feed):
    feed_type = XmlRss

    def __call__(self, request, *args, **kwargs):
        response = super().__call__(request, *args, **kwargs)
        for header, value in CORS_HEADERS.items():
            response[header] = value
        cdn.mark_cacheable(response, keys=self.surrogate_keys(*args, **kwargs), **cdn.FEED_TIMES)
        return response

    def surrogate_keys(self, *args, **kwargs) -> list[str]:
        return [cdn.ALL_PROJECTS]

    def item_description(self, item) -> str:
        return xml_text(item.summary)

    def item_extra_kwargs(self, item) -> dict:
        return {"authors": feed_author(self.release_of(item).author_email)}

    def release_of(self, item):
        return item

    def item_pubdate(self, item):
        return item.created


class ReleaseFeed(WharfFeed):
    """Releases link to their release page."""

    def item_link(self, item) -> str:
        return f"/project/{item.project.normalized_name}/{item.version}/"


class UpdatesFeed(ReleaseFeed):
    title = "Wharf recent updates"
    link = "/"
    description = "Recent updates to the Wharf package index"

    def items(self):
        return selectors.recent_releases(limit=ITEMS)

    def item_title(self, item) -> str:
        return xml_text(f"{item.project.name} {item.version}")


class PackagesFeed(WharfFeed):
    title = "Wharf newest packages"
    link = "/"
    description = "Newest packages registered at the Wharf package index"

    def items(self):
        return selectors.newest_projects(limit=ITEMS)

    def item_title(self, item) -> str:
        return xml_text(f"{item.name} added to Wharf")

    def item_link(self, item) -> str:
        return f"/project/{item.normalized_name}/"

    def item_description(self, item) -> str:
        return xml_text(item.latest.summary)

    def release_of(self, item):
        return item.latest


class ProjectReleasesFeed(ReleaseFeed):
    def get_object(self, request, name):
        project = selectors.public_project_get(name=name)
        if project is None:
            raise Http404("No such project.")
        return project

    def surrogate_keys(self, name) -> list[str]:
        return [cdn.project_key(normalize(name))]

    def title(self, project) -> str:
        return xml_text(f"Wharf recent updates for {project.name}")

    def link(self, project) -> str:
        return f"/project/{project.normalized_name}/"

    def description(self, project) -> str:
        return xml_text(f"Recent updates to the Wharf package index for {project.name}")

    def items(self, project):
        releases = selectors.project_releases_newest(project=project, limit=ITEMS)
        for release in releases:
            release.project = project
        return releases

    def item_title(self, item) -> str:
        return xml_text(item.version)
