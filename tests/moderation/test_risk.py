"""Risk scoring: the pure signals, then scoring of real uploads and sign-ups (through the signal receivers and
the Celery tasks), the automatic report and the optional automatic quarantine."""

import io
import zipfile
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from moderation import risk_signals
from moderation.enums import ReportReason, ReportState
from moderation.enums import RiskSignalKind as Kind
from moderation.models import ProhibitedEmailDomain, Quarantine, Report, RiskAssessment, SpamDomain
from moderation.services import account_score, project_score
from registry.enums import ProjectStatus
from registry.models import Project
from tests import builders
from tests.conftest import wait_for
from tests.moderation.conftest import SPAM_README, real_wheel, spam_wheel

# Queries of one project's scoring (no report): tests/registry/test_upload_queries.py adds this to the
# new-project upload's budget when tasks run in the web process. The popular projects on a cold cache: one
# more (the test below runs cold where tasks run on a worker).
SCORING_QUERIES = 13


# --- pure pieces -------------------------------------------------------------------------------------------


@pytest.mark.unit
@pytest.mark.parametrize(
    ("a", "b", "distance"),
    [
        ("requests", "requests", 0),
        ("requests", "reqeusts", 1),
        ("requests", "requestss", 1),
        ("requests", "rquests", 1),
        ("requests", "requezts", 1),
        ("requests", "flask", 3),
        ("abc", "cab", 2),
    ],
)
def test_edit_distance(a, b, distance):
    assert risk_signals.edit_distance(a, b, limit=2) == distance


@pytest.mark.unit
@pytest.mark.parametrize(
    ("name", "imitated"),
    [
        ("reqeusts", "Requests"),  # swap
        ("requestss", "Requests"),  # repeated character
        ("reuests", "Requests"),  # omission
        ("stream-event", "event-stream"),  # words swapped
        ("python-dateutils", "python-dateutil"),  # long name: distance 1 of 15
        ("djangorestframewrok", "djangorestframework"),  # long name, swapped
        ("flask", None),
        ("req", None),  # too short to tell
        ("requests", None),  # itself
    ],
)
def test_close_to_popular(name, imitated):
    popular = [
        ("requests", "Requests"),
        ("event-stream", "event-stream"),
        ("python-dateutil", "python-dateutil"),
        ("djangorestframework", "djangorestframework"),
    ]
    assert risk_signals.close_to(name, popular) == imitated


@pytest.mark.unit
def test_readme_signals():
    mostly, count, share = risk_signals.mostly_links(SPAM_README)
    assert mostly and count == 4 and share > 0.7
    assert (
        risk_signals.mostly_links(
            "A real README with one link https://example.com/docs and plenty of prose " * 3
        )[0]
        is False
    )
    assert risk_signals.spam_links(SPAM_README + " www.Promo.Spam.Example.net/x", {"spam.example.net"}) == [
        "spam.example.net",
        "www.promo.spam.example.net",
    ]
    assert risk_signals.spam_links("https://notspam.example.net/", {"spam.example.net"}) == []
    assert risk_signals.description_digest("Short") == ""
    assert risk_signals.description_digest(SPAM_README) == risk_signals.description_digest(
        "  " + SPAM_README.upper() + "\n"
    )


@pytest.mark.unit
def test_disposable_domains_from_the_pinned_list():
    assert risk_signals.is_disposable("mailinator.com") and risk_signals.is_disposable("eu.mailinator.com")
    assert not risk_signals.is_disposable("example.com")


@pytest.mark.unit
def test_archive_payload():
    assert risk_signals.archive_payload(
        io.BytesIO(spam_wheel("x").content), filename="x-1.0-py3-none-any.whl"
    ) == (
        1,
        0,
    )
    count, size = risk_signals.archive_payload(
        io.BytesIO(real_wheel("x").content), filename="x-1.0-py3-none-any.whl"
    )
    assert count == 1 and size > risk_signals.NEAR_EMPTY_BYTES
    sdist = builders.sdist("x", "1.0")
    assert risk_signals.archive_payload(io.BytesIO(sdist.content), filename=sdist.filename) == (1, 10)
    with pytest.raises(ValueError):
        risk_signals.archive_payload(io.BytesIO(b"not an archive"), filename="x-1.0-py3-none-any.whl")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("x-1.0.dist-info/METADATA", "Name: x")
    assert risk_signals.archive_payload(io.BytesIO(buffer.getvalue()), filename="x.whl") == (0, 0)


