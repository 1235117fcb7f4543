"""The admin as a cockpit: the dashboard counts name claims beside reports and links every number to its list;
a report's, project's and account's own page offers its actions through the same confirmation page; lists
show freezes as warnings and risk scores with their reasons; one "Accounts" group and readable names."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone

from moderation.claims.models import Claim
from moderation.claims.services import claim_file
from moderation.enums import ReportReason, RiskSignalKind
from moderation.models import ModeratedProject, ModeratedUser, Report, RiskAssessment, RiskSignal
from moderation.services import users_freeze
from registry.models import Project
from tests.moderation.conftest import messages_of

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


def claim_on(project_name: str, user) -> Claim:
    return claim_file(
        claimant=user,
        name=project_name,
        kind="transfer",
        justification="Abandoned for years.",
        intended_use="A maintained fork.",
        code_url="https://example.com/fork",
        contact_attempts="Two emails, no answer.",
    )


def test_dashboard_counts_claims_and_links_every_number(mod_client, moderator, publish, make_user):
    moderator.user_permissions.add(Permission.objects.get(codename="view_claim"))
    publish("demo", "1.0")
    publish("other", "1.0")
    late = claim_on("demo", make_user("carol"))
    claim_on("other", make_user("dave"))
    Claim.objects.filter(pk=late.pk).update(due_at=timezone.now() - timedelta(days=1))
    Report.objects.create(
        project=Project.objects.get(name="demo"), project_name="demo", reason="spam", description="x"
    )
    body = mod_client.get("/admin/").content.decode()
    assert '<a href="/admin/claims/claim/?due=open">2</a>' in body
    assert '<a href="/admin/claims/claim/?due=overdue" class="wharf-overdue">1</a>' in body
    assert '<a href="/admin/moderation/report/?state__exact=open&amp;reason__exact=spam">1</a>' in body
    listed = mod_client.get("/admin/claims/claim/?due=overdue").context["cl"].result_list
    assert [claim.pk for claim in listed] == [late.pk]


def test_a_report_page_offers_its_actions_and_returns_to_it(mod_client, publish, make_user):
    publish("demo", "1.0")
    report = Report.objects.create(
        project=Project.objects.get(name="demo"),
        project_name="demo",
        reason=ReportReason.SPAM,
        description="x",
    )
    page_url = f"/admin/moderation/report/{report.pk}/change/"
    body = mod_client.get(page_url).content.decode()
    for label in ("Dismiss this report", "Quarantine demo", "Remove demo", "Freeze the owners of demo"):
        assert f">{label}</button>" in body, label
    # The button posts a selection of one; the confirmation page is the list's, and leads back here.
    action = {"action": "quarantine_projects", "_selected_action": [str(report.pk)], "index": "0"}
    confirmation = mod_client.post("/admin/moderation/report/", {**action, "_from_object": "1"})
    text = confirmation.content.decode()
    assert "Quarantine projects" in text and f'href="{page_url}" class="button cancel-link"' in text
    done = mod_client.post(
        "/admin/moderation/report/", {**action, "_from_object": "1", "confirm": "yes", "reason": "Spam wave."}
    )
    assert done.status_code == 302 and done["Location"] == page_url
    assert messages_of(mod_client, done) == ["1 project quarantined."]
    assert Project.objects.get().status == "quarantined"
    body = mod_client.get(page_url).content.decode()
    assert ">Release demo from quarantine</button>" in body and ">Dismiss this report</button>" not in body


def test_a_project_page_offers_its_actions(mod_client, publish):
    publish("demo", "1.0")
    url = f"/admin/moderation/moderatedproject/{Project.objects.get().pk}/change/"
    body = mod_client.get(url).content.decode()
    for label in ("Quarantine demo", "Remove demo", "Prohibit the name demo", "Freeze the owners of demo"):
        assert f">{label}</button>" in body, label
    action = {
        "action": "quarantine_projects",
        "_selected_action": [str(Project.objects.get().pk)],
        "index": "0",
    }
    done = mod_client.post(
        "/admin/moderation/moderatedproject/",
        {**action, "_from_object": "1", "confirm": "yes", "reason": "Malware."},
    )
    assert done.status_code == 302 and done["Location"] == url
    assert messages_of(mod_client, done) == ["1 project quarantined."]


def test_an_account_page_offers_freeze_or_unfreeze(mod_client, make_user):
    spammer = make_user("spammer")
    url = f"/admin/moderation/moderateduser/{spammer.pk}/change/"
    assert ">Freeze spammer</button>" in mod_client.get(url).content.decode()
    users_freeze(users=[spammer], actor=None, reason="Spam.")
    assert ">Unfreeze spammer</button>" in mod_client.get(url).content.decode()


def test_lists_show_freezes_as_warnings_and_risk_with_reasons(mod_client, make_user, publish):
    spammer = make_user("spammer")
    users_freeze(users=[spammer], actor=None, reason="Spam.")
    assessment = RiskAssessment.objects.create(user=spammer, score=80)
    RiskSignal.objects.create(
        assessment=assessment, kind=RiskSignalKind.DISPOSABLE_EMAIL_DOMAIN, weight=60, reason="disposable"
    )
    body = mod_client.get("/admin/moderation/moderateduser/").content.decode()
    assert '<td class="field-is_frozen"><span class="wharf-badge warning">Frozen</span></td>' in body
    assert f'80<span class="wharf-risk-reasons">{RiskSignalKind.DISPOSABLE_EMAIL_DOMAIN.label}</span>' in body


def test_admin_home_has_one_accounts_group_and_readable_names(admin_as, make_user, mod_client):
    root = admin_as(make_user("root", superuser=True))
    apps = root.get("/admin/").context["app_list"]
    assert [app["name"] for app in apps].count("Accounts") == 1
    accounts = next(app for app in apps if app["app_label"] == "accounts")
    names = [model["name"] for model in accounts["models"]]
    assert {"API tokens", "Email addresses", "Users", "Security events"} <= set(names)
    # Moderators see one "Projects" entry: the queue's. The registry's data admin is the superusers'.
    moderator_apps = mod_client.get("/admin/").context["app_list"]
    project_entries = [m["name"] for app in moderator_apps for m in app["models"] if m["name"] == "Projects"]
    assert project_entries == ["Projects"] and ModeratedProject._meta.verbose_name_plural == "projects"
    assert mod_client.get("/admin/registry/project/").status_code == 403
    assert ModeratedUser._meta.verbose_name_plural == "accounts"
