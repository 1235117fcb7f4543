"""Quarantine and release through the admin: a quarantined project is absent from every API and page, its
files are not served, nobody uploads to it, its owners see why; releasing restores all of it. The journal
carries both steps (mirrors and the read caches see them); nothing is deleted."""

import pytest
from django.core import mail

from moderation.enums import ReportReason, ReportState
from moderation.models import AuditEntry, Quarantine, Report
from moderation.services import projects_quarantine, projects_release
from registry.enums import ProjectStatus
from registry.models import File, JournalEntry, Project, Release
from registry.services import quarantine as registry_quarantine
from tests import builders
from tests.conftest import mails_to, stored_paths
from tests.moderation.conftest import presence, run_action, text_of

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

PROJECTS = "/admin/moderation/moderatedproject/"
EVERYWHERE = dict.fromkeys(
    [
        "simple index",
        "simple page",
        "simple json",
        "json api",
        "xmlrpc list",
        "xmlrpc roles",
        "xmlrpc user",
        "project page",
        "release page",
        "user page",
        "search",
        "home",
        "downloads",
    ],
    True,
)
NOWHERE = dict.fromkeys(EVERYWHERE, False)


@pytest.fixture
def demo(publish, client, make_user):
    publish("demo", "1.0")
    publish("demo", "1.0", sdist=True)
    return Project.objects.get()


def test_quarantine_hides_everything_and_release_restores_it(
    mod_client, client, demo, alice_token, upload, sent
):
    assert presence(client, "demo") == EVERYWHERE
    stored = stored_paths()
    reporter_report = Report.objects.create(
        project=demo, project_name="demo", reporter=None, reason=ReportReason.SPAM, description="scoring"
    )

    _, done = run_action(
        mod_client, PROJECTS, "quarantine_projects", [demo.pk], reason="Typo-squat of 'dem0'."
    )
    assert done.status_code == 302
    demo.refresh_from_db()
    assert demo.status == ProjectStatus.QUARANTINED
    assert presence(client, "demo") == NOWHERE
    # PEP 792: the Simple and JSON APIs still answer, with the status and no files.
    page = client.get("/simple/demo/")
    assert page.status_code == 200
    assert '<meta name="pypi:project-status" content="quarantined">' in page.content.decode()
    assert client.get("/pypi/demo/json").json()["project-status"] == {"status": "quarantined"}
    # Nothing deleted: rows and stored files stay.
    assert (Release.objects.count(), File.objects.count(), stored_paths()) == (1, 2, stored)
    last = JournalEntry.objects.latest("id")
    assert (last.action, last.actor_name, demo.last_serial) == ("project quarantined", "mod", last.id)
    # Not even the owner may upload.
    refused = upload(builders.wheel("demo", "1.1"), token=alice_token)
    assert refused.status_code == 403
    assert "Project 'demo' is quarantined by the index moderators" in refused.reason_phrase
    assert Release.objects.count() == 1
    # The owner sees why on the manage page and got an email.
    quarantine = Quarantine.objects.get()
    assert (quarantine.reason, quarantine.created_by.username, quarantine.released) == (
        "Typo-squat of 'dem0'.",
        "mod",
        None,
    )
    client.force_login(demo.roles.get().user)
    manage = text_of(client.get("/manage/project/demo/"))
    assert (
        "This project is quarantined" in manage
        and "The moderators' reason: Typo-squat of &#x27;dem0&#x27;." in manage
    )
    email = mails_to("alice@example.com")[0]
    assert email.subject == "[Wharf] Project demo was quarantined"
    assert "Reason: Typo-squat of 'dem0'." in email.body and "/manage/project/demo/" in email.body
    # The open report is resolved by the action; the audit names the project and the report.
    reporter_report.refresh_from_db()
    assert reporter_report.state == ReportState.ACTION_TAKEN
    entry = AuditEntry.objects.get(action="project quarantined")
    assert entry.actor_name == "mod" and entry.reason == "Typo-squat of 'dem0'."
    assert {(t.target_type, t.target_name) for t in entry.targets.all()} == {
        ("registry.project", "demo"),
        ("moderation.report", str(reporter_report)),
    }

    mail.outbox.clear()
    _, done = run_action(mod_client, PROJECTS, "release_projects", [demo.pk], reason="False positive.")
    demo.refresh_from_db()
    assert demo.status == ProjectStatus.ACTIVE
    client.logout()
    assert presence(client, "demo") == EVERYWHERE
    assert JournalEntry.objects.latest("id").action == "project quarantine cleared"
    quarantine.refresh_from_db()
    assert (quarantine.released_by.username, quarantine.release_reason) == ("mod", "False positive.")
    assert AuditEntry.objects.filter(action="project released from quarantine").count() == 1
    assert sent(1)[0].subject == "[Wharf] Project demo is out of quarantine"
    assert upload(builders.wheel("demo", "1.1"), token=alice_token).status_code == 200


def test_quarantine_twice_changes_once(demo, moderator):
    assert projects_quarantine(projects=[demo], actor=moderator, reason="one") == [demo]
    assert projects_quarantine(projects=[demo], actor=moderator, reason="two") == []
    assert JournalEntry.objects.filter(action="project quarantined").count() == 1
    assert Quarantine.objects.get().reason == "one"
    assert projects_release(projects=[demo], actor=moderator, reason="ok") == [demo]
    assert projects_release(projects=[demo], actor=moderator, reason="again") == []


def test_registry_service_journals_and_reports_changes(demo):
    assert registry_quarantine.project_quarantine(project=demo, actor=None) is True
    assert registry_quarantine.project_quarantine(project=demo, actor=None) is False
    assert demo.status == ProjectStatus.QUARANTINED
    assert registry_quarantine.project_release(project=demo, actor=None) is True
    assert registry_quarantine.project_release(project=demo, actor=None) is False
    actions = list(JournalEntry.objects.filter(project=demo).order_by("id").values_list("action", flat=True))
    assert actions[-2:] == ["project quarantined", "project quarantine cleared"]


def test_bad_reason_changes_nothing(demo, moderator):
    from moderation.exceptions import ModerationError

    with pytest.raises(ModerationError, match=r"The reason is required\."):
        projects_quarantine(projects=[demo], actor=moderator, reason=" ")
    demo.refresh_from_db()
    assert demo.status == ProjectStatus.ACTIVE and not Quarantine.objects.exists()
    assert not JournalEntry.objects.filter(action="project quarantined").exists()


def test_quarantine_through_the_report_queue(mod_client, demo, make_user, sent):
    bob = make_user("bob")
    report = Report.objects.create(
        project=demo,
        project_name="demo",
        reporter=bob,
        reason=ReportReason.MALWARE,
        description="steals keys",
    )
    run_action(mod_client, "/admin/moderation/report/", "quarantine_projects", [report.pk], reason="Malware.")
    report.refresh_from_db()
    assert report.state == ReportState.ACTION_TAKEN and report.resolved_by.username == "mod"
    demo.refresh_from_db()
    assert demo.status == ProjectStatus.QUARANTINED
    sent(2)
    to_bob = mails_to("bob@example.com")
    assert len(to_bob) == 1 and to_bob[0].subject == "[Wharf] Your report on demo was resolved"
    assert "The moderators acted on the project." in to_bob[0].body
