"""The queue in the admin, as a moderator (staff in the Moderators group, not a superuser) sees it: the
group's permissions, changelists with filters, search and annotated counts at a constant number of queries,
read-only change pages with the audit trail, and confirmation pages that refuse an action without a reason."""

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from moderation.audit import audit_record
from moderation.enums import MODERATOR_PERMISSIONS, MODERATORS_GROUP, ReportReason, ReportState
from moderation.models import AuditEntry, ModeratedProject, Report, RiskAssessment
from moderation.services import project_score
from registry.enums import ProjectStatus, RoleName
from registry.models import Project, Role
from tests.moderation.conftest import run_action, text_of

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

PROJECTS = "/admin/moderation/moderatedproject/"
USERS = "/admin/moderation/moderateduser/"
REPORTS = "/admin/moderation/report/"


def test_the_migrated_group_has_exactly_the_queue_permissions():
    group = Group.objects.get(name=MODERATORS_GROUP)
    moderation = set(
        group.permissions.filter(content_type__app_label="moderation").values_list("codename", flat=True)
    )
    assert moderation == set(MODERATOR_PERMISSIONS)
    assert not group.permissions.filter(content_type__app_label__in=["auth", "accounts", "registry"]).exists()


def test_moderators_are_not_superusers_and_reach_the_queue(mod_client, moderator):
    assert not moderator.is_superuser
    for url in (
        PROJECTS,
        USERS,
        REPORTS,
        "/admin/moderation/pendingaction/",
        "/admin/moderation/auditentry/",
    ):
        assert mod_client.get(url).status_code == 200, url
    # ... but not the data admins of the other apps, nor user management.
    for url in ("/admin/registry/project/", "/admin/accounts/user/", "/admin/auth/group/"):
        assert mod_client.get(url).status_code == 403, url


def test_staff_without_the_group_see_no_queue_and_cannot_act(admin_as, make_user, publish):
    publish("demo", "1.0")
    staff = make_user("staff")
    staff.is_staff = True
    staff.save()
    client = admin_as(staff)
    assert client.get(PROJECTS).status_code == 403
    response = client.post(
        PROJECTS, {"action": "quarantine_projects", "_selected_action": ["1"], "index": "0"}
    )
    assert response.status_code == 403
    assert Project.objects.get().status == ProjectStatus.ACTIVE


def test_actions_check_permissions_not_superuser(admin_as, moderator, publish):
    """A moderator whose group lost `remove_project` no longer sees or runs the removal."""
    publish("demo", "1.0")
    group = Group.objects.get(name=MODERATORS_GROUP)
    group.permissions.remove(group.permissions.get(codename="remove_project"))
    moderator = User.objects.get(pk=moderator.pk)  # fresh permission cache
    client = admin_as(moderator)
    page = client.get(PROJECTS).content.decode()
    assert "quarantine_projects" in page and "remove_projects" not in page
    response = client.post(
        PROJECTS,
        {"action": "remove_projects", "_selected_action": [str(Project.objects.get().pk)], "index": "0"},
    )
    assert response.status_code == 302 and Project.objects.exists()
    assert "No action selected." in text_of(client.get(response["Location"]))


def test_default_bulk_delete_is_gone(mod_client):
    for url in (PROJECTS, USERS, REPORTS, "/admin/moderation/pendingaction/"):
        assert "delete_selected" not in mod_client.get(url).content.decode(), url


def test_a_reason_is_required_and_nothing_changes_without_one(mod_client, publish):
    publish("demo", "1.0")
    project = Project.objects.get()
    for reason, error in [
        ("   ", "Give a reason: it goes into the audit trail."),
        ("bell\x07", "The reason contains control characters; use plain text."),
        ("nul\x00byte", "Null characters are not allowed."),
        ("x" * 2001, "The reason must be 2000 characters or less."),
    ]:
        _, done = run_action(mod_client, PROJECTS, "quarantine_projects", [project.pk], reason=reason)
        assert done.status_code == 400 and error in done.content.decode(), reason
    assert Project.objects.get().status == ProjectStatus.ACTIVE and not AuditEntry.objects.exists()


def test_confirmation_page_lists_the_objects(mod_client, publish):
    publish("demo", "1.0")
    publish("other", "1.0")
    ids = list(Project.objects.values_list("pk", flat=True))
    page, _ = run_action(mod_client, PROJECTS, "remove_projects", ids, reason=None)
    body = text_of(page)
    assert "Remove projects" in body and "2 projects" in body
    assert "<li>demo</li>" in body and "<li>other</li>" in body
    assert 'name="prohibit_names"' in body and 'name="reason"' in body
    assert Project.objects.count() == 2


def _flood(count: int, owner, prefix: str = "flood") -> None:
    """`count` projects with a report and a risk score each, owned by `owner` (rows made directly: the
    upload path is not what this measures)."""
    projects = Project.objects.bulk_create(
        Project(name=f"{prefix}-{index:03d}", normalized_name=f"{prefix}-{index:03d}")
        for index in range(count)
    )
    Role.objects.bulk_create(
        Role(user=owner, project=project, role_name=RoleName.OWNER) for project in projects
    )
    Report.objects.bulk_create(
        Report(
            project=project, project_name=project.name, reason=ReportReason.SPAM, description="spam spam spam"
        )
        for project in projects
    )
    RiskAssessment.objects.bulk_create(RiskAssessment(project=project, score=60) for project in projects)