# --- scoring uploads ---------------------------------------------------------------------------------------

# Tests whose scoring runs in the Celery task commit their data (`transaction=True`): with REDIS_URL set the
# task runs on a worker thread, which sees only committed rows.


def kinds(project_name: str) -> dict[str, int]:
    assessment = RiskAssessment.objects.get(project__normalized_name=project_name)
    return {signal.kind: signal.weight for signal in assessment.signals.all()}


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_a_plain_project_scores_low_and_opens_no_report(upload, alice_token, celery_worker):
    assert upload(real_wheel("honest"), token=alice_token).status_code == 200
    wait_for(lambda: RiskAssessment.objects.filter(project__normalized_name="honest").exists())
    assessment = RiskAssessment.objects.get(project__normalized_name="honest")
    assert (assessment.score, assessment.ip_address) == (0, "127.0.0.1")
    assert not Report.objects.exists()


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_spam_signals_add_up_to_an_automatic_report(upload, make_user, make_token, celery_worker, settings):
    settings.WHARF_RISK_AUTO_QUARANTINE = False
    SpamDomain.objects.create(domain="spam.example.net")
    spammer = make_user("spammer", email="spammer@mailinator.com")
    token = make_token(spammer)
    for index in range(5):
        assert upload(spam_wheel(f"cheap-pills-{index}"), token=token).status_code == 200
    wait_for(lambda: RiskAssessment.objects.filter(project__isnull=False).count() == 5)
    assert kinds("cheap-pills-0") == {
        Kind.DISPOSABLE_EMAIL_DOMAIN: 30,
        Kind.NEAR_EMPTY_ARCHIVE: 15,
        Kind.README_SPAM_DOMAIN: 50,
        Kind.README_MOSTLY_LINKS: 20,
    }
    # The fifth project within the hour is a burst, and its README is the one of the others.
    assert kinds("cheap-pills-4") == {
        Kind.DISPOSABLE_EMAIL_DOMAIN: 30,
        Kind.PROJECT_BURST_USER: 20,
        Kind.NEAR_EMPTY_ARCHIVE: 15,
        Kind.README_SPAM_DOMAIN: 50,
        Kind.README_MOSTLY_LINKS: 20,
        Kind.SHARED_DESCRIPTION: 25,
    }
    reports = Report.objects.filter(reporter__isnull=True, state=ReportState.OPEN)
    assert reports.count() == 5
    report = reports.get(project__normalized_name="cheap-pills-4")
    assert report.reason == ReportReason.SPAM
    assert report.description.startswith("Risk score 160: ")
    assert "mailinator.com is a disposable email domain. (+30)" in report.description
    assert Project.objects.filter(status=ProjectStatus.QUARANTINED).count() == 0  # auto-quarantine is off


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_auto_quarantine_above_the_higher_threshold(
    upload, make_user, make_token, celery_worker, settings, sent
):
    settings.WHARF_RISK_AUTO_QUARANTINE = True
    settings.WHARF_RISK_QUARANTINE_THRESHOLD = 100
    SpamDomain.objects.create(domain="spam.example.net")
    ProhibitedEmailDomain.objects.create(domain="spam-mail.example")
    spammer = make_user("spammer", email="bot@spam-mail.example")
    assert upload(spam_wheel("cheap-pills"), token=make_token(spammer)).status_code == 200
    wait_for(lambda: Project.objects.get().status == ProjectStatus.QUARANTINED)
    quarantine = Quarantine.objects.get()
    assert quarantine.created_by is None and quarantine.reason.startswith(
        "Quarantined automatically for review: Risk"
    )
    # The automatic report stays open for a moderator to review.
    assert Report.objects.get().state == ReportState.OPEN
    email = sent(1)[0]
    assert email.to == ["bot@spam-mail.example"] and "quarantined" in email.subject


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_name_close_to_a_popular_project(publish, upload, make_user, make_token, celery_worker, settings):
    settings.WHARF_RISK_REPORT_THRESHOLD = 30
    for version in ("1.0", "1.1", "1.2"):
        publish("requests", version)  # alice's; the most releases
    squatter = make_user("squatter")
    assert upload(real_wheel("reqeusts"), token=make_token(squatter)).status_code == 200
    wait_for(lambda: RiskAssessment.objects.filter(project__normalized_name="reqeusts").exists())
    assert kinds("reqeusts") == {Kind.NAME_CLOSE_TO_POPULAR: 30}
    assert Report.objects.get().reason == ReportReason.TYPOSQUATTING


