"""Filing a claim, and the claimant's own steps on it: answering the moderators, withdrawing."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction

from accounts.services import require_verified_email
from moderation.claims import selectors
from moderation.claims.enums import ClaimEventKind, ClaimKind, ClaimState
from moderation.claims.exceptions import ClaimConflict, ClaimError
from moderation.claims.models import Claim
from moderation.claims.notify import ModeratorItem, notify_claimant, notify_moderators
from moderation.claims.services.case import (
    audit_step,
    claimant_dates,
    locked,
    move,
    now_or,
    record_event,
    refresh_evidence_after_commit,
    required_text,
)
from moderation.claims.transitions import ClaimClock, Step
from registry.services.projects import RULE_LABELS, NameRule, name_decision

VERIFY_TO_CLAIM = "You must verify your primary email address before you can file a name claim."


def claim_refusal(decision) -> str | None:
    """Why no claim can be filed for a name-policy decision, in one sentence; None when one can."""
    name = decision.name
    if decision.claimable:  # registry.services.projects.CLAIMABLE_RULES, and no role on the project
        return None
    if decision.user_role:
        return (
            f"You are already {decision.user_role} of project '{decision.project.name}', so there is "
            "nothing to claim."
        )
    if decision.available:
        return (
            f"The name '{name}' is available, so there is nothing to claim: publish your first release to "
            "register it."
        )
    if decision.rule == NameRule.STDLIB:
        module = decision.stdlib[0].module
        return (
            f"The name '{name}' conflicts with the standard-library module '{module}', and such names are "
            "never given to any project, so it cannot be claimed."
        )
    if decision.rule == NameRule.PROHIBITED:
        return (
            f"The name '{name}' is prohibited by the administrators of this index, so it cannot be claimed; "
            "write to them if you think the prohibition is wrong."
        )
    return f"The name '{name}' is {RULE_LABELS[NameRule.INVALID]}, so it cannot be claimed."


def _web_address(url: str) -> str:
    url = (url or "").strip()
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        raise ClaimError("Give a web address (http or https) for your code.") from None
    if len(url) > Claim._meta.get_field("code_url").max_length:
        raise ClaimError("Give a shorter web address for your code (at most 500 characters).")
    return url


@transaction.atomic
def claim_file(
    *,
    claimant,
    name: str,
    kind: str,
    justification: str,
    intended_use: str,
    code_url: str,
    contact_attempts: str,
    now: datetime | None = None,
) -> Claim:
    """File a claim on the project that blocks `name` (the name policy decides which, and whether a claim is
    possible at all). Emails the claimant; evidence is gathered after the commit.

    Raises EmailNotVerified without a verified primary address, and ClaimError when the name cannot be
    claimed, the kind is unknown, a text is missing, or the claimant already has an open claim on the name.
    """
    now = now_or(now)
    clock = ClaimClock.from_settings()
    require_verified_email(claimant, reason=VERIFY_TO_CLAIM)
    if kind not in ClaimKind.values:
        raise ClaimError(f"'{kind}' is not a kind of claim; choose one of the listed kinds.")
    decision = name_decision(name.strip(), user=claimant)
    refusal = claim_refusal(decision)
    if refusal:
        raise ClaimError(refusal)
    project = decision.project
    existing = selectors.open_claim_of_user_on(user=claimant, normalized_name=project.normalized_name)
    if existing is not None:
        raise ClaimConflict(f"You already have an open claim on '{project.name}' (claim #{existing.pk}).")
    claim = Claim(
        claimant=claimant,
        project=project,
        project_name=project.name,
        normalized_name=project.normalized_name,
        requested_name=decision.name,
        name_rule=decision.rule,
        kind=kind,
        justification=required_text(justification, "the reasons for your claim"),
        intended_use=required_text(intended_use, "what you will publish under the name"),
        code_url=_web_address(code_url),
        contact_attempts=required_text(contact_attempts, "how you tried to contact the owners"),
        created=now,
        state_changed=now,
        due_at=clock.due(ClaimState.SUBMITTED, kind=kind, now=now),
    )
    try:
        with transaction.atomic():
            claim.save()
    except IntegrityError:  # the same user filed the same claim at the same moment
        raise ClaimConflict(f"You already have an open claim on '{project.name}'.") from None
    note = "" if decision.rule == NameRule.EXISTS else decision.reason
    record_event(claim, ClaimEventKind.FILED, actor=claimant, note=note, state_from="", now=now)
    audit_step(claim, "file", actor=claimant, reason=claim.get_kind_display())
    notify_claimant(
        claim,
        headline=f"We received your claim on '{claim.project_name}' ({claim.get_kind_display()}).",
        dates=claimant_dates(claim, clock),
    )
    refresh_evidence_after_commit(claim.pk)
    return claim


@transaction.atomic
def claim_withdraw(*, claim: Claim, actor, now: datetime | None = None) -> Claim:
    """The claimant withdraws their open claim. Raises ClaimError for anyone else or a closed case."""
    now = now_or(now)
    claim = locked(claim)
    if claim.claimant_id != actor.pk:
        raise ClaimError("Only the claimant can withdraw a claim.")
    return move(
        claim,
        Step.WITHDRAW,
        event=ClaimEventKind.WITHDRAWN,
        actor=actor,
        now=now,
        clock=ClaimClock.from_settings(),
    )


@transaction.atomic
def claim_provide_info(*, claim: Claim, actor, answer: str, now: datetime | None = None) -> Claim:
    """The claimant answers the moderators' question; the case goes back to review (or to a decision when the
    owners' contact period is over) and the moderators are told."""
    now = now_or(now)
    answer = required_text(answer, "your answer")
    claim = locked(claim)
    if claim.claimant_id != actor.pk:
        raise ClaimError("Only the claimant can answer for this claim.")
    clock = ClaimClock.from_settings()
    claim = move(
        claim,
        Step.PROVIDE_INFO,
        event=ClaimEventKind.INFO_PROVIDED,
        actor=actor,
        note=answer,
        now=now,
        clock=clock,
        contact_closed=claim.contact_closed_at is not None,
    )
    notify_moderators(
        subject=f"Claim #{claim.pk} on {claim.project_name}: the claimant answered",
        items=[ModeratorItem(claim.pk, claim.project_name, f"{actor.username} answered: {answer}")],
    )
    return claim
