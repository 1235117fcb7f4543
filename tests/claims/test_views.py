"""The claimants' and owners' pages: the claim form (pre-filled from the name check page), "my claims", a
claim's timeline with its dates and decision, withdrawal, answering the moderators, and the owners' answer
page reached from an email. Refusals say one sentence and store nothing."""

from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.test import Client
from django.utils import timezone

from moderation.claims import services
from moderation.claims.enums import ClaimKind, ClaimState, OwnerAnswer
from moderation.claims.links import answer_token
from moderation.claims.models import Claim, ClaimEvent, OwnerResponse
from moderation.models import ProhibitedProjectName
from registry.models import Project
from tests.claims.conftest import CLAIM_TEXTS

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

FORM = {**CLAIM_TEXTS, "name": "demo", "kind": ClaimKind.TRANSFER, "contacted_owners": "on"}


@pytest.fixture
def as_carol(web, carol):
    web.force_login(carol)
    return web


def body(response) -> str:
    return response.content.decode()


def stored() -> tuple:
    return (
        list(Claim.objects.values_list("pk", "state")),
        ClaimEvent.objects.count(),
        OwnerResponse.objects.count(),
    )


# --- the form -----------------------------------------------------------------------------------------------


def test_the_form_needs_a_login_and_a_verified_email(client, demo, make_user):
    response = client.get("/claims/new/?name=demo")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/?next=")
    client.force_login(make_user("dave", verified=False))
    refused = client.get("/claims/new/?name=demo")
    assert refused.status_code == 403
    assert "You must verify your primary email address before you can file a name claim." in body(refused)
    assert 'href="/accounts/email/"' in body(refused)
    assert client.post("/claims/new/", FORM).status_code == 403
    assert not Claim.objects.exists()


def test_the_form_is_pre_filled_from_the_name(as_carol, demo):
    page = body(as_carol.get("/claims/new/?name=Demo"))
    assert "The name &#x27;Demo&#x27; conflicts with the existing project &#x27;demo&#x27;." in page
    assert 'name="name" value="Demo"' in page
    assert 'value="transfer" id="id_kind_0" required checked' in page
    Project.objects.create(name="held", normalized_name="held")
    page = body(as_carol.get("/claims/new/?name=held"))
    assert (
        "registered without any release" in page
        and 'value="squatting" id="id_kind_2" required checked' in page
    )
    page = body(as_carol.get("/claims/new/?name=dem0"))
    assert "Your claim concerns the existing project <strong>demo</strong>, which blocks “dem0”." in page
    assert 'value="other" id="id_kind_3" required checked' in page


@pytest.mark.parametrize(
    ("name", "sentence"),
    [
        ("xml", "The name &#x27;xml&#x27; conflicts with the standard-library module &#x27;xml&#x27;"),
        ("gadzooks", "is prohibited by the administrators of this index, so it cannot be claimed"),
        ("free-name", "is available, so there is nothing to claim"),
    ],
)
def test_names_that_cannot_be_claimed_are_explained(as_carol, demo, name, sentence):
    ProhibitedProjectName.objects.create(name="gadzooks", reason="private")
    page = body(as_carol.get(f"/claims/new/?name={name}"))
    assert "cannot be claimed</h2>" in page and sentence in page
    assert "File the claim" not in page
    assert "private" not in page


def test_file_a_claim(as_carol, demo, sent):
    response = as_carol.post("/claims/new/", FORM)
    claim = Claim.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/claims/{claim.pk}/"
    assert (claim.claimant.username, claim.project, claim.kind) == ("carol", demo, ClaimKind.TRANSFER)
    page = body(as_carol.get(response["Location"]))
    assert f"Your claim on &#x27;demo&#x27; was filed as claim #{claim.pk}." in page
    assert "State: <strong>Submitted</strong>" in page
    assert "Your claim is the next one the moderators will review." in page
    assert "Review starts by:" in page and "Claim filed" in page
    assert sent(1)[0].to == ["carol@example.com"]


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"contacted_owners": ""}, "Try to contact the project&#x27;s owners first, then confirm it here."),
        ({"code_url": "ftp://example.com/x"}, "Give a web address (http or https) for your code."),
        ({"code_url": "not a url"}, "Enter a valid URL."),
        ({"justification": ""}, "This field is required."),
        ({"kind": "steal"}, "Select a valid choice. steal is not one of the available choices."),
        ({"justification": "x" * 5001}, "Ensure this value has at most 5000 characters (it has 5001)."),
        ({"name": "asyncio"}, "conflicts with the standard-library module &#x27;asyncio&#x27;"),
    ],
)
def test_bad_input_changes_nothing(as_carol, demo, changes, error):
    before = stored()
    response = as_carol.post("/claims/new/", {**FORM, **changes})
    assert response.status_code == 400 and error in body(response), body(response)[-3000:]
    assert stored() == before and mail.outbox == []


