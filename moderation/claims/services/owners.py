"""What the project's side does to a case: an Owner's answer through the signed link, and new releases
published while a claim is open (flagged on the case)."""

from datetime import datetime

from django.db import transaction

from moderation.claims import selectors
from moderation.claims.enums import ClaimEventKind, OwnerAnswer
from moderation.claims.exceptions import ClaimError
from moderation.claims.models import Claim, OwnerResponse
from moderation.claims.notify import ModeratorItem, notify_moderators
from moderation.claims.services.case import (
    MAX_TEXT,
    audit_step,
    locked,
    move,
    now_or,
    record_event,
    refresh_evidence_after_commit,
)
from moderation.claims.transitions import CONTACT_STATES, ClaimClock, Step
from registry.models import Release


@transaction.atomic
def claim_owner_answer(
    *, claim: Claim, owner, answer: str, note: str = "", now: datetime | None = None
) -> OwnerResponse:
    """An Owner answers through their signed link. The answer lands on the case; if the case was waiting for
    the owners, their contact period ends and the case is ready for a decision. The moderators are told.

    Raises ClaimError when the answer is not one of the choices, the case is decided, the owners were never
    contacted, or `owner` is no longer an Owner of the project.
    """
    now = now_or(now)
    if answer not in OwnerAnswer.values:
        raise ClaimError("Choose one of the answers.")
    note = (note or "").strip()
    if len(note) > MAX_TEXT:
        raise ClaimError(f"Keep your note under {MAX_TEXT} characters.")
    claim = locked(claim)
    if not claim.is_open:
        raise ClaimError(
            f"This claim is already {claim.get_state_display().lower()}, so answers can no longer change it."
        )
    if not claim.contact_attempts_made:
        raise ClaimError("The owners of this project have not been asked about this claim.")
    if claim.project is None or not selectors.is_project_owner(project=claim.project, user_id=owner.pk):
        raise ClaimError(
            f"You are not an Owner of project '{claim.project_name}', so you cannot answer for it."
        )
    response = OwnerResponse.objects.create(
        claim=claim, owner=owner, owner_name=owner.username, answer=answer, note=note, created=now
    )
    label = OwnerAnswer(answer).label
    if claim.state in CONTACT_STATES:
        claim.contact_closed_at = now
        move(
            claim,
            Step.CONTACT_ENDED,
            event=ClaimEventKind.OWNER_ANSWERED,
            actor=owner,
            note=f"{owner.username}: {label}",
            now=now,
            clock=ClaimClock.from_settings(),
            audit_as="owner-answer",
        )
    else:  # a late answer (PEP 541: an owner who surfaces later still counts) lands on the case as it is
        record_event(
            claim, ClaimEventKind.OWNER_ANSWERED, actor=owner, note=f"{owner.username}: {label}", now=now
        )
        audit_step(claim, "owner-answer", actor=owner, reason=label)
        refresh_evidence_after_commit(claim.pk)
    what = f"Owner {owner.username} answered: {label}." + (f" Note: {note}" if note else "")
    notify_moderators(
        subject=f"Claim #{claim.pk} on {claim.project_name}: an owner answered",
        items=[ModeratorItem(claim.pk, claim.project_name, what)],
    )
    return response


@transaction.atomic
def claims_flag_release(*, release_id: int, now: datetime | None = None) -> list[int]:
    """Flag a new release on every open claim of its project (the maintainers are active after all).
    Returns the ids of the flagged claims."""
    now = now_or(now)
    release = Release.objects.filter(pk=release_id).select_related("project", "uploader").first()
    if release is None:
        return []
    flagged = []
    for claim in selectors.open_claims_on_project(project_id=release.project_id).select_for_update():
        uploader = release.uploader.username if release.uploader else "a maintainer"
        claim.owner_released_at = now
        claim.save(update_fields=["owner_released_at"])
        note = f"Release {release.version} was published by {uploader} on {release.created:%Y-%m-%d}."
        record_event(claim, ClaimEventKind.NEW_RELEASE, actor=None, note=note, now=now)
        audit_step(claim, "new-release", actor=None, reason=note, extra=[release])
        refresh_evidence_after_commit(claim.pk)
        flagged.append(claim.pk)
    return flagged
