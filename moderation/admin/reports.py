"""The report queue: user and risk-scoring reports, filtered by state, reason, age, reports per project, risk
and the owner's account age; dismissed, or acted on through their projects."""

from django.contrib import admin
from django.utils.html import format_html

from moderation import selectors
from moderation.admin import filters
from moderation.admin.base import admin_link, age_text, audit_trail_html, confirm_action, done_message
from moderation.admin.queue import QueueAdmin, risk_with_reasons
from moderation.enums import ReportState
from moderation.models import ModeratedProject, Report
from moderation.services import reports_dismiss
from registry.models import Project


@admin.register(Report)
class ReportAdmin(QueueAdmin):
    list_display_links = ["number"]
    list_display = [
        "number",
        "project_link",
        "reason",
        "state",
        "filed_by",
        "age",
        "project_open_reports_count",
        "project_risk_score",
        "project_status",
    ]
    list_filter = [
        "state",
        "reason",
        filters.AutomaticFilter,
        filters.CreatedFilter,
        filters.ProjectReportsFilter,
        filters.ProjectRiskFilter,
        filters.OwnerAgeFilter,
    ]
    search_fields = ["project_name", "description", "reporter__username"]
    list_select_related = ["project", "reporter"]
    actions = [
        "dismiss",
        "quarantine_projects",
        "release_projects",
        "remove_projects",
        "prohibit_names",
        "freeze_owners",
    ]
    fields = [
        "project_link",
        "project_name",
        "reason",
        "description",
        "filed_by",
        "created",
        "state",
        "resolved",
        "resolved_by",
        "resolution",
        "project_status",
        "project_risk_score",
        "audit",
    ]
    readonly_fields = fields

    def get_queryset(self, request):
        return selectors.report_queue()

    def object_action_labels(self, report):
        labels = {"dismiss": "Dismiss this report"} if report.state == ReportState.OPEN else {}
        return {**labels, **self.project_action_labels(report.project)}

    def _projects(self, reports) -> list[Project]:
        return list(
            Project.objects.filter(pk__in=[report.project_id for report in reports if report.project_id])
        )

    @admin.display(description="report", ordering="pk")
    def number(self, report):
        return f"#{report.pk}"

    @admin.display(description="project", ordering="project_name")
    def project_link(self, report):
        if report.project_id is None:
            return format_html("{} <em>(removed)</em>", report.project_name)
        return admin_link(ModeratedProject(pk=report.project_id, name=report.project.name))

    @admin.display(description="filed by", ordering="reporter__username")
    def filed_by(self, report):
        return report.reporter.username if report.reporter_id else "risk scoring"

    @admin.display(description="age", ordering="created")
    def age(self, report):
        return age_text(report.created)

    @admin.display(description="open on project", ordering="project_open_reports")
    def project_open_reports_count(self, report):
        return report.project_open_reports

    @admin.display(description="risk score", ordering="project_risk")
    def project_risk_score(self, report):
        return risk_with_reasons(report.project_risk, report.project)

    @admin.display(description="project status")
    def project_status(self, report):
        return report.project.get_status_display() if report.project_id else "removed"

    @admin.display(description="audit trail")
    def audit(self, report):
        return audit_trail_html(report)

    @admin.action(description="Dismiss the selected reports", permissions=["dismiss"])
    def dismiss(self, request, queryset):
        return confirm_action(
            self,
            request,
            queryset.filter(state=ReportState.OPEN),
            action="dismiss",
            title="Dismiss reports",
            explanation="The reports are closed without action; their reporters are told by email.",
            perform=lambda objects, data: done_message(
                reports_dismiss(reports=objects, actor=request.user, reason=data["reason"]),
                "report",
                "dismissed",
            ),
        )

    @admin.action(description="Quarantine the reported projects", permissions=["quarantine"])
    def quarantine_projects(self, request, queryset):
        return self._quarantine(request, queryset)

    @admin.action(description="Release the reported projects from quarantine", permissions=["quarantine"])
    def release_projects(self, request, queryset):
        return self._release(request, queryset)

    @admin.action(description="Remove the reported projects", permissions=["remove"])
    def remove_projects(self, request, queryset):
        return self._remove(request, queryset)

    @admin.action(description="Prohibit the names of the reported projects", permissions=["prohibit"])
    def prohibit_names(self, request, queryset):
        return self._prohibit(request, queryset)

    @admin.action(description="Freeze the owners of the reported projects", permissions=["freeze"])
    def freeze_owners(self, request, queryset):
        return self._freeze_owners(request, queryset)
