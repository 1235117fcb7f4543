"""Prohibiting a project name in the admin: stored normalized; an existing project is kept or removed, as the
admin chooses (removal goes through the registry's service: journal, burned filenames, storage after commit).
Also the Celery task that deletes stored files."""

import pytest

from moderation.models import ProhibitedProjectName
from registry.models import File, JournalEntry, Project, UsedFilename
from registry.services.files import stored_files_delete
from registry.services.projects import NameRule, name_decision
from registry.tasks import delete_stored_files
from tests.conftest import stored_paths, wait_for

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

ADD = "/admin/moderation/prohibitedprojectname/add/"


@pytest.fixture
def admin_client(web, make_user, settings):
    settings.WHARF_ADMIN_REQUIRE_2FA = False
    web.force_login(make_user("root", superuser=True))
    return web


def test_seeded_typo_traps():
    names = set(ProhibitedProjectName.objects.values_list("name", flat=True))
    assert {"requirements-txt", "rrequirements-txt", "setup-py", "pyproject-toml"} <= names


def test_add_a_name_stores_its_normal_form(admin_client):
    response = admin_client.post(
        ADD, {"name": "Evil_Package", "reason": "malware, March", "existing_project": ""}
    )
    assert response.status_code == 302, response.content.decode()[-2000:]
    prohibited = ProhibitedProjectName.objects.get(name="evil-package")
    assert (prohibited.reason, prohibited.created_by.username) == ("malware, March", "root")
    assert name_decision("evil.package").rule == NameRule.PROHIBITED


@pytest.mark.parametrize(
    ("name", "error"),
    [
        ("requirements.txt", "&#x27;requirements-txt&#x27; is already prohibited."),
        ("bad name!", "is not a valid"),
    ],
)
def test_invalid_or_duplicate_names_are_refused(admin_client, name, error):
    count = ProhibitedProjectName.objects.count()
    response = admin_client.post(ADD, {"name": name, "reason": "x"})
    assert response.status_code == 200 and error in response.content.decode()
    assert ProhibitedProjectName.objects.count() == count


def test_existing_project_needs_a_choice(admin_client, publish):
    publish("demo", "1.0")
    response = admin_client.post(ADD, {"name": "DEMO", "reason": "x", "existing_project": ""})
    assert "Project &#x27;demo&#x27; exists with 1 release(s): choose whether to keep it or remove it." in (
        response.content.decode()
    )
    assert not ProhibitedProjectName.objects.filter(name="demo").exists()


def test_prohibit_and_keep(admin_client, publish):
    publish("demo", "1.0")
    response = admin_client.post(ADD, {"name": "demo", "reason": "x", "existing_project": "keep"})
    assert response.status_code == 302
    assert Project.objects.filter(normalized_name="demo").exists()
    assert name_decision("demo").rule == NameRule.EXISTS


def test_prohibit_and_remove(admin_client, publish):
    publish("demo", "1.0")
    paths = set(stored_paths())
    filename = File.objects.get().filename
    response = admin_client.post(ADD, {"name": "demo", "reason": "malware", "existing_project": "remove"})
    assert response.status_code == 302
    assert not Project.objects.exists() and not File.objects.exists()
    assert UsedFilename.objects.filter(filename=filename).exists()
    last = JournalEntry.objects.latest("id")
    assert (last.action, last.actor_name) == ("remove project", "root")
    wait_for(lambda: not paths & stored_paths())
    assert name_decision("demo").rule == NameRule.PROHIBITED


@pytest.mark.parametrize(
    ("reason", "error"),
    [
        ("bad\x01reason", "The reason contains control characters"),
        ("x" * 1995, "The reason must be"),  # the removal records it after "Name prohibited: "
    ],
)
def test_a_reason_the_removal_cannot_record_is_refused_on_the_form(admin_client, publish, reason, error):
    publish("demo", "1.0")
    response = admin_client.post(ADD, {"name": "demo", "reason": reason, "existing_project": "remove"})
    assert response.status_code == 200
    assert error in response.content.decode()
    assert Project.objects.filter(name="demo").exists()
    assert not ProhibitedProjectName.objects.filter(name="demo").exists()


def test_change_page_keeps_the_name(admin_client):
    prohibited = ProhibitedProjectName.objects.get(name="requirements-txt")
    response = admin_client.post(
        f"/admin/moderation/prohibitedprojectname/{prohibited.pk}/change/",
        {"name": "other", "reason": "new reason"},
    )
    assert response.status_code == 302
    prohibited.refresh_from_db()
    assert (prohibited.name, prohibited.reason) == ("requirements-txt", "new reason")


def test_stored_files_go_only_when_no_row_points_at_them(publish):
    publish("demo", "1.0")
    file = File.objects.get()
    assert stored_files_delete(paths=[file.path]) == 0
    assert stored_paths() == {file.path, f"{file.path}.metadata"}
    File.objects.all().delete()
    assert stored_files_delete(paths=[file.path]) == 1
    assert stored_paths() == set()


def test_delete_stored_files_task_runs_through_the_broker(celery_worker, publish):
    """Eager without REDIS_URL; on a real worker with it (which sees no uncommitted File row)."""
    publish("demo", "1.0")
    file = File.objects.get()
    File.objects.all().delete()
    delete_stored_files.delay(paths=[file.path])
    wait_for(lambda: stored_paths() == set())
