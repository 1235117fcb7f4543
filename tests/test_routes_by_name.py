"""Code that needs a route's path asks the URL conf by the route's name, so renaming or moving a route fails
here (NoReverseMatch) instead of silently changing what the code matches."""

import pytest
from django.test import RequestFactory
from django.urls import get_resolver, resolve, reverse

from moderation.middleware import EXEMPT_NAMESPACES, EXEMPT_URL_NAMES, _exempt
from registry.protocols.responses import LINKED_PAGES, absolute_links, site_path_re

pytestmark = pytest.mark.unit


def test_every_route_the_read_only_mode_lets_through_exists():
    names = {key for key in get_resolver().reverse_dict if isinstance(key, str)}
    assert names >= EXEMPT_URL_NAMES


@pytest.mark.parametrize("namespace", sorted(EXEMPT_NAMESPACES))
def test_every_namespace_the_read_only_mode_lets_through_exists(namespace):
    assert _exempt(resolve(reverse(f"{namespace}:index")))


@pytest.mark.parametrize(
    ("path", "exempt"),
    [
        ("/legacy/", True),
        ("/legacy", True),
        ("/RPC2", True),
        ("/pypi/", True),
        ("/admin/moderation/adminflag/", True),
        ("/accounts/login/", True),
        ("/accounts/2fa/authenticate/", True),
        ("/accounts/logout/", True),
        ("/accounts/tokens/", False),
        ("/accounts/signup/", False),
        ("/manage/project/demo/release/1.0/yank/", False),
        ("/project/demo/report/", False),
        ("/claims/new/", False),
    ],
)
def test_the_read_only_exemptions_as_paths(path, exempt):
    assert _exempt(resolve(path)) is exempt


@pytest.mark.parametrize("name", LINKED_PAGES)
def test_messages_may_link_every_page_they_name(name):
    path = reverse(name)
    assert site_path_re().search(f"See {path} for more information.")


def test_messages_get_this_index_as_the_base_of_their_links():
    request = RequestFactory().get("/legacy/")
    message = "Invalid API Token: see /help/#invalid-auth; the path /simple/demo/ stays."
    assert absolute_links(message, request) == (
        "Invalid API Token: see http://testserver/help/#invalid-auth; the path /simple/demo/ stays."
    )
