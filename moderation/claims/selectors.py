"""Reads of name claims: a claimant's cases and timelines, the moderators' queue, who to notify."""

from datetime import datetime

from django.conf import settings
from django.db.models import Count, F, Q, QuerySet

from accounts.models import User
from moderation.claims.enums import PRIVATE_EVENT_KINDS, ClaimEventKind, ClaimState
from moderation.claims.models import Claim, ClaimEvent, ClaimEvidence, OwnerResponse
from moderation.claims.transitions import CONTACT_STATES, OPEN_STATES, SLA_STATES
from moderation.enums import MODERATORS_GROUP
from registry.enums import RoleName
from registry.models import Project, Role


def claims_of_user(*, user) -> list[Claim]:
    """The claims `user` filed, newest first, with their project (one query)."""
    return list(Claim.objects.filter(claimant=user).select_related("project").order_by("-created", "-id"))


def claim_of_user(*, user, pk: int) -> Claim | None:
    """The claim `pk` if `user` filed it (others' claims are not shown to them)."""
    return Claim.objects.filter(pk=pk, claimant=user).select_related("project", "claimant").first()


def claim_get(*, pk: int) -> Claim | None:
    return Claim.objects.filter(pk=pk).select_related("project", "claimant", "decided_by").first()


def active_user(*, pk: int) -> User | None:
    """The active account `pk` (an owner named by an answer link), or None."""
    return User.objects.filter(pk=pk, is_active=True).first()


def open_claim_of_user_on(*, user, normalized_name: str) -> Claim | None:
    return Claim.objects.filter(claimant=user, normalized_name=normalized_name, state__in=OPEN_STATES).first()


def claim_timeline(*, claim: Claim, public: bool) -> list[ClaimEvent]:
    """The case's steps, oldest first; `public` leaves out the moderators' internal ones."""
    events = ClaimEvent.objects.filter(claim=claim)
    if public:
        events = events.exclude(kind__in=PRIVATE_EVENT_KINDS)
    return list(events.order_by("created", "id"))


def claimant_timeline(*, claim: Claim, events: list[ClaimEvent] | None = None) -> list[dict]:
    """The case's public steps as the claimant sees them: each `event` with `who` did it (you, a moderator,
    an owner, or Wharf's clock)."""
    if events is None:
        events = claim_timeline(claim=claim, public=True)
    rows = []
    for event in events:
        if event.actor_id is None:
            who = "Wharf (automatic)"
        elif event.actor_id == claim.claimant_id:
            who = "You"
        elif event.kind == ClaimEventKind.OWNER_ANSWERED:
            who = f"Owner {event.actor_name}"
        else:
            who = "A moderator"
        rows.append({"event": event, "who": who})
    return rows


def latest_answers(*, claim: Claim) -> dict[int, OwnerResponse]:
    """Each owner's latest answer on the case, by owner id (answers of deleted accounts are left out)."""
    latest: dict[int, OwnerResponse] = {}
    for response in OwnerResponse.objects.filter(claim=claim, owner__isnull=False).order_by("created", "id"):
        latest[response.owner_id] = response
    return latest


def latest_evidence(*, claim: Claim) -> ClaimEvidence | None:
    return ClaimEvidence.objects.filter(claim=claim).order_by("-taken_at", "-id").first()


def project_owners(*, project: Project) -> list[User]:
    """The project's Owners, by username."""
    return [
        role.user
        for role in Role.objects.filter(project=project, role_name=RoleName.OWNER)
        .select_related("user")
        .order_by("user__username")
    ]


def is_project_owner(*, project: Project, user_id: int) -> bool:
    return Role.objects.filter(project=project, user_id=user_id, role_name=RoleName.OWNER).exists()


def open_claims_on_project(*, project_id: int) -> QuerySet[Claim]:
    return Claim.objects.filter(project_id=project_id, state__in=OPEN_STATES)


def queue_position(*, claim: Claim) -> int | None:
    """How many submitted claims wait ahead of this one (shown to the claimant while it waits for review)."""
    if claim.state != ClaimState.SUBMITTED:
        return None
    return (
        Claim.objects.filter(state=ClaimState.SUBMITTED)
        .filter(Q(created__lt=claim.created) | Q(created=claim.created, pk__lt=claim.pk))
        .count()
    )


def claims_past_contact_deadline(*, now: datetime) -> list[int]:
    """Ids of cases waiting for owners or the claimant whose deadline passed (the beat task moves them)."""
    waiting = {*CONTACT_STATES, ClaimState.INFO_REQUESTED}
    return list(
        Claim.objects.filter(state__in=waiting, due_at__lte=now)
        .order_by("due_at", "pk")
        .values_list("pk", flat=True)
    )


def claims_overdue_for_moderators(*, now: datetime) -> list[int]:
    """Ids of cases past their service-level date that the moderators were not yet reminded of."""
    return list(
        Claim.objects.filter(state__in=SLA_STATES, due_at__lte=now)
        .filter(Q(reminded_at__isnull=True) | Q(reminded_at__lt=F("due_at")))
        .order_by("due_at", "pk")
        .values_list("pk", flat=True)
    )


def moderator_emails() -> list[str]:
    """Where claim notifications go: WHARF_MODERATOR_EMAILS when set, else the addresses of active members of
    the Moderators group and active superusers."""
    if settings.WHARF_MODERATOR_EMAILS:
        return list(settings.WHARF_MODERATOR_EMAILS)
    users = (
        User.objects.filter(is_active=True)
        .filter(Q(is_superuser=True) | Q(groups__name=MODERATORS_GROUP))
        .exclude(email="")
        .order_by("email")
        .values_list("email", flat=True)
        .distinct()
    )
    return list(users)


def claims_for_admin() -> QuerySet[Claim]:
    """The moderators' queue: with the number of other open claims on the same name."""
    return Claim.objects.select_related("claimant", "project").annotate(
        competing=Count(
            "project__claims",
            filter=Q(project__claims__state__in=OPEN_STATES),
            distinct=True,
        )
    )
