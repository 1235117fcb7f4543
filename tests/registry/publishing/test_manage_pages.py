"""The maintainers' pages: trusted publishers (Owners only), pending publishers, archiving; refusals say
what was wrong in one sentence and store nothing."""

import pytest
from django.test import Client

from registry.enums import ProjectStatus, RoleName
from registry.models import JournalEntry, Project, Role, TrustedPublisher
from tests.conftest import committing

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

GITHUB = {"issuer": "github", "owner": "octo", "repository": "widgets", "workflow": "release.yml"}


@pytest.fixture
def widgets(alice, make_user):
    project = Project.objects.create(name="widgets", normalized_name="widgets")
    Role.objects.create(project=project, user=alice, role_name=RoleName.OWNER)
    Role.objects.create(project=project, user=make_user("bob"), role_name=RoleName.MAINTAINER)
    return project


def logged_in(user, django_capture_on_commit_callbacks):
    client = committing(Client(), django_capture_on_commit_callbacks)
    client.force_login(user)
    return client


def test_owner_adds_and_removes_a_publisher(issuer, widgets, alice, django_capture_on_commit_callbacks, sent):
    client = logged_in(alice, django_capture_on_commit_callbacks)
    page = client.get("/manage/project/widgets/publishing/").content.decode()
    assert "Add a trusted publisher" in page and "github (github:" in page
    response = client.post("/manage/project/widgets/publishing/", GITHUB)
    assert response.status_code == 302
    publisher = TrustedPublisher.objects.get(project=widgets)
    assert publisher.describe() == "github: octo/widgets, workflow release.yml"
    assert JournalEntry.objects.filter(
        action="add trusted publisher github: octo/widgets, workflow release.yml"
    )
    assert sent(1)[0].subject == "[Wharf] Trusted publisher added to widgets"
    assert client.post(f"/manage/project/widgets/publishing/{publisher.pk}/remove/").status_code == 302
    assert not TrustedPublisher.objects.exists()


@pytest.mark.parametrize(
    ("change", "sentence"),
    [
        ({"owner": "-bad-"}, "is not a GitHub user or organization name"),
        ({"workflow": "../release.yml"}, "is not a workflow file name"),
        ({"issuer": "jenkins"}, "Select a valid choice"),
    ],
)
def test_bad_publishers_are_refused(
    issuer, widgets, alice, django_capture_on_commit_callbacks, unchanged, change, sentence
):
    client = logged_in(alice, django_capture_on_commit_callbacks)
    with unchanged():
        response = client.post("/manage/project/widgets/publishing/", {**GITHUB, **change})
    assert response.status_code == 400
    assert sentence in response.content.decode()


def test_maintainers_cannot_add_publishers(issuer, widgets, django_capture_on_commit_callbacks, unchanged):
    client = logged_in(
        Role.objects.get(role_name=RoleName.MAINTAINER).user, django_capture_on_commit_callbacks
    )
    with unchanged():
        response = client.post("/manage/project/widgets/publishing/", GITHUB)
    assert response.status_code == 403


def test_pending_publishers(issuer, alice, django_capture_on_commit_callbacks, unchanged):
    client = logged_in(alice, django_capture_on_commit_callbacks)
    response = client.post("/manage/publishing/", {**GITHUB, "project_name": "future-widgets"})
    assert response.status_code == 302
    pending = TrustedPublisher.objects.get()
    assert (pending.pending_name, pending.project) == ("future-widgets", None)
    assert "future-widgets" in client.get("/manage/publishing/").content.decode()
    with unchanged():
        taken = client.post("/manage/publishing/", {**GITHUB, "project_name": "asyncio"})
    assert taken.status_code == 400 and "standard library" in taken.content.decode()
    assert client.post(f"/manage/publishing/{pending.pk}/remove/").status_code == 302
    assert not TrustedPublisher.objects.exists()


def test_archive_and_unarchive(widgets, alice, client, django_capture_on_commit_callbacks):
    owner = logged_in(alice, django_capture_on_commit_callbacks)
    assert "Archive project" in owner.get("/manage/project/widgets/").content.decode()
    assert owner.post("/manage/project/widgets/archive/").status_code == 302
    widgets.refresh_from_db()
    assert widgets.status == ProjectStatus.ARCHIVED and widgets.archived_at is not None
    assert "This project is archived" in client.get("/project/widgets/").content.decode()
    page = client.get("/simple/widgets/").content.decode()
    assert '<meta name="pypi:project-status" content="archived">' in page
    assert owner.post("/manage/project/widgets/unarchive/").status_code == 302
    widgets.refresh_from_db()
    assert widgets.status == ProjectStatus.ACTIVE
    assert [entry.action for entry in JournalEntry.objects.order_by("id")][-2:] == [
        "project archived",
        "project unarchived",
    ]


def test_a_quarantine_outranks_archiving_and_ends_back_in_archived(widgets, alice):
    from registry.exceptions import ManageError
    from registry.services.archiving import project_archive, project_unarchive
    from registry.services.quarantine import project_quarantine, project_release

    project_archive(project=widgets, actor=alice)
    assert project_quarantine(project=widgets, actor=None)
    assert widgets.status == ProjectStatus.QUARANTINED
    with pytest.raises(ManageError, match="quarantined"):
        project_unarchive(project=widgets, actor=alice)
    assert project_release(project=widgets, actor=None)
    widgets.refresh_from_db()
    assert widgets.status == ProjectStatus.ARCHIVED
