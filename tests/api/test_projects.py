"""Projects, releases and files through the API: reads for anyone, yank and delete for Owners, each actor."""

import pytest

from moderation.services import projects_quarantine
from registry.models import File, JournalEntry, Project, Release
from tests.api.conftest import error

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

READERS = ["anonymous", "other user", "maintainer", "owner", "moderator", "other project", "upload only"]


@pytest.mark.parametrize("actor", READERS)
def test_project_reads_for_every_actor(api, world, actor):
    token = world.tokens[actor]
    listing = api("GET", "projects/", token=token)
    assert listing.status_code == 200
    assert [p["name"] for p in listing.data["results"]] == ["demo", "other"]
    assert listing.data["next"] is None
    project = api("GET", "projects/Demo/", token=token)
    assert project.status_code == 200
    assert project.data["name"] == "demo" and project.data["status"] == "active"
    assert [r["version"] for r in project.data["releases"]] == ["1.0"]
    assert project.data["releases"][0]["yanked"] is False
    has_role = actor in ("maintainer", "owner", "other project", "upload only")
    assert (project.data["roles"] is not None) == has_role
    if has_role:
        assert project.data["roles"] == [
            {"username": "alice", "role": "Owner"},
            {"username": "mary", "role": "Maintainer"},
        ]
    release = api("GET", "projects/demo/releases/1.0/", token=token)
    assert release.status_code == 200
    files = release.data["files"]
    assert [f["filename"] for f in files] == ["demo-1.0.tar.gz", "demo-1.0-py3-none-any.whl"]
    stored = File.objects.get(filename="demo-1.0.tar.gz")
    assert files[0]["hashes"]["sha256"] == stored.sha256_digest
    assert files[0]["url"] == f"http://testserver/packages/{stored.path}"


def test_unknown_project_and_release(api, world):
    error(api("GET", "projects/nope/"), 404, "not_found", "There is no project named 'nope'.")
    error(api("GET", "projects/demo/releases/9.9/"), 404, "not_found", "has no release 9.9")


def test_owner_filter_and_pagination(api, world):
    listing = api("GET", "projects/?owner=mary")
    assert [p["name"] for p in listing.data["results"]] == ["demo"]
    first = api("GET", "projects/?page_size=1")
    assert first.data["count"] == 2 and first.data["next"].endswith("page=2&page_size=1")
    error(api("GET", "projects/?page=9"), 404, "not_found")


def test_quarantined_projects_are_hidden_except_to_maintainers_and_moderators(api, world):
    projects_quarantine(projects=[world.demo], actor=world.moderator, reason="Looks like malware.")
    for actor in ("anonymous", "other user"):
        token = world.tokens[actor]
        error(api("GET", "projects/demo/", token=token), 404, "not_found")
        error(api("GET", "projects/demo/releases/1.0/", token=token), 404)
        assert [p["name"] for p in api("GET", "projects/", token=token).data["results"]] == ["other"]
    for actor in ("maintainer", "owner", "moderator"):
        answer = api("GET", "projects/demo/", token=world.tokens[actor])
        assert answer.status_code == 200 and answer.data["status"] == "quarantined"


YANKERS = {
    "anonymous": (401, "not_authenticated"),
    "other user": (403, "permission_denied"),
    "maintainer": (403, "permission_denied"),
    "moderator": (403, "permission_denied"),
    "other project": (403, "token_scope"),
    "expired": (401, "authentication_failed"),
    "revoked": (401, "authentication_failed"),
    "upload only": (403, "missing_permission"),
}


@pytest.mark.parametrize("actor", list(YANKERS))
def test_yank_refused(api, world, actor, unchanged):
    status, code = YANKERS[actor]
    with unchanged():
        error(
            api("POST", "projects/demo/releases/1.0/yank/", {"reason": "x"}, token=world.tokens[actor]),
            status,
            code,
        )
    assert not Release.objects.get(version="1.0", project=world.demo).yanked


def test_owner_yanks_and_unyanks(api, world):
    token = world.tokens["owner"]
    answer = api("POST", "projects/demo/releases/1.0/yank/", {"reason": "Broken build"}, token=token)
    assert answer.status_code == 200, answer.data
    assert (answer.data["yanked"], answer.data["yanked_reason"]) == (True, "Broken build")
    again = api("POST", "projects/demo/releases/1.0/yank/", {}, token=token)
    error(again, 409, "conflict", "is already yanked")
    answer = api("POST", "projects/demo/releases/1.0/unyank/", token=token)
    assert answer.status_code == 200 and answer.data["yanked"] is False
    newest = JournalEntry.objects.filter(project=world.demo).order_by("-id")
    assert list(newest.values_list("action", "version", "actor_name")[:2]) == [
        ("unyank release", "1.0", "alice"),
        ("yank release", "1.0", "alice"),
    ]


def test_upload_only_token_names_the_missing_permission(api, world):
    response = api("POST", "projects/demo/releases/1.0/yank/", {}, token=world.tokens["upload only"])
    error(response, 403, "missing_permission", "lacks the 'manage' permission")


def test_delete_release_needs_the_version_typed(api, world, unchanged):
    token = world.tokens["owner"]
    with unchanged():
        error(api("DELETE", "projects/demo/releases/1.0/", {}, token=token), 400, "required", "'confirm'")
        error(
            api("DELETE", "projects/demo/releases/1.0/", {"confirm": "1.1"}, token=token),
            400,
            "confirmation_mismatch",
            "type '1.0' exactly",
        )
    assert api("DELETE", "projects/demo/releases/1.0/", {"confirm": "1.0"}, token=token).status_code == 204
    assert not Release.objects.filter(project=world.demo).exists()


def test_delete_file_and_project(api, world):
    token = world.tokens["owner"]
    path = "projects/demo/releases/1.0/files/demo-1.0.tar.gz/"
    error(api("DELETE", path, {"confirm": "1.0"}, token=token), 400, "confirmation_mismatch")
    assert api("DELETE", path, {"confirm": "demo-1.0.tar.gz"}, token=token).status_code == 204
    assert not File.objects.filter(filename="demo-1.0.tar.gz").exists()
    error(api("DELETE", "projects/demo/", {"confirm": "Demo"}, token=token), 400, "confirmation_mismatch")
    assert api("DELETE", "projects/demo/", {"confirm": "demo"}, token=token).status_code == 204
    assert not Project.objects.filter(name="demo").exists()
