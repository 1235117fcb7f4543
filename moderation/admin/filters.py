"""List filters of the moderation queue: age, number of reports, risk score, the owner's account age.

They filter on the annotations of `moderation.selectors` (no extra query), with bands chosen for spam waves:
new things, several reports, scores at or above the thresholds.
"""

from datetime import timedelta

from django.conf import settings
from django.contrib import admin
from django.utils import timezone

AGE_BANDS = {
    "1d": ("Last 24 hours", timedelta(days=1)),
    "7d": ("Last 7 days", timedelta(days=7)),
    "30d": ("Last 30 days", timedelta(days=30)),
}


class _AgeFilter(admin.SimpleListFilter):
    """Rows whose `field` lies within a band, or is older than 30 days."""

    field = ""

    def lookups(self, request, model_admin):
        return [*((key, label) for key, (label, _) in AGE_BANDS.items()), ("older", "Older than 30 days")]

    def queryset(self, request, queryset):
        value = self.value()
        if value in AGE_BANDS:
            return queryset.filter(**{f"{self.field}__gte": timezone.now() - AGE_BANDS[value][1]})
        if value == "older":
            return queryset.filter(**{f"{self.field}__lt": timezone.now() - timedelta(days=30)})
        return queryset


class CreatedFilter(_AgeFilter):
    title = "age"
    parameter_name = "age"
    field = "created"


class JoinedFilter(_AgeFilter):
    title = "account age"
    parameter_name = "joined"
    field = "date_joined"


class OwnerAgeFilter(_AgeFilter):
    title = "owner's account age"
    parameter_name = "owner_age"
    field = "owner_joined"


class _CountFilter(admin.SimpleListFilter):
    field = ""
    bands = [("0", "None", 0, 0), ("1", "1", 1, 1), ("2-4", "2 to 4", 2, 4), ("5+", "5 or more", 5, None)]

    def lookups(self, request, model_admin):
        return [(key, label) for key, label, _, _ in self.bands]

    def queryset(self, request, queryset):
        for key, _, low, high in self.bands:
            if self.value() == key:
                queryset = queryset.filter(**{f"{self.field}__gte": low})
                return queryset.filter(**{f"{self.field}__lte": high}) if high is not None else queryset
        return queryset


class OpenReportsFilter(_CountFilter):
    title = "open reports"
    parameter_name = "reports"
    field = "open_reports"


class ProjectReportsFilter(_CountFilter):
    title = "open reports on the project"
    parameter_name = "project_reports"
    field = "project_open_reports"


class ProjectCountFilter(_CountFilter):
    title = "projects"
    parameter_name = "projects"
    field = "project_count"
    bands = [
        ("0", "None", 0, 0),
        ("1-4", "1 to 4", 1, 4),
        ("5-19", "5 to 19", 5, 19),
        ("20+", "20 or more", 20, None),
    ]


class RiskFilter(admin.SimpleListFilter):
    """Risk score bands relative to the thresholds in settings."""

    title = "risk score"
    parameter_name = "risk"
    field = "risk_score"

    def lookups(self, request, model_admin):
        report = settings.WHARF_RISK_REPORT_THRESHOLD
        quarantine = settings.WHARF_RISK_QUARANTINE_THRESHOLD
        return [
            ("none", "0 (no signal)"),
            ("low", f"1 to {report - 1}"),
            ("report", f"{report} or more (reported)"),
            ("quarantine", f"{quarantine} or more"),
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "none":
            return queryset.filter(**{self.field: 0})
        if value == "low":
            return queryset.filter(
                **{f"{self.field}__gte": 1, f"{self.field}__lt": settings.WHARF_RISK_REPORT_THRESHOLD}
            )
        if value == "report":
            return queryset.filter(**{f"{self.field}__gte": settings.WHARF_RISK_REPORT_THRESHOLD})
        if value == "quarantine":
            return queryset.filter(**{f"{self.field}__gte": settings.WHARF_RISK_QUARANTINE_THRESHOLD})
        return queryset


class ProjectRiskFilter(RiskFilter):
    title = "project's risk score"
    parameter_name = "project_risk"
    field = "project_risk"


class AutomaticFilter(admin.SimpleListFilter):
    title = "filed by"
    parameter_name = "by"

    def lookups(self, request, model_admin):
        return [("user", "A user"), ("scoring", "Risk scoring")]

    def queryset(self, request, queryset):
        if self.value() == "user":
            return queryset.filter(reporter__isnull=False)
        if self.value() == "scoring":
            return queryset.filter(reporter__isnull=True)
        return queryset


class FrozenFilter(admin.SimpleListFilter):
    title = "frozen"
    parameter_name = "frozen"

    def lookups(self, request, model_admin):
        return [("yes", "Frozen"), ("no", "Not frozen")]

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return queryset.filter(frozen=self.value() == "yes")
        return queryset
