"""`POST /api/v1/projects/<name>/archive/` and `…/unarchive/`: Owners only (with a `manage` token), the same
service as the manage page (journal, email), 409 when the state does not fit, nothing changed on refusal."""

import pytest

from registry.models import JournalEntry, Project
from tests.api.conftest import error

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


def test_owner_archives_and_unarchives(api, world, sent):
    token = world.tokens["owner"]
    archived = api("POST", "projects/demo/archive/", token=token)
    assert archived.status_code == 200 and archived.data["status"] == "archived"
    assert Project.objects.get(name="demo").status == "archived"
    assert JournalEntry.objects.filter(project=world.demo).latest("id").action == "project archived"
    assert any(message.subject == "[Wharf] Project demo was archived" for message in sent(1))
    error(api("POST", "projects/demo/archive/", token=token), 409, "conflict", "already archived")
    unarchived = api("POST", "projects/demo/unarchive/", token=token)
    assert unarchived.status_code == 200 and unarchived.data["status"] == "active"
    error(api("POST", "projects/demo/unarchive/", token=token), 409, "conflict", "is not archived")


@pytest.mark.parametrize("actor", ["anonymous", "other user", "maintainer", "other project", "upload only"])
def test_others_cannot_archive(api, world, actor):
    response = api("POST", "projects/demo/archive/", token=world.tokens[actor])
    assert response.status_code in (401, 403, 404)
    assert Project.objects.get(name="demo").status == "active"
