"""Risk scoring of new accounts and projects (Celery tasks call these after sign-up and project creation).

Each signal found is stored as a RiskSignal with its reason and weight; the score is their sum. A project
scoring WHARF_RISK_REPORT_THRESHOLD or more gets an automatic report for the moderators; one scoring
WHARF_RISK_QUARANTINE_THRESHOLD or more is quarantined at once when WHARF_RISK_AUTO_QUARANTINE is on (the
report stays open, so a moderator still reviews it). Accounts are scored and shown in the queue, but have
no automatic action: an account does harm through its projects, which are scored in turn.

"Popular project" (for the name signal): the WHARF_RISK_POPULAR_PROJECTS public projects with the most
releases, ties to the oldest; the index counts no downloads, and a project many releases old is one people
rely on. The list is cached for an hour.
"""

import logging

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from accounts.models import User
from moderation import policy, risk_signals
from moderation.enums import ReportReason
from moderation.enums import RiskSignalKind as Kind
from moderation.models import RiskAssessment, RiskSignal, SpamDomain
from moderation.services.actions import projects_quarantine
from moderation.services.reports import report_open_automatic
from registry import storage
from registry.models import File, Project, Release
from registry.selectors import public_projects

logger = logging.getLogger(__name__)

POPULAR_CACHE_KEY = "moderation:popular-projects:v1"
POPULAR_CACHE_SECONDS = 3600


def _email_signals(email: str) -> list[risk_signals.Signal]:
    domain = risk_signals.email_domain(email or "")
    if not domain:
        return []
    if policy.email_domain_prohibited(email):
        return [
            risk_signals.Signal(
                Kind.PROHIBITED_EMAIL_DOMAIN, f"The email domain {domain} is on the prohibited list."
            )
        ]
    if risk_signals.is_disposable(domain):
        return [risk_signals.Signal(Kind.DISPOSABLE_EMAIL_DOMAIN, f"{domain} is a disposable email domain.")]
    return []


def _save(assessment: RiskAssessment, signals: list[risk_signals.Signal]) -> RiskAssessment:
    """Store the score and the signals: an INSERT for a new assessment, an UPDATE for a re-run (a task retry),
    whose old signals the new ones replace."""
    assessment.score = sum(signal.weight for signal in signals)
    assessment.evaluated = timezone.now()
    if assessment._state.adding:
        assessment.save(force_insert=True)
    else:
        assessment.save()
        assessment.signals.all().delete()
    RiskSignal.objects.bulk_create(
        RiskSignal(assessment=assessment, kind=signal.kind, weight=signal.weight, reason=signal.reason)
        for signal in signals
    )
    return assessment


# --- accounts ----------------------------------------------------------------------------------------------


@transaction.atomic
def account_score(*, user_id: int, ip_address: str | None = None) -> RiskAssessment | None:
    """Score a new account: its email domain, and sign-ups from the same IP address within the hour.

    Returns the assessment (None when the account no longer exists).
    """
    user = User.objects.filter(pk=user_id).first()
    if user is None:
        return None
    assessment, _ = RiskAssessment.objects.get_or_create(
        user=user, defaults={"ip_address": ip_address, "created": user.date_joined}
    )
    signals = _email_signals(user.email)
    if ip_address:
        since = user.date_joined - risk_signals.BURST_WINDOW
        others = (
            RiskAssessment.objects.filter(user__isnull=False, ip_address=ip_address, created__gte=since)
            .exclude(pk=assessment.pk)
            .count()
        )
        if others + 1 >= risk_signals.SIGNUP_BURST_PER_IP:
            signals.append(
                risk_signals.Signal(
                    Kind.SIGNUP_BURST_IP, f"{others + 1} accounts signed up from {ip_address} within an hour."
                )
            )
    return _save(assessment, signals)


# --- projects ----------------------------------------------------------------------------------------------


def popular_projects() -> list[tuple[str, str]]:
    """(normalized name, name) of the popular projects (see the module docstring); cached."""
    popular = cache.get(POPULAR_CACHE_KEY)
    if popular is None:
        popular = list(
            public_projects()
            .annotate(release_count=Count("releases"))
            .filter(release_count__gt=0)
            .order_by("-release_count", "created")
            .values_list("normalized_name", "name")[: settings.WHARF_RISK_POPULAR_PROJECTS]
        )
        cache.set(POPULAR_CACHE_KEY, popular, POPULAR_CACHE_SECONDS)
    return popular


def _archive_signal(project: Project) -> list[risk_signals.Signal]:
    file = File.objects.filter(release__project=project).order_by("upload_time", "pk").first()
    if file is None:
        return [risk_signals.Signal(Kind.NEAR_EMPTY_ARCHIVE, "The project has no file.")]
    try:
        with storage.open_stored(file.path) as handle:
            count, size = risk_signals.archive_payload(handle, filename=file.filename)
    except (OSError, ValueError) as error:
        logger.warning("risk scoring could not read %s: %s", file.path, error)
        return []
    if size < risk_signals.NEAR_EMPTY_BYTES:
        return [
            risk_signals.Signal(
                Kind.NEAR_EMPTY_ARCHIVE,
                f"{file.filename} holds {count} file(s) and {size} bytes besides its packaging metadata.",
            )
        ]
    return []


