"""The spam-wave story through the admin, as moderators (not superusers) live it.

Three accounts publish 30 link-farm projects; a user reports some; risk scoring scores them all and opens
reports; a moderator lists them by risk, quarantines them all at once, freezes their owners, and releases one
as a false positive. Then: the quarantined projects are absent from every API and page, uploads to them are
refused, every step is on record, the people concerned got email, and nothing quarantined was deleted.

The data is committed (`transaction=True`) so that, with REDIS_URL set, the scoring tasks on the Celery
worker see it. A second test measures bulk-quarantining 500 projects through the admin action.
"""

import time

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import ApiToken, User
from moderation.enums import ReportState
from moderation.models import AccountFreeze, AuditEntry, Quarantine, Report, RiskAssessment
from registry.enums import ProjectStatus, RoleName
from registry.models import File, JournalEntry, Project, Release, Role
from tests.conftest import mails_to, stored_paths, wait_for
from tests.moderation.conftest import presence, real_wheel, run_action, spam_wheel, text_of

pytestmark = [pytest.mark.integration]

PROJECTS = "/admin/moderation/moderatedproject/"
REPORTS = "/admin/moderation/report/"
SPAMMERS = ("cheapmeds", "casinobonus", "cryptogift")


@pytest.mark.django_db(transaction=True)
def test_spam_wave(make_moderator, admin_as, make_user, make_token, upload, client, celery_worker):
    moderator = make_moderator("mod")
    admin = admin_as(moderator)
    # A moderator lists the campaign's link domain (admin-edited spam domains feed the scoring).
    response = admin.post(
        "/admin/moderation/spamdomain/add/", {"domain": "Spam.Example.NET", "reason": "wave"}
    )
    assert response.status_code == 302

    alice = make_user("alice")
    assert upload(real_wheel("honest-tool"), token=make_token(alice)).status_code == 200
    tokens = {}
    for name in SPAMMERS:
        spammer = make_user(name, email=f"{name}@mailinator.com")
        tokens[name] = make_token(spammer)
        for index in range(10):
            response = upload(spam_wheel(f"{name}-{index}"), token=tokens[name])
            assert response.status_code == 200, response.reason_phrase
    spam = list(Project.objects.exclude(name="honest-tool"))
    assert len(spam) == 30

    # A user reports three of them from the project pages.
    bob = make_user("bob")
    client.force_login(bob)
    for name in ("cheapmeds-0", "casinobonus-0", "cryptogift-0"):
        response = client.post(
            f"/project/{name}/report/", {"reason": "spam", "description": "Links to a casino."}
        )
        assert response.status_code == 302
    client.logout()

    # Risk scoring (Celery) scores all 31 and opens a report on each of the 30.
    wait_for(lambda: RiskAssessment.objects.filter(project__isnull=False).count() == 31, timeout=60)
    wait_for(lambda: Report.objects.filter(reporter__isnull=True).count() == 30, timeout=30)
    assert RiskAssessment.objects.get(project__name="honest-tool").score < 50
    assert (
        min(RiskAssessment.objects.exclude(project__name="honest-tool").values_list("score", flat=True))
        >= 100
    )
    stored = stored_paths()
    counts = (Release.objects.count(), File.objects.count())

    # The moderator lists the projects at or above the report threshold and quarantines all of them.
    listed = admin.get(PROJECTS + "?risk=report")
    assert listed.context["cl"].result_count == 30
    page, done = run_action(
        admin,
        PROJECTS + "?risk=report",
        "quarantine_projects",
        [spam[0].pk],
        reason="Spam wave: link farms.",
        select_across=True,
    )
    assert "30 projects (moderation)" in text_of(page)
    assert "30 project(s) quarantined." in text_of(admin.get(done["Location"]))
    assert Project.objects.filter(status=ProjectStatus.QUARANTINED).count() == 30
    assert Project.objects.get(name="honest-tool").status == ProjectStatus.ACTIVE
    # Uploads to them are refused, even by their owners.
    refused = upload(spam_wheel("cheapmeds-1", "2.0"), token=tokens["cheapmeds"])
    assert refused.status_code == 403 and "is quarantined by the index moderators" in refused.reason_phrase
    # Every report on them is resolved.
    assert not Report.objects.filter(state=ReportState.OPEN).exists()

    # Their owners are frozen from the quarantined list.
    page, done = run_action(
        admin,
        PROJECTS + "?status__exact=quarantined",
        "freeze_owners",
        [spam[0].pk],
        reason="Spam accounts.",
        select_across=True,
    )
    assert "3 account(s) frozen." in text_of(admin.get(done["Location"]))
    assert set(AccountFreeze.objects.values_list("user__username", flat=True)) == set(SPAMMERS)
    assert not User.objects.filter(username__in=SPAMMERS, is_active=True).exists()
    assert not ApiToken.objects.filter(user__username__in=SPAMMERS, revoked__isnull=True).exists()
    refused = upload(spam_wheel("cheapmeds-1", "2.0"), token=tokens["cheapmeds"])
    assert refused.status_code == 403

    # One project was a false positive: a second moderator releases it.
    second = admin_as(make_moderator("second"))
    false_positive = Project.objects.get(name="cryptogift-9")
    run_action(
        second, PROJECTS, "release_projects", [false_positive.pk], reason="False positive: a real wallet."
    )
    assert Project.objects.get(name="cryptogift-9").status == ProjectStatus.ACTIVE

    # Absent from every API and page, except the released one and the honest project.
    for project in Project.objects.exclude(name__in=["cryptogift-9", "honest-tool"]):
        assert not any(presence(client, project.normalized_name).values()), project.name
    released = presence(client, "cryptogift-9")
    # Public again everywhere, except on its owner's user page (a frozen account's page is hidden).
    assert {where for where, shown in released.items() if not shown} == {"user page"}
    assert all(presence(client, "honest-tool").values())

    # Nothing that was only quarantined was deleted.
    assert Project.objects.count() == 31
    assert (Release.objects.count(), File.objects.count()) == counts
    assert stored_paths() == stored
    assert Quarantine.objects.filter(released__isnull=True).count() == 29

    # Every step is on record, in the admin and on the objects.
    actions = list(AuditEntry.objects.order_by("id").values_list("action", "actor_name"))
    assert actions[0] == ("spam domain added", "mod")
    assert ("project quarantined", "mod") in actions and ("account frozen", "mod") in actions
    assert actions[-1] == ("project released from quarantine", "second")
    bulk = AuditEntry.objects.get(action="project quarantined", reason="Spam wave: link farms.")
    assert bulk.targets.filter(target_type="registry.project").count() == 30
    assert bulk.targets.filter(target_type="moderation.report").count() == 33
    assert JournalEntry.objects.filter(action="project quarantined").count() == 30
    assert JournalEntry.objects.filter(action="project quarantine cleared").count() == 1
    project_page = text_of(admin.get(f"{PROJECTS}{false_positive.pk}/change/"))
    assert "Spam wave: link farms." in project_page and "False positive: a real wallet." in project_page

    # Email: the owners (quarantine, then freeze), the reporter, the released project's owner.
    wait_for(lambda: len(mail.outbox) >= 3 + 3 + 1 + 1)
    for name in SPAMMERS:
        subjects = [message.subject for message in mails_to(f"{name}@mailinator.com")]
        assert "[Wharf] 10 of your projects were quarantined" in subjects
        assert "[Wharf] Your account was suspended" in subjects
    assert "[Wharf] Project cryptogift-9 is out of quarantine" in [
        m.subject for m in mails_to("cryptogift@mailinator.com")
    ]
    assert [m.subject for m in mails_to("bob@example.com")] == ["[Wharf] 3 of your reports were resolved"]
    assert not mails_to("alice@example.com")


