"""Emails of name claims. Each is rendered now and sent by Celery once the step's transaction commits
(`accounts.emails.send_templated_email`); links are absolute (WHARF_SITE_URL) because tasks send them.

Who hears what: the claimant at filing, when information is requested, when the owners are first contacted
and at the decision; each Owner at every contact attempt (with their own signed answer link) and after an
approval; the moderators (`selectors.moderator_emails`) when an owner or the claimant answers and when
deadlines pass.
"""

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings

from accounts.emails import send_templated_email
from moderation.claims.enums import ClaimKind
from moderation.claims.links import answer_url
from moderation.claims.models import Claim
from moderation.claims.selectors import moderator_emails
from moderation.claims.transitions import ExpectedDate


def claim_url(claim: Claim) -> str:
    return f"{settings.WHARF_SITE_URL}/claims/{claim.pk}/"


def admin_url(claim_id: int) -> str:
    return f"{settings.WHARF_SITE_URL}/admin/claims/claim/{claim_id}/change/"


def notify_claimant(
    claim: Claim, *, headline: str, note: str = "", note_label: str = "", dates: list[ExpectedDate] = ()
) -> None:
    """Tell the claimant what happened on their case, with the note (question or reason) and next dates."""
    send_templated_email(
        to=[claim.claimant.email],
        template="claims/email/claimant_update",
        context={
            "claimant": claim.claimant.username,
            "claim_id": claim.pk,
            "project_name": claim.project_name,
            "headline": headline,
            "note": note,
            "note_label": note_label,
            "dates": list(dates),
            "claim_url": claim_url(claim),
        },
    )


def notify_owner_contact(claim: Claim, *, owner, attempt: int, attempts: int, answer_due: datetime) -> None:
    """The reachability email (for squatting: the courtesy notice) to one Owner, with their answer link."""
    send_templated_email(
        to=[owner.email],
        template="claims/email/owner_contact",
        context={
            "owner": owner.username,
            "claim_id": claim.pk,
            "project_name": claim.project_name,
            "claimant": claim.claimant.username,
            "kind": claim.get_kind_display(),
            "squatting": claim.kind == ClaimKind.SQUATTING,
            "justification": claim.justification,
            "intended_use": claim.intended_use,
            "code_url": claim.code_url,
            "attempt": attempt,
            "attempts": attempts,
            "answer_due": answer_due,
            "answer_url": answer_url(claim_id=claim.pk, owner_id=owner.pk),
        },
    )


def notify_previous_owners(claim: Claim, *, owners: list, summary: str) -> None:
    """After an approval, tell the project's Owners (as they were) what changed and why."""
    for owner in owners:
        send_templated_email(
            to=[owner.email],
            template="claims/email/owner_decision",
            context={
                "owner": owner.username,
                "project_name": claim.project_name,
                "claimant": claim.claimant.username,
                "summary": summary,
                "reason": claim.decision_reason,
            },
        )


@dataclass(frozen=True)
class ModeratorItem:
    claim_id: int
    project_name: str
    what: str

    @property
    def url(self) -> str:
        return admin_url(self.claim_id)


def notify_moderators(*, subject: str, items: list[ModeratorItem]) -> None:
    """One email to the moderators listing what needs them (answers, passed deadlines, overdue cases)."""
    if items:
        send_templated_email(
            to=moderator_emails(),
            template="claims/email/moderators",
            context={"subject": subject, "items": items},
        )