def test_a_second_open_claim_on_the_name_is_refused(as_carol, demo):
    as_carol.post("/claims/new/", FORM)
    before = stored()
    response = as_carol.post("/claims/new/", {**FORM, "name": "DEMO", "kind": ClaimKind.MAINTAINER})
    claim = Claim.objects.get()
    assert response.status_code == 400
    assert f"You already have an open claim on &#x27;demo&#x27; (claim #{claim.pk})." in body(response)
    assert stored() == before


def test_a_second_claim_is_refused_before_the_form(as_carol, demo):
    as_carol.post("/claims/new/", FORM)
    claim = Claim.objects.get()
    page = body(as_carol.get("/claims/new/?name=demo"))
    assert f"You already have an open claim on &#x27;demo&#x27; (claim #{claim.pk})." in page
    assert f'href="/claims/{claim.pk}/"' in page and 'name="justification"' not in page


def test_the_form_needs_the_csrf_token(demo, carol):
    client = Client(enforce_csrf_checks=True)
    client.force_login(carol)
    assert client.post("/claims/new/", FORM).status_code == 403
    assert not Claim.objects.exists()


# --- my claims and one claim --------------------------------------------------------------------------------


def test_my_claims_lists_only_mine(as_carol, demo, carol, make_user, file_claim, django_assert_num_queries):
    Project.objects.create(name="other", normalized_name="other")
    mine = [file_claim(carol), file_claim(carol, name="other", kind=ClaimKind.SQUATTING)]
    theirs = file_claim(make_user("dave"))
    with django_assert_num_queries(3):  # session, user, the claims
        page = body(as_carol.get("/claims/"))
    for claim in mine:
        assert f'<a href="/claims/{claim.pk}/">#{claim.pk}</a>' in page
    assert f'href="/claims/{theirs.pk}/"' not in page
    assert "Invalid project / name squatting" in page


