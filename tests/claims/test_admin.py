"""The claims workbench in the admin: the queue with its filters, the evidence checklist at the top of a case,
and each step as an action with a reason on a confirmation page, posted to the changelist as a moderator
would. Permissions decide who sees and takes which step; nothing is edited or deleted in place."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone

from moderation.claims import services
from moderation.claims.enums import ClaimKind, ClaimState
from moderation.claims.models import Claim, ClaimEvent
from moderation.models import AuditEntry
from registry.models import Project, Role

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

CHANGELIST = "/admin/claims/claim/"


def body(response) -> str:
    return response.content.decode()


def change_url(claim) -> str:
    return f"{CHANGELIST}{claim.pk}/change/"


def step(client, name: str, *claims, **confirmation):
    """Choose the action on the changelist (the confirmation page), then confirm it when given a reason."""
    data = {"action": name, "_selected_action": [claim.pk for claim in claims], "index": 0}
    page = client.post(CHANGELIST, data)
    if not confirmation:
        return page
    data = {
        "action": name,
        "_selected_action": [claim.pk for claim in claims],
        "confirm": "yes",
        **confirmation,
    }
    return client.post(CHANGELIST, data)


def snapshot():
    return (
        list(Claim.objects.order_by("pk").values_list("pk", "state")),
        ClaimEvent.objects.count(),
        AuditEntry.objects.count(),
        list(Role.objects.order_by("pk").values_list("user__username", "role_name")),
    )


@pytest.fixture
def claim(demo, carol, file_claim):
    return file_claim(carol)


def test_the_queue_and_its_filters(admin_web, demo, carol, make_user, file_claim, committed, moderator):
    now = timezone.now()
    submitted = file_claim(carol, now=now - timedelta(days=10))  # review was due 3 days ago
    Project.objects.create(name="held", normalized_name="held")
    squat = file_claim(carol, name="held", kind=ClaimKind.SQUATTING, now=now)  # due in 7 days
    contacted = file_claim(make_user("dave"), now=now)
    with committed():
        services.claim_start_review(claim=contacted, actor=moderator, now=now)
        services.claim_contact_owners(claim=contacted, actor=moderator, now=now)  # due in 14 days
    withdrawn = file_claim(make_user("erin"))
    with committed():
        services.claim_withdraw(claim=withdrawn, actor=withdrawn.claimant)

    def listed(query: str) -> set[int]:
        response = admin_web.get(CHANGELIST + query)
        assert response.status_code == 200
        return {c.pk for c in response.context["cl"].result_list}

    assert listed("") == {submitted.pk, squat.pk, contacted.pk, withdrawn.pk}
    assert listed("?state__exact=submitted") == {submitted.pk, squat.pk}
    assert listed("?kind__exact=squatting") == {squat.pk}
    assert listed("?due=overdue") == {submitted.pk}
    assert listed("?due=week") == {squat.pk}
    assert listed("?due=later") == {contacted.pk}
    assert listed("?due=none") == {withdrawn.pk}
    assert listed("?q=held") == {squat.pk}
    assert listed("?q=dave") == {contacted.pk}
    page = body(admin_web.get(CHANGELIST))
    assert "2 open claims on this name" in page and "emails sent: 1" in page
    assert "delete_selected" not in page
    assert 'value="approve"' in page and 'value="start_review"' in page


def test_the_queue_query_count_does_not_grow(
    admin_web, demo, make_user, file_claim, django_assert_max_num_queries
):
    file_claim(make_user("dave"))
    with django_assert_max_num_queries(12) as few:
        admin_web.get(CHANGELIST)
    for name in ("erin", "fred", "gina", "hal"):
        file_claim(make_user(name))
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert admin_web.get(CHANGELIST).status_code == 200


def test_the_case_page_shows_the_evidence_first(admin_web, claim):
    services.evidence_refresh(claim=claim)
    page = body(admin_web.get(change_url(claim)))
    assert page.index('id="evidence"') < page.index('id="fieldset-0-0-heading"')  # above the fields
    assert "PEP 541 checklist" in page
    for label in (
        "Owners unreachable after the contact period",
        "No releases within the past twelve months",
        "No owner activity",
    ):
        assert label in page
    assert '<span class="criterion unknown">unknown</span>' in page
    assert '<span class="criterion not-met">not met</span>' in page
    assert "alice" in page and "Releases / files" in page
    # The moderator's steps for a submitted claim, and nothing else.
    buttons = [
        name
        for name in ("start_review", "contact_owners", "request_info", "approve", "reject")
        if f'name="action" value="{name}"' in page
    ]
    assert buttons == ["start_review", "request_info", "reject"]
    assert "Timeline" in page and "Claim filed" in page and "claim.file" in page
    assert 'name="_save"' not in page  # nothing is edited in place


def test_start_review_through_the_confirmation_page(admin_web, claim, moderator):
    before = snapshot()
    page = step(admin_web, "start_review", claim)
    assert page.status_code == 200 and "Start review: confirm" in body(page)
    assert f"#{claim.pk} demo</a> by carol" in body(page)
    assert snapshot() == before  # choosing the action only asks
    response = step(admin_web, "start_review", claim, reason="")
    assert response.status_code == 302 and response["Location"] == change_url(claim)
    claim.refresh_from_db()
    assert claim.state == ClaimState.IN_REVIEW
    entry = AuditEntry.objects.get(action="claim.start-review")
    assert entry.actor == moderator
    assert f"Review of claim {claim.pk} started." in body(admin_web.get(change_url(claim)))


def test_reject_needs_a_reason(admin_web, claim, sent):
    before = snapshot()
    response = step(admin_web, "reject", claim, reason="  ")
    assert response.status_code == 200
    assert "Reason (shown to the claimant) is required for this step." in body(response)
    assert snapshot() == before
    response = step(admin_web, "reject", claim, reason="A release came out last week.")
    assert response.status_code == 302
    claim.refresh_from_db()
    assert (claim.state, claim.decision_reason) == (ClaimState.REJECTED, "A release came out last week.")
    assert "A release came out last week." in sent(2)[1].body


def test_a_refused_step_says_why_and_changes_nothing(admin_web, claim):
    before = snapshot()
    response = step(admin_web, "approve", claim, reason="looks fine")
    assert response.status_code == 302
    page = body(admin_web.get(response["Location"]))
    assert f"Claim {claim.pk}: This claim is submitted, so it cannot be approved." in page
    assert snapshot() == before


def test_the_whole_case_in_the_admin(admin_web, claim, carol, alice, committed):
    step(admin_web, "start_review", claim, reason="")
    step(admin_web, "contact_owners", claim, reason="Also tried the author address.")
    claim.refresh_from_db()
    assert (claim.state, claim.contact_attempts_made) == (ClaimState.OWNERS_CONTACTED, 1)
    with committed():
        for days in (15, 29, 43):
            services.claims_run_deadlines(now=timezone.now() + timedelta(days=days))
    page = body(step(admin_web, "approve", claim))
    assert "Keep the previous owners" in page
    response = step(admin_web, "approve", claim, reason="Unreachable for six weeks.")
    assert response.status_code == 302
    assert f"Claim {claim.pk} approved." in body(admin_web.get(response["Location"]))
    claim.refresh_from_db()
    assert (claim.state, claim.outcome) == (ClaimState.APPROVED, "transfer")
    assert list(Role.objects.values_list("user__username", "role_name")) == [("carol", "Owner")]


def test_several_claims_at_once(admin_web, demo, make_user, file_claim):
    claims = [file_claim(make_user(name)) for name in ("dave", "erin")]
    response = step(admin_web, "start_review", *claims, reason="batch")
    assert response.status_code == 302 and response["Location"] == CHANGELIST
    assert set(Claim.objects.values_list("state", flat=True)) == {ClaimState.IN_REVIEW}


def test_permissions(web, claim, make_user, moderators_group, settings):
    settings.WHARF_ADMIN_REQUIRE_2FA = False
    staff = make_user("staff")
    staff.is_staff = True
    staff.save()
    web.force_login(staff)
    assert web.get(CHANGELIST).status_code == 403
    staff.user_permissions.add(Permission.objects.get(codename="view_claim"))
    assert web.get(CHANGELIST).status_code == 200
    page = body(web.get(change_url(claim)))
    assert "No step is open to you in this state." in page
    before = snapshot()
    response = web.post(
        CHANGELIST, {"action": "reject", "_selected_action": [claim.pk], "confirm": "yes", "reason": "no"}
    )
    assert response.status_code in (200, 302)
    assert snapshot() == before
    staff.user_permissions.add(Permission.objects.get(codename="review_claim"))
    staff = type(staff).objects.get(pk=staff.pk)  # drop the permission cache
    web.force_login(staff)
    page = body(web.get(change_url(claim)))
    assert 'value="start_review"' in page and 'value="reject"' not in page


def test_no_adding_editing_or_deleting(admin_web, claim):
    assert admin_web.get(CHANGELIST + "add/").status_code == 403
    before = snapshot()
    assert admin_web.post(change_url(claim), {"state": "approved"}).status_code == 403
    assert admin_web.post(f"{CHANGELIST}{claim.pk}/delete/", {"post": "yes"}).status_code == 403
    assert snapshot() == before


def test_two_factor_is_required_for_the_workbench(web, moderator, settings):
    settings.WHARF_ADMIN_REQUIRE_2FA = True
    web.force_login(moderator)
    response = web.get(CHANGELIST)
    assert response.status_code == 302 and "/login/" in response["Location"]