@pytest.mark.integration
def test_owner_of_the_popular_project_may_name_siblings(db, publish, alice):
    publish("requests", "1.0")
    publish("reqeusts", "1.0")
    assessment = project_score(
        project_id=Project.objects.get(normalized_name="reqeusts").pk, user_id=alice.pk
    )
    assert Kind.NAME_CLOSE_TO_POPULAR not in {signal.kind for signal in assessment.signals.all()}


@pytest.mark.integration
def test_burst_from_one_ip(db, publish, alice, settings):
    for index in range(10):
        publish(f"pkg{index}", "1.0")
    # Scored here rather than by the task, which (on a Celery worker) does not see uncommitted rows.
    for project in Project.objects.order_by("pk"):
        assessment = project_score(project_id=project.pk, user_id=None, ip_address="127.0.0.1")
    assert assessment.project.normalized_name == "pkg9"
    assert "10 projects were created from 127.0.0.1 within an hour." in [
        s.reason for s in assessment.signals.all()
    ]


@pytest.mark.integration
def test_scoring_again_replaces_the_signals(db, publish, alice):
    publish("demo", "1.0")
    project = Project.objects.get()
    first = project_score(project_id=project.pk, user_id=alice.pk)
    again = project_score(project_id=project.pk, user_id=alice.pk)
    assert first.pk == again.pk and again.signals.count() == first.signals.count()
    assert project_score(project_id=project.pk + 100) is None


@pytest.mark.integration
def test_scoring_query_budget(db, publish, alice):
    publish("demo", "1.0")
    project = Project.objects.get()
    RiskAssessment.objects.all().delete()
    with CaptureQueriesContext(connection) as queries:
        project_score(project_id=project.pk, user_id=alice.pk, ip_address="127.0.0.1")
    assert len(queries) <= SCORING_QUERIES


# --- accounts ----------------------------------------------------------------------------------------------


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_sign_up_is_scored(client, django_capture_on_commit_callbacks, celery_worker, settings):
    settings.ACCOUNT_RATE_LIMITS = {}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/accounts/signup/",
            {
                "username": "throwaway",
                "email": "throwaway@mailinator.com",
                "password1": "a long enough password 123",
                "password2": "a long enough password 123",
            },
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    wait_for(lambda: RiskAssessment.objects.filter(user__username="throwaway").exists())
    assessment = RiskAssessment.objects.get(user__username="throwaway")
    assert (assessment.score, assessment.ip_address) == (30, "127.0.0.1")
    assert [signal.kind for signal in assessment.signals.all()] == [Kind.DISPOSABLE_EMAIL_DOMAIN]


@pytest.mark.integration
def test_sign_ups_from_one_ip(db, make_user):
    users = [make_user(f"bot{index}") for index in range(5)]
    for user in users:
        assessment = account_score(user_id=user.pk, ip_address="192.0.2.7")
    assert {signal.kind for signal in assessment.signals.all()} == {Kind.SIGNUP_BURST_IP}
    assert account_score(user_id=users[0].pk + 100) is None


@pytest.mark.integration
def test_old_sign_ups_do_not_count(db, make_user):
    old = make_user("old")
    old.date_joined -= timedelta(hours=3)
    old.save()
    account_score(user_id=old.pk, ip_address="192.0.2.7")
    for index in range(3):
        assessment = account_score(user_id=make_user(f"new{index}").pk, ip_address="192.0.2.7")
    assert assessment.score == 0