@pytest.mark.django_db
def test_bulk_quarantine_of_500_projects_through_the_admin(mod_client, make_user, capsys):
    """The scale of a real wave (PyPI's inbox.ru campaign: 1,525 projects from 250 accounts)."""
    owners = [make_user(f"bot{index:02d}") for index in range(50)]
    projects = Project.objects.bulk_create(
        Project(name=f"wave-{index:03d}", normalized_name=f"wave-{index:03d}") for index in range(500)
    )
    Role.objects.bulk_create(
        Role(user=owners[index % 50], project=project, role_name=RoleName.OWNER)
        for index, project in enumerate(projects)
    )
    Report.objects.bulk_create(
        Report(project=project, project_name=project.name, reason="spam", description="spam")
        for project in projects
    )
    ids = [project.pk for project in projects]
    page, _ = run_action(mod_client, PROJECTS, "quarantine_projects", ids, reason=None)
    assert page.status_code == 200
    confirm = {"action": "quarantine_projects", "_selected_action": ids, "confirm": "yes", "reason": "Wave."}
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        response = mod_client.post(PROJECTS, confirm)
    elapsed = time.perf_counter() - started
    assert response.status_code == 302
    assert Project.objects.filter(status=ProjectStatus.QUARANTINED).count() == 500
    assert Quarantine.objects.count() == 500 and not Report.objects.filter(state=ReportState.OPEN).exists()
    assert JournalEntry.objects.filter(action="project quarantined").count() == 500
    with capsys.disabled():
        vendor = connection.vendor
        print(f"\nbulk quarantine of 500 projects: {elapsed:.2f} s, {len(queries)} queries ({vendor})")
    # Per project: the journal entry and the serial (plus the journal lock on PostgreSQL); the rest is bulk.
    per_project = 3 if connection.vendor == "postgresql" else 2
    assert len(queries) <= per_project * 500 + 60
    assert elapsed < 60
    assert len(mails_to("bot00@example.com")) <= 1
