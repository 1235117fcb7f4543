"""Fixtures of the moderation tests: an admin client that runs on-commit work, spam distributions, and a
helper that runs an admin action the way a person does: select on the changelist, confirm with a reason.
(Moderators, `publish` and `mails_to` are shared by the whole suite: tests/conftest.py.)"""

import re

import pytest
from django.test import Client

from tests import builders
from tests.conftest import committing

SPAM_README = (
    "Best deals https://spam.example.net/a https://spam.example.net/b https://spam.example.net/c "
    "https://spam.example.net/d casino bonus"
)


@pytest.fixture
def admin_as(django_capture_on_commit_callbacks, celery_worker, settings):
    """`admin_as(user)`: a test client logged in as staff `user`, whose on-commit work runs as after a commit.

    Two-factor for the admin is covered by tests/accounts/test_admin.py; here it is off.
    """
    settings.WHARF_ADMIN_REQUIRE_2FA = False

    def login(user) -> Client:
        client = committing(Client(), django_capture_on_commit_callbacks)
        client.force_login(user)
        return client

    return login


@pytest.fixture
def mod_client(admin_as, moderator):
    return admin_as(moderator)


def run_action(
    client, changelist: str, action: str, ids, reason: str | None, *, select_across=False, **fields
):
    """Select `ids` on `changelist` (a URL that may carry filters), pick `action`, then confirm with `reason`
    (None: stop at the confirmation page). `select_across` selects everything the filters match, as the
    admin's "Select all N" link does. Returns (confirmation page, final response)."""
    data = {"action": action, "_selected_action": [str(pk) for pk in ids], "index": "0"}
    if select_across:
        data["select_across"] = "1"
    page = client.post(changelist, data)
    if reason is None:
        return page, None
    assert page.status_code == 200, page.content.decode()[:3000]
    ids = page.context["ids"] if select_across else ids
    confirm = {
        "action": action,
        "_selected_action": [str(pk) for pk in ids],
        "confirm": "yes",
        "reason": reason,
    }
    confirm.update(fields)
    done = client.post(changelist, confirm)
    return page, done


def messages_of(client, response) -> list[str]:
    """The admin's messages after a redirect."""
    follow = client.get(response["Location"]) if response.status_code == 302 else response
    return [str(message) for message in follow.context["messages"]] if follow.context else []


def spam_wheel(name: str, version: str = "1.0", readme: str = SPAM_README) -> builders.Dist:
    """An almost empty wheel whose README is a link farm."""
    return builders.wheel(
        name,
        version,
        files={f"{builders.dist_name(name)}/__init__.py": b""},
        fields={"description": [readme], "description_content_type": ["text/plain"]},
    )


def real_wheel(name: str, version: str = "1.0") -> builders.Dist:
    code = b"def main():\n    return 'a real project with enough code to count as one'\n" * 4
    return builders.wheel(name, version, files={f"{builders.dist_name(name)}/__init__.py": code})


def text_of(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def rpc(client, method, *params):
    import xmlrpc.client

    body = xmlrpc.client.dumps(params, method).encode()
    response = client.generic("POST", "/RPC2", body, content_type="text/xml")
    assert response.status_code == 200
    return xmlrpc.client.loads(response.content)[0][0]


def presence(client, name: str) -> dict[str, bool]:
    """Where project `name` (normalized) shows: every API, page, download and the search.

    The Simple and JSON APIs count when they offer files: a quarantined project still answers there, with its
    PEP 792 status and no files (docs/decisions/0006-quarantine-status.md).
    """
    from registry.models import File

    files = list(File.objects.filter(release__project__normalized_name=name).values_list("path", flat=True))
    owner = owner_of(name)
    simple_index = client.get("/simple/").content.decode()
    return {
        "simple index": f'href="/simple/{name}/"' in simple_index,
        "simple page": "#sha256=" in client.get(f"/simple/{name}/").content.decode(),
        "simple json": bool(
            _json(client.get(f"/simple/{name}/", HTTP_ACCEPT="application/vnd.pypi.simple.v1+json")).get(
                "files"
            )
        ),
        "json api": bool(_json(client.get(f"/pypi/{name}/json")).get("releases")),
        "xmlrpc list": name in {n.lower() for n in rpc(client, "list_packages_with_serial")},
        "xmlrpc roles": bool(rpc(client, "package_roles", name)),
        "xmlrpc user": any(p.lower() == name for _, p in rpc(client, "user_packages", owner))
        if owner
        else False,
        "project page": client.get(f"/project/{name}/").status_code == 200,
        "release page": client.get(f"/project/{name}/1.0/").status_code == 200,
        "user page": f'href="/project/{name}/"' in client.get(f"/user/{owner}/").content.decode()
        if owner
        else False,
        "search": f'href="/project/{name}/"' in client.get("/search/", {"q": name}).content.decode(),
        "home": f'href="/project/{name}/' in client.get("/").content.decode(),
        "downloads": bool(files)
        and all(client.get(f"/packages/{path}").status_code == 200 for path in files),
    }


def _json(response) -> dict:
    return response.json() if response.status_code == 200 else {}


def owner_of(name: str) -> str | None:
    from registry.models import Role

    role = (
        Role.objects.filter(project__normalized_name=name, role_name="Owner").select_related("user").first()
    )
    return role.user.username if role else None
