"""Pieces of the web pages that need no database: people from core metadata (authors and maintainers), and
site paths in admins' messages turned into links."""

import pytest

from registry.people import Person, people
from registry.templatetags.wharf_pages import link_paths

pytestmark = [pytest.mark.unit]


@pytest.mark.parametrize(
    ("names", "emails", "expected"),
    [
        # PEP 621 tools: people without an address in Author, the others as "Name <address>" in Author-email.
        (
            "Bob Builder",
            "Alice Example <alice@example.com>",
            [Person("Bob Builder"), Person("Alice Example", "alice@example.com")],
        ),
        (
            "",
            "Alice <a@example.org>, bob@example.org",
            [Person("Alice", "a@example.org"), Person("bob@example.org", "bob@example.org")],
        ),
        ("", '"Doe, Jane" <jane@example.org>', [Person("Doe, Jane", "jane@example.org")]),
        # Older metadata: a name and an address in separate fields are one person.
        ("Alice", "alice@example.com", [Person("Alice", "alice@example.com")]),
        ("Jane", "", [Person("Jane")]),
        # Not addresses: shown as written, never linked (nor a mailto with extra parameters).
        ("", "alice at example dot com", [Person("alice at example dot com")]),
        ("", "a@example.com?subject=x", [Person("a@example.com?subject=x")]),
        ("", "", []),
    ],
)
def test_people_from_core_metadata(names, emails, expected):
    assert people(names, emails) == expected


def test_site_paths_in_messages_become_links():
    html = link_paths(
        "Read-only <b>now</b>. See /status/ or /help/#admin-intervention; not http://x/y/ or a/b/"
    )
    assert html == (
        'Read-only &lt;b&gt;now&lt;/b&gt;. See <a href="/status/">/status/</a> or '
        '<a href="/help/#admin-intervention">/help/#admin-intervention</a>; not http://x/y/ or a/b/'
    )
