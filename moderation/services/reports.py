"""Reports: users (with a verified email) and risk scoring report projects; moderators resolve or dismiss
them, and each reporter is emailed when their report is resolved."""

from collections import defaultdict
from collections.abc import Iterable

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.emails import send_templated_email
from accounts.exceptions import EmailNotVerified
from accounts.services import require_verified_email
from moderation.audit import audit_record
from moderation.enums import ReportReason, ReportState
from moderation.exceptions import ReportRateLimited, ReportRefused
from moderation.models import Report
from moderation.validators import clean_text
from registry.models import Project, Role
from registry.ratelimits import SlidingWindow, parse_rate

DESCRIPTION_MIN = 10
DESCRIPTION_MAX = 2000
VERIFY_TO_REPORT = "You must verify your primary email address before you can report a project."


def _report_limit() -> SlidingWindow:
    return SlidingWindow("report", parse_rate(settings.WHARF_REPORT_RATE))


def report_create(*, project: Project, reporter, reason: str, description: str) -> Report:
    """File `reporter`'s report on `project`.

    Refuses (ReportRefused, one sentence; nothing stored) an unverified reporter, an unknown reason, a
    description outside 10-2000 characters or with control characters, a project the reporter maintains,
    a project already hidden, and a second open report by the same reporter on the same project;
    ReportRateLimited past WHARF_REPORT_RATE (counted only for reports that were filed).
    """
    try:
        require_verified_email(reporter, reason=VERIFY_TO_REPORT)
    except EmailNotVerified as error:
        raise ReportRefused(error.reason) from None
    if reason not in ReportReason.values:
        raise ReportRefused("Choose one of the listed reasons for the report.")
    description = clean_text(
        description,
        what="The description",
        minimum=DESCRIPTION_MIN,
        maximum=DESCRIPTION_MAX,
        error=ReportRefused,
    )
    if not project.is_public:
        raise ReportRefused(f"Project '{project.name}' is already hidden by the moderators.")
    if Role.objects.filter(project=project, user=reporter).exists():
        raise ReportRefused(f"You cannot report project '{project.name}': you are one of its maintainers.")
    duplicate = ReportRefused(
        f"You already have an open report on project '{project.name}'; you will get an email when the "
        "moderators resolve it."
    )
    if Report.objects.filter(project=project, reporter=reporter, state=ReportState.OPEN).exists():
        raise duplicate
    limit = _report_limit()
    if not limit.allowed(str(reporter.pk)):
        raise ReportRateLimited(
            "You have sent too many reports recently; please try again later.",
            retry_after=limit.retry_after(str(reporter.pk)),
        )
    try:
        with transaction.atomic():
            report = Report.objects.create(
                project=project,
                project_name=project.name,
                reporter=reporter,
                reason=reason,
                description=description,
            )
    except IntegrityError:  # the same report, sent twice at once
        raise duplicate from None
    transaction.on_commit(lambda: limit.hit(str(reporter.pk)))
    return report


def report_open_automatic(*, project: Project, reason: str, description: str) -> Report | None:
    """Open risk scoring's report on `project`, unless one is already open (then None)."""
    if Report.objects.filter(project=project, reporter__isnull=True, state=ReportState.OPEN).exists():
        return None
    try:
        with transaction.atomic():
            return Report.objects.create(
                project=project,
                project_name=project.name,
                reporter=None,
                reason=reason,
                description=description,
            )
    except IntegrityError:
        return None


@transaction.atomic
def reports_dismiss(*, reports: Iterable[Report], actor, reason: str) -> list[Report]:
    """Dismiss the open ones among `reports` (nothing to act on); audited; their reporters are emailed.

    Returns the reports dismissed.
    """
    reason = clean_text(reason, what="The reason", minimum=1, maximum=DESCRIPTION_MAX)
    ids = [report.pk for report in reports]
    dismissed = list(
        Report.objects.select_for_update(of=("self",))
        .filter(pk__in=ids, state=ReportState.OPEN)
        .select_related("reporter")
    )
    if not dismissed:
        return []
    _close(dismissed, state=ReportState.DISMISSED, actor=actor, resolution=reason)
    audit_record(actor=actor, action="report dismissed", targets=dismissed, reason=reason)
    return dismissed


def reports_resolve_for(*, projects: Iterable[Project], actor, resolution: str) -> list[Report]:
    """Mark the open reports on `projects` as resolved by action (the caller audits); email the reporters."""
    ids = [project.pk for project in projects]
    reports = list(
        Report.objects.select_for_update(of=("self",))
        .filter(project_id__in=ids, state=ReportState.OPEN)
        .select_related("reporter")
    )
    if reports:
        _close(reports, state=ReportState.ACTION_TAKEN, actor=actor, resolution=resolution)
    return reports


def _close(reports: list[Report], *, state: str, actor, resolution: str) -> None:
    now = timezone.now()
    Report.objects.filter(pk__in=[report.pk for report in reports]).update(
        state=state, resolved=now, resolved_by=actor, resolution=resolution
    )
    by_reporter = defaultdict(list)
    for report in reports:
        report.state, report.resolved, report.resolved_by, report.resolution = state, now, actor, resolution
        if report.reporter is not None and report.reporter.email:
            by_reporter[report.reporter].append(report)
    for reporter, theirs in by_reporter.items():
        send_templated_email(
            to=[reporter.email],
            template="moderation/email/report_resolved",
            context={"user": reporter, "reports": theirs, "action_taken": state == ReportState.ACTION_TAKEN},
        )
