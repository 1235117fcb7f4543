"""The report form on a project page: verified users report a project once while the report is open, within
a rate limit; bad input is refused with one sentence and stores nothing; reporters hear the outcome."""

import pytest
from django.db import IntegrityError, transaction

from moderation.enums import ReportReason, ReportState
from moderation.models import AuditEntry, Report
from moderation.services import reports_dismiss
from registry.models import Project
from tests.conftest import committing, mails_to
from tests.moderation.conftest import run_action, text_of

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

FORM = "/project/demo/report/"
VALID = {"reason": "malware", "description": "The setup.py downloads and runs a binary from a paste site."}


@pytest.fixture
def demo(publish):
    publish("demo", "1.0")
    return Project.objects.get()


@pytest.fixture
def bob_client(client, make_user, django_capture_on_commit_callbacks):
    client.force_login(make_user("bob"))
    return committing(client, django_capture_on_commit_callbacks)


def test_project_page_links_the_form(client, demo):
    assert 'href="/project/demo/report/"' in client.get("/project/demo/").content.decode()


def test_anonymous_visitors_log_in_first(client, demo):
    response = client.get(FORM)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_unverified_users_are_refused(client, demo, make_user):
    client.force_login(make_user("carol", verified=False))
    response = client.post(FORM, VALID)
    assert response.status_code == 403
    assert (
        "You must verify your primary email address before you can report a project."
        in response.content.decode()
    )
    assert not Report.objects.exists()


def test_a_report_is_filed(bob_client, demo):
    page = text_of(bob_client.get(FORM))
    assert "<h1>Report project demo</h1>" in page and "Typo-squatting" in page and "Name squatting" in page
    response = bob_client.post(FORM, VALID)
    assert response.status_code == 302 and response["Location"] == "/project/demo/"
    report = Report.objects.get()
    assert (report.project, report.project_name, report.reporter.username, report.reason, report.state) == (
        demo,
        "demo",
        "bob",
        ReportReason.MALWARE,
        ReportState.OPEN,
    )
    assert report.description == VALID["description"]
    assert "Thank you: your report on demo went to the moderators." in text_of(
        bob_client.get("/project/demo/")
    )


@pytest.mark.parametrize(
    ("data", "error"),
    [
        (
            {"reason": "spam", "description": "too short"},
            "The description must be at least 10 characters long.",
        ),
        ({"reason": "spam", "description": "x" * 2001}, "The description must be 2000 characters or less."),
        (
            {"reason": "spam", "description": "bell\x07 in the text here"},
            "The description contains control characters",
        ),
        ({"reason": "spam", "description": "nul\x00 in the text here"}, "Null characters are not allowed."),
        ({"reason": "rude", "description": "a long enough text"}, "Select a valid choice."),
        ({"description": "a long enough text"}, "This field is required."),
        ({"reason": "spam"}, "Describe what you found."),
    ],
)
def test_bad_input_is_refused_and_stores_nothing(bob_client, demo, data, error):
    response = bob_client.post(FORM, data)
    assert response.status_code == 400 and error in response.content.decode()
    assert not Report.objects.exists()


def test_one_open_report_per_user_and_project(bob_client, demo):
    assert bob_client.post(FORM, VALID).status_code == 302
    again = bob_client.post(FORM, {**VALID, "reason": "spam"})
    assert again.status_code == 400
    assert "You already have an open report on project &#x27;demo&#x27;" in again.content.decode()
    assert Report.objects.count() == 1
    # The database holds the rule too, against two requests at once.
    report = Report.objects.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        Report.objects.create(
            project=demo, project_name="demo", reporter=report.reporter, reason="spam", description="x"
        )
    # Once resolved, a new report may be filed.
    Report.objects.update(state=ReportState.DISMISSED)
    assert bob_client.post(FORM, VALID).status_code == 302
    assert Report.objects.count() == 2


def test_maintainers_cannot_report_their_own_project(client, demo, alice):
    client.force_login(alice)
    response = client.post(FORM, VALID)
    assert response.status_code == 400
    assert (
        "You cannot report project &#x27;demo&#x27;: you are one of its maintainers."
        in response.content.decode()
    )


def test_reports_are_rate_limited_per_user(bob_client, publish, settings):
    settings.WHARF_REPORT_RATE = "2/hour"
    for name in ("one", "two", "three"):
        publish(name, "1.0")
    assert bob_client.post("/project/one/report/", VALID).status_code == 302
    assert bob_client.post("/project/two/report/", VALID).status_code == 302
    refused = bob_client.post("/project/three/report/", VALID)
    assert refused.status_code == 429
    # When the sliding window lets one more in: half to one and a half hours, by where in its bucket it is.
    assert 1800 <= int(refused["Retry-After"]) <= 5400
    assert "You have sent too many reports recently; please try again later." in refused.content.decode()
    assert Report.objects.count() == 2


def test_refused_reports_do_not_use_up_the_allowance(bob_client, publish, settings):
    settings.WHARF_REPORT_RATE = "1/hour"
    publish("one", "1.0")
    assert (
        bob_client.post("/project/one/report/", {"reason": "spam", "description": "short"}).status_code == 400
    )
    assert bob_client.post("/project/one/report/", VALID).status_code == 302


def test_hidden_and_unknown_projects_cannot_be_reported(bob_client, demo):
    Project.objects.update(status="quarantined")
    assert bob_client.get(FORM).status_code == 404
    assert bob_client.post(FORM, VALID).status_code == 404
    assert bob_client.get("/project/nope/report/").status_code == 404
    assert not Report.objects.exists()


def test_dismissal_emails_the_reporter(bob_client, demo, mod_client, sent):
    bob_client.post(FORM, VALID)
    report = Report.objects.get()
    _, done = run_action(
        mod_client, "/admin/moderation/report/", "dismiss", [report.pk], reason="Not malware."
    )
    assert done.status_code == 302
    report.refresh_from_db()
    assert (report.state, report.resolved_by.username, report.resolution) == (
        ReportState.DISMISSED,
        "mod",
        "Not malware.",
    )
    email = sent(1)[0]
    assert email.to == ["bob@example.com"] and email.subject == "[Wharf] Your report on demo was resolved"
    assert "The moderators found nothing to act on." in email.body and "Not malware" not in email.body
    assert AuditEntry.objects.get().action == "report dismissed"
    assert Project.objects.get().status == "active"


def test_dismissing_twice_changes_nothing(demo, make_user, moderator):
    report = Report.objects.create(
        project=demo, project_name="demo", reporter=make_user("bob"), reason="spam", description="spam spam"
    )
    assert reports_dismiss(reports=[report], actor=moderator, reason="no") == [report]
    assert reports_dismiss(reports=[report], actor=moderator, reason="no") == []
    assert AuditEntry.objects.count() == 1 and len(mails_to("bob@example.com")) <= 1