def _readme_signals(description: str) -> list[risk_signals.Signal]:
    signals = []
    # Only the domains the README links to (and their parents) can match: no links, no query.
    candidates = risk_signals.link_domains(description)
    spam_domains = (
        set(SpamDomain.objects.filter(domain__in=candidates).values_list("domain", flat=True))
        if candidates
        else set()
    )
    hosts = risk_signals.spam_links(description, spam_domains) if spam_domains else []
    if hosts:
        signals.append(
            risk_signals.Signal(
                Kind.README_SPAM_DOMAIN, f"The README links to listed spam domains: {', '.join(hosts)}."
            )
        )
    mostly, count, share = risk_signals.mostly_links(description)
    if mostly:
        signals.append(
            risk_signals.Signal(Kind.README_MOSTLY_LINKS, f"The README is {share:.0%} links ({count} links).")
        )
    return signals


def _burst_signals(
    project: Project, owner: User | None, assessment: RiskAssessment
) -> list[risk_signals.Signal]:
    signals = []
    since = project.created - risk_signals.BURST_WINDOW
    if owner is not None:
        by_owner = Project.objects.filter(
            roles__user=owner, created__gte=since, created__lte=project.created
        ).count()
        if by_owner >= risk_signals.PROJECT_BURST_PER_USER:
            signals.append(
                risk_signals.Signal(
                    Kind.PROJECT_BURST_USER, f"{owner.username} created {by_owner} projects within an hour."
                )
            )
    if assessment.ip_address:
        # The others, plus this project's own assessment (which may not be stored yet).
        by_ip = 1 + (
            RiskAssessment.objects.filter(
                project__isnull=False,
                ip_address=assessment.ip_address,
                created__gte=since,
                created__lte=project.created,
            )
            .exclude(project=project)
            .count()
        )
        if by_ip >= risk_signals.PROJECT_BURST_PER_IP:
            signals.append(
                risk_signals.Signal(
                    Kind.PROJECT_BURST_IP,
                    f"{by_ip} projects were created from {assessment.ip_address} within an hour.",
                )
            )
    return signals


def _shared_description_signal(project: Project, assessment: RiskAssessment) -> list[risk_signals.Signal]:
    if not assessment.description_digest:
        return []
    others = RiskAssessment.objects.filter(
        project__isnull=False,
        description_digest=assessment.description_digest,
        created__gte=project.created - risk_signals.SHARED_DESCRIPTION_WINDOW,
    ).exclude(project=project)
    count = others.count()
    if count < risk_signals.SHARED_DESCRIPTION_OTHERS:
        return []
    examples = ", ".join(others.order_by("-created").values_list("project__name", flat=True)[:3])
    return [
        risk_signals.Signal(
            Kind.SHARED_DESCRIPTION,
            f"The README is the same as that of {count} other new projects, e.g. {examples}.",
        )
    ]


def _name_signal(project: Project, owner: User | None) -> list[risk_signals.Signal]:
    popular = popular_projects()
    imitated = risk_signals.close_to(project.normalized_name, popular)
    if imitated is not None and owner is not None:
        # The owner's own projects do not count: asked only when a name is close (rarely).
        own = set(Project.objects.filter(roles__user=owner).values_list("normalized_name", flat=True))
        popular = [entry for entry in popular if entry[0] not in own]
        imitated = risk_signals.close_to(project.normalized_name, popular)
    if imitated is None:
        return []
    return [
        risk_signals.Signal(
            Kind.NAME_CLOSE_TO_POPULAR,
            f"The name '{project.name}' is close to the popular project '{imitated}'.",
        )
    ]


@transaction.atomic
def project_score(*, project_id: int, user_id: int | None = None, ip_address: str | None = None):
    """Score a new project created by `user_id` from `ip_address` and act on the thresholds.

    Returns the assessment (None when the project no longer exists).
    """
    project = Project.objects.filter(pk=project_id).first()
    if project is None:
        return None
    owner = User.objects.filter(pk=user_id).first() if user_id else None
    release = Release.objects.filter(project=project).order_by("created", "pk").only("description").first()
    description = release.description if release else ""
    # Stored once, with its score (`_save`); a re-run (task retry) updates the one it finds.
    assessment = RiskAssessment.objects.filter(project=project).first() or RiskAssessment(
        project=project, ip_address=ip_address, created=project.created
    )
    assessment.description_digest = risk_signals.description_digest(description)
    signals = [
        *(_email_signals(owner.email) if owner else []),
        *_burst_signals(project, owner, assessment),
        *_archive_signal(project),
        *_readme_signals(description),
        *_shared_description_signal(project, assessment),
        *_name_signal(project, owner),
    ]
    _save(assessment, signals)
    _act(project, assessment, signals)
    return assessment


def _act(project: Project, assessment: RiskAssessment, signals: list[risk_signals.Signal]) -> None:
    if assessment.score < settings.WHARF_RISK_REPORT_THRESHOLD:
        return
    strongest = max(signals, key=lambda signal: signal.weight)
    reason = ReportReason.TYPOSQUATTING if strongest.kind == Kind.NAME_CLOSE_TO_POPULAR else ReportReason.SPAM
    summary = f"Risk score {assessment.score}: " + " ".join(
        f"{signal.reason} (+{signal.weight})" for signal in signals
    )
    report_open_automatic(project=project, reason=reason, description=summary)
    if settings.WHARF_RISK_AUTO_QUARANTINE and assessment.score >= settings.WHARF_RISK_QUARANTINE_THRESHOLD:
        projects_quarantine(
            projects=[project],
            actor=None,
            reason=f"Quarantined automatically for review: {summary}",
            resolve_reports=False,
        )