def count_queries(client, url) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
        assert response.status_code == 200
    return len(queries), len(response.context["cl"].result_list)


@pytest.mark.parametrize("url", [PROJECTS, USERS, REPORTS, "/admin/moderation/auditentry/"])
def test_changelists_of_100_rows_take_a_constant_number_of_queries(mod_client, make_user, moderator, url):
    _flood(3, make_user("owner0"), prefix="first")
    run_action(
        mod_client, PROJECTS, "prohibit_names", list(Project.objects.values_list("pk", flat=True)), "x"
    )
    mod_client.get(url)  # warm the session and the caches
    small, _ = count_queries(mod_client, url)
    for index in range(1, 4):
        _flood(40, make_user(f"owner{index}"), prefix=f"wave{index}")
    for index in range(100):
        make_user(f"user{index:03d}")
    run_action(
        mod_client, PROJECTS, "prohibit_names", list(Project.objects.values_list("pk", flat=True)), "y"
    )
    for project in Project.objects.all()[:100]:
        audit_record(actor=moderator, action="looked at", targets=[project], reason="z")
    large, rows = count_queries(mod_client, url)
    assert rows == 100
    assert large == small, (small, large)
    assert large <= 12


def test_project_filters_and_search(mod_client, make_user, publish, make_token):
    _flood(3, make_user("spammer"))
    publish("honest", "1.0")
    Report.objects.filter(project__name="flood-000").update(state=ReportState.DISMISSED)

    def names(query: str) -> list[str]:
        response = mod_client.get(PROJECTS + query)
        return sorted(project.name for project in response.context["cl"].result_list)

    assert names("?reports=1") == ["flood-001", "flood-002"]
    assert names("?reports=0") == ["flood-000", "honest"]
    assert names("?risk=report") == ["flood-000", "flood-001", "flood-002"]
    # Scored in the web process (near-empty: "low") or not yet by a worker ("none").
    assert sorted(names("?risk=none") + names("?risk=low")) == ["honest"]
    assert names("?q=spammer") == ["flood-000", "flood-001", "flood-002"]
    assert names("?q=hones") == ["honest"]
    assert names("?age=1d&owner_age=1d") == ["flood-000", "flood-001", "flood-002", "honest"]
    assert names("?age=older") == []
    assert names("?status__exact=quarantined") == []
    body = mod_client.get(PROJECTS).content.decode()
    assert "spammer" in body  # the owners column


def test_report_filters(mod_client, make_user, publish):
    _flood(2, make_user("spammer"))
    reports = (
        mod_client.get(REPORTS + "?by=scoring&state__exact=open&reason__exact=spam").context["cl"].result_list
    )
    assert len(reports) == 2
    assert mod_client.get(REPORTS + "?project_risk=report").context["cl"].result_count == 2
    assert mod_client.get(REPORTS + "?by=user").context["cl"].result_count == 0


def test_user_filters(mod_client, make_user):
    spammer = make_user("spammer")
    _flood(6, spammer)
    RiskAssessment.objects.create(user=spammer, score=80)
    listed = mod_client.get(USERS + "?projects=5-19").context["cl"].result_list
    assert [user.username for user in listed] == ["spammer"]
    row = listed[0]
    assert (row.project_count, row.open_reports, row.risk_score, row.frozen) == (6, 6, 80, False)
    assert mod_client.get(USERS + "?risk=report").context["cl"].result_count == 1
    assert mod_client.get(USERS + "?frozen=yes").context["cl"].result_count == 0


def test_change_pages_are_read_only_and_show_the_record(mod_client, publish, moderator):
    publish("demo", "1.0")
    project = Project.objects.get()
    RiskAssessment.objects.all().delete()  # scored here, the same with or without a Celery worker
    project_score(project_id=project.pk, user_id=project.roles.get().user_id, ip_address="192.0.2.1")
    RiskAssessment.objects.create(user=moderator, score=0)
    run_action(mod_client, PROJECTS, "quarantine_projects", [project.pk], reason="looks like spam")
    page = text_of(mod_client.get(f"{PROJECTS}{project.pk}/change/"))
    assert "project quarantined" in page and "looks like spam" in page and "mod" in page
    assert (
        "Score 15 (scored " in page
        and ", from 192.0.2.1)" in page
        and "+15 Near-empty archive: demo-1.0" in page
    )
    assert "Still quarantined." in page
    assert 'name="_save"' not in page
    assert mod_client.post(f"{PROJECTS}{project.pk}/change/", {"name": "x"}).status_code == 403
    assert ModeratedProject.objects.get().name == "demo"
    user_page = text_of(mod_client.get(f"{USERS}{project.roles.get().user_id}/change/"))
    assert "demo" in user_page and "Never frozen." in user_page and "Not scored." in user_page
    assert "no signal" in text_of(mod_client.get(f"{USERS}{moderator.pk}/change/"))
