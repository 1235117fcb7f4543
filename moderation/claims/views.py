"""Web pages of name claims: file a claim, "my claims", one claim's timeline, and the owners' answer page.

Thin views: a form validates, one service acts, the page shows what the selectors read. A refusal is one
sentence on the page (status 400) and stores nothing. Changes are POSTs only; the owners' answer page shows
on GET and records on POST.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.decorators import verified_email_required
from accounts.exceptions import EmailNotVerified
from moderation.claims import selectors
from moderation.claims.enums import ClaimEventKind, ClaimKind, ClaimState, OwnerAnswer
from moderation.claims.exceptions import ClaimError
from moderation.claims.forms import ClaimForm, ClarifyForm, OwnerAnswerForm
from moderation.claims.links import read_answer_token
from moderation.claims.services import (
    VERIFY_TO_CLAIM,
    claim_file,
    claim_owner_answer,
    claim_provide_info,
    claim_refusal,
    claim_withdraw,
)
from moderation.claims.transitions import ClaimClock, expected_dates
from registry.services.projects import NameRule, name_decision


@login_required
@require_safe
def claim_list(request):
    return render(request, "claims/list.html", {"claims": selectors.claims_of_user(user=request.user)})


@verified_email_required(reason=VERIFY_TO_CLAIM)
@require_http_methods(["GET", "HEAD", "POST"])
def claim_new(request):
    """The claim form, pre-filled from `?name=` (the name check page links here from a refusal)."""
    name = (request.POST if request.method == "POST" else request.GET).get("name", "").strip()
    decision = name_decision(name, user=request.user) if name else None
    refusal = claim_refusal(decision) if decision is not None else None
    context = {"name": name, "decision": decision, "refusal": refusal, "rules": NameRule}
    if request.method != "POST":
        form = ClaimForm(initial={"name": name, "kind": _suggested_kind(decision)})
        return render(request, "claims/new.html", {**context, "form": form})
    form = ClaimForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            claim = claim_file(
                claimant=request.user,
                name=data["name"],
                kind=data["kind"],
                justification=data["justification"],
                intended_use=data["intended_use"],
                code_url=data["code_url"],
                contact_attempts=data["contact_attempts"],
            )
        except (ClaimError, EmailNotVerified) as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, f"Your claim on '{claim.project_name}' was filed as claim #{claim.pk}.")
            return redirect(f"/claims/{claim.pk}/")
    return render(request, "claims/new.html", {**context, "form": form}, status=400)


def _suggested_kind(decision) -> str:
    """A reserved name (no release) is most often squatted; a too-similar refusal is an appeal; anything else
    starts as a transfer request. The claimant may choose another."""
    if decision is None:
        return ""
    if decision.rule == NameRule.RESERVED:
        return ClaimKind.SQUATTING
    if decision.rule == NameRule.TOO_SIMILAR:
        return ClaimKind.OTHER
    return ClaimKind.TRANSFER


def _claim(request, pk: int):
    claim = selectors.claim_of_user(user=request.user, pk=pk)
    if claim is None:
        raise Http404("No such claim.")
    return claim


@login_required
@require_safe
def claim_detail(request, pk):
    return _detail_page(request, _claim(request, pk))


def _detail_page(request, claim, *, reply_form=None, status=200):
    events = selectors.claim_timeline(claim=claim, public=True)
    question = next((e.note for e in reversed(events) if e.kind == ClaimEventKind.INFO_REQUESTED), "")
    dates = expected_dates(
        state=claim.state,
        kind=claim.kind,
        due_at=claim.due_at,
        contact_started_at=claim.contact_started_at,
        clock=ClaimClock.from_settings(),
    )
    context = {
        "claim": claim,
        "timeline": selectors.claimant_timeline(claim=claim, events=events),
        "dates": dates,
        "queue_position": selectors.queue_position(claim=claim),
        "question": question if claim.state == ClaimState.INFO_REQUESTED else "",
        "reply_form": reply_form or ClarifyForm(),
        "states": ClaimState,
    }
    return render(request, "claims/detail.html", context, status=status)


@login_required
@require_POST
def claim_withdraw_view(request, pk):
    claim = _claim(request, pk)
    try:
        claim_withdraw(claim=claim, actor=request.user)
    except ClaimError as error:
        messages.error(request, error.message)
        return _detail_page(request, claim, status=400)
    messages.success(request, f"You withdrew your claim on '{claim.project_name}'.")
    return redirect(f"/claims/{claim.pk}/")


@login_required
@require_POST
def claim_reply(request, pk):
    claim = _claim(request, pk)
    form = ClarifyForm(request.POST)
    if not form.is_valid():
        return _detail_page(request, claim, reply_form=form, status=400)
    try:
        claim_provide_info(claim=claim, actor=request.user, answer=form.cleaned_data["answer"])
    except ClaimError as error:
        messages.error(request, error.message)
        return _detail_page(request, claim, reply_form=form, status=400)
    messages.success(request, "Your answer was sent to the moderators.")
    return redirect(f"/claims/{claim.pk}/")


@require_http_methods(["GET", "HEAD", "POST"])
def owner_answer(request, token):
    """The page an Owner reaches from a contact email: GET shows the claim and the choices, POST records."""
    try:
        link = read_answer_token(token)
    except ClaimError as error:
        return render(request, "claims/answer.html", {"error": error.message}, status=400)
    claim = selectors.claim_get(pk=link.claim_id)
    owner = selectors.active_user(pk=link.owner_id)
    if claim is None or owner is None:
        # A frozen account is inactive too: it may not answer, and the page says why without telling which.
        error = "This claim no longer exists, or the account it was sent to is closed or frozen."
        return render(request, "claims/answer.html", {"error": error}, status=404)
    context = {"claim": claim, "owner": owner, "answers": OwnerAnswer}
    form = OwnerAnswerForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                response = claim_owner_answer(
                    claim=claim,
                    owner=owner,
                    answer=form.cleaned_data["answer"],
                    note=form.cleaned_data["note"],
                )
            except ClaimError as error:
                form.add_error(None, error.message)
            else:
                return render(request, "claims/answer.html", {**context, "recorded": response})
        return render(request, "claims/answer.html", {**context, "form": form}, status=400)
    if not claim.is_open:
        context["closed"] = True
    return render(request, "claims/answer.html", {**context, "form": form})