def test_my_claims_needs_a_login(client):
    response = client.get("/claims/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_other_peoples_claims_are_not_shown(as_carol, demo, make_user, file_claim):
    other = file_claim(make_user("dave"))
    assert as_carol.get(f"/claims/{other.pk}/").status_code == 404
    before = stored()
    assert as_carol.post(f"/claims/{other.pk}/withdraw/").status_code == 404
    assert as_carol.post(f"/claims/{other.pk}/reply/", {"answer": "x"}).status_code == 404
    assert stored() == before


def test_the_claim_page_follows_the_case(as_carol, demo, carol, moderator, file_claim, committed):
    t0 = timezone.now()
    claim = file_claim(carol, now=t0)
    with committed():
        services.claim_start_review(claim=claim, actor=moderator, note="internal note", now=t0)
        services.claim_contact_owners(claim=claim, actor=moderator, now=t0)
    page = body(as_carol.get(f"/claims/{claim.pk}/"))
    assert "State: <strong>Owners contacted</strong>" in page
    assert f'Owners&#x27; answer due by: <time datetime="{(t0 + timedelta(days=14)):%Y-%m-%d}' in page
    assert f'Ready for decision by: <time datetime="{(t0 + timedelta(days=42)):%Y-%m-%d}' in page
    assert "Review started" in page and "A moderator" in page and "Owners contacted" in page
    with committed():
        for days in (15, 29, 43):
            services.claims_run_deadlines(now=t0 + timedelta(days=days))
        services.claim_approve(claim=claim, actor=moderator, reason="No answer in six weeks.")
    page = body(as_carol.get(f"/claims/{claim.pk}/"))
    assert "State: <strong>Approved</strong>" in page and "Decision: Approved" in page
    assert "No answer in six weeks." in page and "Wharf (automatic)" in page
    assert "Withdraw this claim" not in page and "Expected dates" not in page


def test_withdraw(as_carol, demo, carol, file_claim):
    claim = file_claim(carol)
    assert as_carol.get(f"/claims/{claim.pk}/withdraw/").status_code == 405
    response = as_carol.post(f"/claims/{claim.pk}/withdraw/")
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.state == ClaimState.WITHDRAWN
    page = body(as_carol.get(f"/claims/{claim.pk}/"))
    assert "You withdrew your claim on &#x27;demo&#x27;." in page and "Withdrawn by the claimant" in page
    before = stored()
    again = as_carol.post(f"/claims/{claim.pk}/withdraw/")
    assert again.status_code == 400 and "This claim is withdrawn, so it cannot be withdrawn." in body(again)
    assert stored() == before


def test_answer_the_moderators(as_carol, demo, carol, moderator, file_claim, committed):
    claim = file_claim(carol)
    with committed():
        services.claim_request_info(claim=claim, actor=moderator, question="Which repository is yours?")
    page = body(as_carol.get(f"/claims/{claim.pk}/"))
    assert "The moderators ask" in page and "Which repository is yours?" in page
    before = stored()
    empty = as_carol.post(f"/claims/{claim.pk}/reply/", {"answer": " "})
    assert empty.status_code == 400 and "This field is required." in body(empty)
    assert stored() == before
    response = as_carol.post(f"/claims/{claim.pk}/reply/", {"answer": "git.example.com/carol/demo"})
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.state == ClaimState.IN_REVIEW
    assert "The moderators ask" not in body(as_carol.get(f"/claims/{claim.pk}/"))


# --- the owners' answer page --------------------------------------------------------------------------------


@pytest.fixture
def contacted(demo, carol, moderator, file_claim, committed):
    claim = file_claim(carol)
    with committed():
        services.claim_start_review(claim=claim, actor=moderator)
        services.claim_contact_owners(claim=claim, actor=moderator)
    return claim


def test_owner_answers_from_the_emailed_link(web, contacted, alice, sent):
    owner_mail = next(message for message in sent(3) if message.to == ["alice@example.com"])
    url = owner_mail.body.split("http://127.0.0.1:8000")[-1].split()[0]
    assert url.startswith("/claims/answer/")
    page = web.get(url)
    assert page.status_code == 200
    assert "the user <strong>carol</strong> asked for the name of your project" in body(page)
    assert not OwnerResponse.objects.exists()  # showing the page records nothing
    response = web.post(url, {"answer": OwnerAnswer.KEEP, "note": "Still maintained, see the changelog."})
    assert response.status_code == 200
    assert "was recorded: <strong>Keep my project: I am still maintaining it</strong>" in body(response)
    answer = OwnerResponse.objects.get()
    assert (answer.owner, answer.answer, answer.note) == (
        alice,
        OwnerAnswer.KEEP,
        "Still maintained, see the changelog.",
    )
    contacted.refresh_from_db()
    assert contacted.state == ClaimState.READY_FOR_DECISION


def test_owner_answer_refusals(web, contacted, alice, make_user, moderator, committed, settings):
    url = f"/claims/answer/{answer_token(claim_id=contacted.pk, owner_id=alice.pk)}/"
    before = stored()
    bad = web.post(url, {"answer": "whatever"})
    assert bad.status_code == 400 and "Select a valid choice." in body(bad)
    forged = web.post(url.replace("/answer/", "/answer/x"), {"answer": OwnerAnswer.KEEP})
    assert forged.status_code == 400 and "This answer link is not valid" in body(forged)
    stranger = make_user("bob")
    other = web.post(
        f"/claims/answer/{answer_token(claim_id=contacted.pk, owner_id=stranger.pk)}/", {"answer": "transfer"}
    )
    assert other.status_code == 400
    assert "You are not an Owner of project &#x27;demo&#x27;, so you cannot answer for it." in body(other)
    missing = web.get(f"/claims/answer/{answer_token(claim_id=999999, owner_id=alice.pk)}/")
    assert missing.status_code == 404
    settings.WHARF_CLAIM_ANSWER_LINK_DAYS = -1
    expired = web.get(url)
    assert expired.status_code == 400 and "This answer link has expired" in body(expired)
    assert stored() == before

    settings.WHARF_CLAIM_ANSWER_LINK_DAYS = 90
    with committed():
        services.claim_reject(claim=contacted, actor=moderator, reason="Withdrawn by phone.")
    page = web.get(url)
    assert "This claim is already rejected, so answers can no longer change it." in body(page)
    before = stored()
    late = web.post(url, {"answer": OwnerAnswer.KEEP})
    assert late.status_code == 400 and "This claim is already rejected" in body(late)
    assert stored() == before


def test_the_answer_page_needs_the_csrf_token(contacted, alice):
    client = Client(enforce_csrf_checks=True)
    url = f"/claims/answer/{answer_token(claim_id=contacted.pk, owner_id=alice.pk)}/"
    assert client.post(url, {"answer": OwnerAnswer.KEEP}).status_code == 403
    assert not OwnerResponse.objects.exists()


# --- the name check page's link -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("demo", '<a href="/claims/new/?name=demo">Claim or appeal this name</a>'),
        ("DEM0", '<a href="/claims/new/?name=DEM0">Claim or appeal this name</a>'),
        ("held", '<a href="/claims/new/?name=held">Claim or appeal this name</a>'),
        (
            "xml",
            "This name cannot be claimed or appealed: standard-library names are never given to a project.",
        ),
        ("gadzooks", "This name cannot be claimed. If you think the prohibition is wrong"),
        ("bad name!", "An invalid name cannot be claimed: choose a valid one."),
    ],
)
def test_name_check_links_to_the_claim_form(client, demo, name, expected):
    Project.objects.create(name="held", normalized_name="held")
    ProhibitedProjectName.objects.create(name="gadzooks", reason="private")
    page = body(client.get("/names/check/", {"name": name}))
    assert expected in page


def test_no_claim_link_on_your_own_project(client, demo, alice):
    client.force_login(alice)
    page = body(client.get("/names/check/", {"name": "demo"}))
    assert "You are Owner of this project" in page and "Claim or appeal this name" not in page


def test_my_claims_is_in_the_account_links(as_carol):
    page = body(as_carol.get("/manage/projects/"))
    assert '<a href="/claims/">My claims</a>' in page


def test_unverified_users_can_still_see_their_claims(as_carol, demo, carol, file_claim):
    claim = file_claim(carol)
    EmailAddress.objects.filter(user=carol).update(verified=False)
    assert as_carol.get(f"/claims/{claim.pk}/").status_code == 200
