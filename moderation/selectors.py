"""Reads of moderation: the queue's annotated querysets (one query per changelist page, whatever it lists),
the status page's flags and the admin dashboard's numbers."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Count, Exists, IntegerField, OuterRef, Prefetch, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from accounts.models import User
from moderation.enums import PendingActionState, ReportReason, ReportState
from moderation.models import (
    AccountFreeze,
    AdminFlag,
    ModeratedProject,
    ModeratedUser,
    PendingAction,
    Quarantine,
    Report,
    RiskAssessment,
)
from registry.enums import ProjectStatus, RoleName
from registry.models import File, Project, Release, Role


def _count(queryset: QuerySet, group_by: str):
    """A correlated COUNT(*) subquery (0 when nothing matches), so several counts never multiply rows."""
    counted = queryset.order_by().values(group_by).annotate(total=Count("*")).values("total")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def active_flag_list() -> list[AdminFlag]:
    """The admin flags that are on, with their messages and since when (the status page)."""
    return list(AdminFlag.objects.filter(enabled=True).order_by("updated"))


# --- the queue ---------------------------------------------------------------------------------------------


def _owner_roles() -> Prefetch:
    return Prefetch(
        "roles",
        queryset=Role.objects.filter(role_name=RoleName.OWNER)
        .select_related("user")
        .order_by("user__username"),
        to_attr="owner_roles",
    )


def moderated_projects() -> QuerySet[ModeratedProject]:
    """Projects with `open_reports`, `risk_score`, `release_count`, `owner_joined` (the oldest Owner
    account's sign-up) and `owner_roles` (prefetched)."""
    return ModeratedProject.objects.annotate(
        open_reports=_count(Report.objects.filter(project=OuterRef("pk"), state=ReportState.OPEN), "project"),
        risk_score=Coalesce(
            Subquery(RiskAssessment.objects.filter(project=OuterRef("pk")).values("score")[:1]), Value(0)
        ),
        release_count=_count(Release.objects.filter(project=OuterRef("pk")), "project"),
        owner_joined=Subquery(
            User.objects.filter(roles__project=OuterRef("pk"), roles__role_name=RoleName.OWNER)
            .order_by("date_joined")
            .values("date_joined")[:1]
        ),
    ).prefetch_related(_owner_roles())


def moderated_users() -> QuerySet[ModeratedUser]:
    """Accounts with `project_count`, `open_reports` (on projects they hold a role on), `risk_score` and
    `frozen`."""
    return ModeratedUser.objects.annotate(
        project_count=_count(Role.objects.filter(user=OuterRef("pk")), "user"),
        # One role per user and project, so the join counts each report once.
        open_reports=_count(
            Report.objects.filter(state=ReportState.OPEN, project__roles__user=OuterRef("pk")), "state"
        ),
        risk_score=Coalesce(
            Subquery(RiskAssessment.objects.filter(user=OuterRef("pk")).values("score")[:1]), Value(0)
        ),
        frozen=Exists(AccountFreeze.objects.filter(user=OuterRef("pk"), lifted__isnull=True)),
    )


def report_queue() -> QuerySet[Report]:
    """Reports with their project and people, `project_open_reports`, `project_risk` and `owner_joined`."""
    return Report.objects.select_related("project", "reporter", "resolved_by").annotate(
        project_open_reports=_count(
            Report.objects.filter(project=OuterRef("project"), state=ReportState.OPEN), "project"
        ),
        project_risk=Coalesce(
            Subquery(RiskAssessment.objects.filter(project=OuterRef("project")).values("score")[:1]), Value(0)
        ),
        owner_joined=Subquery(
            User.objects.filter(roles__project=OuterRef("project"), roles__role_name=RoleName.OWNER)
            .order_by("date_joined")
            .values("date_joined")[:1]
        ),
    )


def current_quarantine(*, project: Project) -> Quarantine | None:
    """The quarantine in force on `project`, with who decided it, or None."""
    return (
        Quarantine.objects.filter(project=project, released__isnull=True).select_related("created_by").first()
    )


def current_freeze(*, user: User) -> AccountFreeze | None:
    """The freeze in force on `user`, with who decided it, or None."""
    return AccountFreeze.objects.filter(user=user, lifted__isnull=True).select_related("created_by").first()


def quarantine_history(*, project: Project) -> list[Quarantine]:
    return list(
        Quarantine.objects.filter(project=project).select_related("created_by", "released_by", "freeze__user")
    )


def freeze_history(*, user: User) -> list[AccountFreeze]:
    return list(AccountFreeze.objects.filter(user=user).select_related("created_by", "lifted_by"))


def reports_on(*, project: Project) -> list[Report]:
    return list(Report.objects.filter(project=project).select_related("reporter"))


def risk_assessment(**subject) -> RiskAssessment | None:
    """The assessment of `project=` or `user=`, with its signals."""
    return RiskAssessment.objects.filter(**subject).prefetch_related("signals").first()


# --- the admin dashboard -----------------------------------------------------------------------------------

DASHBOARD_DAYS = 30


@dataclass(frozen=True)
class Series:
    label: str
    color: str
    values: list[int]


@dataclass(frozen=True)
class Dashboard:
    open_reports: list[tuple[str, int]]  # (reason label, count), every reason
    open_reports_total: int
    quarantined: int
    frozen: int
    pending_approvals: int
    new_accounts: int
    new_projects: int
    days: list[date]
    series: list[Series]


def _per_day(queryset: QuerySet, field: str, since: datetime, days: list[date]) -> list[int]:
    counts = dict(
        queryset.filter(**{f"{field}__gte": since})
        .annotate(day=TruncDate(field))
        .order_by()
        .values("day")
        .annotate(total=Count("*"))
        .values_list("day", "total")
    )
    return [counts.get(day, 0) for day in days]


def dashboard(*, now: datetime | None = None) -> Dashboard:
    """The numbers of the admin home page: open reports by reason, quarantined projects, frozen accounts,
    requests waiting for approval, new accounts and projects in the last 24 hours, and uploads, new projects
    and reports per day for 30 days (UTC days). A constant 10 queries."""
    now = now or timezone.now()
    day_ago = now - timedelta(hours=24)
    today = now.date()
    days = [today - timedelta(days=offset) for offset in range(DASHBOARD_DAYS - 1, -1, -1)]
    since = datetime.combine(days[0], datetime.min.time(), tzinfo=now.tzinfo)
    by_reason = dict(
        Report.objects.filter(state=ReportState.OPEN)
        .order_by()
        .values("reason")
        .annotate(total=Count("*"))
        .values_list("reason", "total")
    )
    return Dashboard(
        open_reports=[(label, by_reason.get(value, 0)) for value, label in ReportReason.choices],
        open_reports_total=sum(by_reason.values()),
        quarantined=Project.objects.filter(status=ProjectStatus.QUARANTINED).count(),
        frozen=AccountFreeze.objects.filter(lifted__isnull=True).count(),
        pending_approvals=PendingAction.objects.filter(state=PendingActionState.PENDING).count(),
        new_accounts=User.objects.filter(date_joined__gte=day_ago).count(),
        new_projects=Project.objects.filter(created__gte=day_ago).count(),
        days=days,
        series=[
            Series("Files uploaded", "#0b5394", _per_day(File.objects.all(), "upload_time", since, days)),
            Series("New projects", "#38761d", _per_day(Project.objects.all(), "created", since, days)),
            Series("Reports", "#b45f06", _per_day(Report.objects.all(), "created", since, days)),
        ],
    )
