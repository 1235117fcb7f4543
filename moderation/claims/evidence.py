"""The evidence packet of a claim: facts about the project and its owners, and the PEP 541 checklist.

`evidence_refresh` (run by the Celery task `refresh_claim_evidence` after each step) reads the registry and
accounts, and stores a new `ClaimEvidence` snapshot with the time it was taken; snapshots are never edited,
so the moderators can see what they knew at each step. `pep541_criteria` is pure.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from allauth.account.models import EmailAddress
from django.db import transaction
from django.db.models import Count, Max
from django.utils import timezone

from accounts.services import has_two_factor
from moderation.claims.enums import ClaimKind, Criterion, OwnerAnswer
from moderation.claims.models import Claim, ClaimEvidence, OwnerResponse
from moderation.claims.transitions import OPEN_STATES, ClaimClock
from registry.enums import RoleName
from registry.models import File, JournalEntry, Release, Role

YEAR = timedelta(days=365)


@dataclass(frozen=True)
class CriterionResult:
    key: str
    label: str
    status: Criterion
    detail: str

    def as_dict(self) -> dict:
        return {"key": self.key, "label": self.label, "status": str(self.status), "detail": self.detail}


def _day(when: datetime | None) -> str:
    return when.strftime("%Y-%m-%d") if when else "never"


def pep541_criteria(
    *,
    kind: str,
    project_exists: bool,
    owner_count: int,
    last_release: datetime | None,
    has_files: bool,
    owner_activity: Iterable[tuple[str, str, datetime]],
    home_pages: list[str],
    contact_closed: bool,
    attempts_made: int,
    attempts_planned: int,
    answers: Iterable[tuple[str, str]],
    now: datetime,
) -> list[CriterionResult]:
    """PEP 541's 'abandoned' test (its "Abandoned projects" section), each item met, not met or unknown.

    `owner_activity`: (owner, what, when) of the owners' latest doings on the index; `answers`: (owner,
    answer) of the owners who answered the case.
    """
    answers = list(answers)
    if answers:
        said = "; ".join(f"{owner}: {OwnerAnswer(answer).label}" for owner, answer in answers)
        status, detail = Criterion.NOT_MET, f"Owners answered ({said})."
    elif project_exists and owner_count == 0:
        status, detail = Criterion.MET, "The project has no Owner to reach."
    elif contact_closed and attempts_made:
        status, detail = Criterion.MET, f"No answer to {attempts_made} email(s) over the contact period."
    elif attempts_made:
        status = Criterion.UNKNOWN
        detail = f"Contact period running: email {attempts_made} of {attempts_planned} sent, no answer yet."
    else:
        status, detail = Criterion.UNKNOWN, "The owners were not contacted yet."
    results = [CriterionResult("unreachable", "Owners unreachable after the contact period", status, detail)]

    label = "No releases within the past twelve months"
    if not project_exists:
        results.append(CriterionResult("no-recent-release", label, Criterion.UNKNOWN, "The project is gone."))
    elif last_release is None:
        results.append(CriterionResult("no-recent-release", label, Criterion.MET, "No release at all."))
    elif last_release < now - YEAR:
        days = (now - last_release).days
        results.append(
            CriterionResult(
                "no-recent-release",
                label,
                Criterion.MET,
                f"Last release {_day(last_release)} ({days} days ago).",
            )
        )
    else:
        results.append(
            CriterionResult(
                "no-recent-release", label, Criterion.NOT_MET, f"Last release {_day(last_release)}."
            )
        )

    label = "No owner activity"
    recent = [(owner, what, when) for owner, what, when in owner_activity if when and when >= now - YEAR]
    if recent:
        detail = "; ".join(f"{owner} {what} {_day(when)}" for owner, what, when in recent)
        results.append(
            CriterionResult("no-owner-activity", label, Criterion.NOT_MET, f"Within a year: {detail}.")
        )
    elif home_pages:
        results.append(
            CriterionResult(
                "no-owner-activity",
                label,
                Criterion.UNKNOWN,
                "No owner activity on this index for a year; check the home page by hand: "
                + ", ".join(home_pages)
                + ".",
            )
        )
    else:
        results.append(
            CriterionResult(
                "no-owner-activity",
                label,
                Criterion.MET,
                "No owner login or project change on this index for a year, and no home page.",
            )
        )

    if kind == ClaimKind.SQUATTING:
        label = "No files published (nothing to install)"
        status = Criterion.NOT_MET if has_files else Criterion.MET
        detail = "The project has files." if has_files else "The project has no files."
        results.append(CriterionResult("no-files", label, status, detail))
    return results


def _iso(when: datetime | None) -> str | None:
    return when.isoformat() if when else None


def _days(now: datetime, when: datetime | None) -> int | None:
    return (now - when).days if when else None


def evidence_snapshot(*, claim: Claim, now: datetime) -> dict:
    """Everything the moderators check before deciding, as JSON-ready data (reads only)."""
    project = claim.project
    clock = ClaimClock.from_settings()
    data: dict = {"taken_at": now.isoformat(), "project_exists": project is not None}
    answers = list(
        OwnerResponse.objects.filter(claim=claim)
        .order_by("created", "id")
        .values_list("owner_name", "answer")
    )
    latest_answers = list(dict(answers).items())
    other_claims = Claim.objects.filter(normalized_name=claim.normalized_name).exclude(pk=claim.pk)
    data["other_open_claims"] = other_claims.filter(state__in=OPEN_STATES).count()
    data["past_claims"] = [
        {"id": pk, "state": state, "outcome": outcome}
        for pk, state, outcome in other_claims.exclude(state__in=OPEN_STATES).values_list(
            "pk", "state", "outcome"
        )
    ]
    data["contact"] = {
        "attempts_made": claim.contact_attempts_made,
        "attempts_planned": clock.attempts_for(claim.kind),
        "started_at": _iso(claim.contact_started_at),
        "closed_at": _iso(claim.contact_closed_at),
        "answers": [{"owner": owner, "answer": answer} for owner, answer in answers],
    }
    if project is None:
        data["criteria"] = [
            item.as_dict()
            for item in pep541_criteria(
                kind=claim.kind,
                project_exists=False,
                owner_count=0,
                last_release=None,
                has_files=False,
                owner_activity=[],
                home_pages=[],
                contact_closed=claim.contact_closed_at is not None,
                attempts_made=claim.contact_attempts_made,
                attempts_planned=clock.attempts_for(claim.kind),
                answers=latest_answers,
                now=now,
            )
        ]
        return data

    releases = Release.objects.filter(project=project)
    release_stats = releases.aggregate(count=Count("id"), last=Max("created"))
    file_stats = File.objects.filter(release__project=project).aggregate(
        count=Count("id"), last=Max("upload_time")
    )
    newest = releases.order_by("-created").only("version", "home_page", "project_urls").first()
    home_pages = []
    if newest is not None:
        home_pages = [url for url in [newest.home_page, *(url for _, url in newest.project_urls)] if url]
    last_journal = (
        JournalEntry.objects.filter(project=project).order_by("-id").values("submitted", "action").first()
    )

    roles = list(Role.objects.filter(project=project).select_related("user").order_by("user__username"))
    owners = [role.user for role in roles if role.role_name == RoleName.OWNER]
    verified = set(
        EmailAddress.objects.filter(user__in=owners, primary=True, verified=True).values_list(
            "user_id", flat=True
        )
    )
    owner_journal = dict(
        JournalEntry.objects.filter(project=project, actor__in=owners)
        .values("actor_id")
        .annotate(last=Max("submitted"))
        .values_list("actor_id", "last")
    )
    data.update(
        {
            "project_name": project.name,
            "project_created": _iso(project.created),
            "project_status": project.status,
            "releases": release_stats["count"],
            "files": file_stats["count"],
            "has_files": bool(file_stats["count"]),
            "last_release": _iso(release_stats["last"]),
            "last_release_version": newest.version if newest else "",
            "days_since_last_release": _days(now, release_stats["last"]),
            "last_upload": _iso(file_stats["last"]),
            "days_since_last_upload": _days(now, file_stats["last"]),
            "last_journal": _iso(last_journal["submitted"]) if last_journal else None,
            "last_journal_action": last_journal["action"] if last_journal else "",
            "days_since_journal": _days(now, last_journal["submitted"]) if last_journal else None,
            "home_pages": home_pages,
            "maintainers": [role.user.username for role in roles if role.role_name == RoleName.MAINTAINER],
            "owners": [
                {
                    "username": owner.username,
                    "email": owner.email,
                    "joined": _iso(owner.date_joined),
                    "last_login": _iso(owner.last_login),
                    "days_since_login": _days(now, owner.last_login),
                    "last_project_change": _iso(owner_journal.get(owner.pk)),
                    "verified_email": owner.pk in verified,
                    "two_factor": has_two_factor(owner),
                    "active": owner.is_active,
                }
                for owner in owners
            ],
        }
    )
    activity = [(owner.username, "logged in", owner.last_login) for owner in owners]
    activity += [(owner.username, "changed the project", owner_journal.get(owner.pk)) for owner in owners]
    data["criteria"] = [
        item.as_dict()
        for item in pep541_criteria(
            kind=claim.kind,
            project_exists=True,
            owner_count=len(owners),
            last_release=release_stats["last"],
            has_files=bool(file_stats["count"]),
            owner_activity=activity,
            home_pages=home_pages,
            contact_closed=claim.contact_closed_at is not None,
            attempts_made=claim.contact_attempts_made,
            attempts_planned=clock.attempts_for(claim.kind),
            answers=latest_answers,
            now=now,
        )
    ]
    return data


@transaction.atomic
def evidence_refresh(*, claim: Claim, now: datetime | None = None) -> ClaimEvidence:
    """Take and store a new evidence snapshot of `claim`. Writes one ClaimEvidence row, nothing else."""
    now = now or timezone.now()
    return ClaimEvidence.objects.create(
        claim=claim, taken_at=now, data=evidence_snapshot(claim=claim, now=now)
    )
