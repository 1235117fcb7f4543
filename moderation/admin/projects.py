"""Projects as the moderation queue sees them (proxy ModeratedProject): owners, their account age, releases,
open reports and risk, with the quarantine history, reports, risk signals and audit trail on each page."""

from django.contrib import admin
from django.db.models import Q
from django.utils.html import format_html, format_html_join

from moderation import selectors
from moderation.admin import filters
from moderation.admin.base import admin_link, age_text, audit_trail_html
from moderation.admin.queue import QueueAdmin, owners_html, risk_html, risk_with_reasons
from moderation.models import ModeratedProject, ModeratedUser
from registry.models import Project


@admin.register(ModeratedProject)
class ModeratedProjectAdmin(QueueAdmin):
    list_display = [
        "name",
        "status",
        "created",
        "owners",
        "owner_account_age",
        "releases",
        "open_reports_count",
        "risk_score_value",
    ]
    list_filter = [
        "status",
        filters.CreatedFilter,
        filters.OpenReportsFilter,
        filters.RiskFilter,
        filters.OwnerAgeFilter,
    ]
    search_fields = ["name", "normalized_name", "roles__user__username", "roles__user__email"]
    ordering = ["-created"]
    actions = [
        "quarantine_projects",
        "release_projects",
        "remove_projects",
        "prohibit_names",
        "freeze_owners",
    ]
    fields = [
        "name",
        "status",
        "created",
        "public_page",
        "owners_detail",
        "releases",
        "total_size",
        "quarantine",
        "reports",
        "risk",
        "audit",
    ]
    readonly_fields = fields

    def get_queryset(self, request):
        return selectors.moderated_projects()

    def get_search_results(self, request, queryset, search_term):
        # Searching across roles joins; a subquery keeps one row per project and the annotations intact.
        if not search_term:
            return queryset, False
        matches = Project.objects.filter(
            Q(normalized_name__icontains=search_term)
            | Q(name__icontains=search_term)
            | Q(roles__user__username__icontains=search_term)
            | Q(roles__user__email__icontains=search_term)
        ).values("pk")
        return queryset.filter(pk__in=matches), False

    def object_action_labels(self, project):
        return self.project_action_labels(project)

    def _projects(self, projects) -> list[Project]:
        return list(Project.objects.filter(pk__in=[project.pk for project in projects]))

    @admin.display(description="owners")
    def owners(self, project):
        return owners_html(project)

    @admin.display(description="owner's account age", ordering="owner_joined")
    def owner_account_age(self, project):
        return age_text(project.owner_joined)

    @admin.display(description="releases", ordering="release_count")
    def releases(self, project):
        return project.release_count

    @admin.display(description="open reports", ordering="open_reports")
    def open_reports_count(self, project):
        return project.open_reports

    @admin.display(description="risk score", ordering="risk_score")
    def risk_score_value(self, project):
        return risk_with_reasons(project.risk_score, project)

    @admin.display(description="public page")
    def public_page(self, project):
        return format_html(
            '<a href="/project/{}/">/project/{}/</a>', project.normalized_name, project.normalized_name
        )

    @admin.display(description="owners")
    def owners_detail(self, project):
        roles = getattr(project, "owner_roles", [])
        return (
            format_html_join(
                ", ",
                "{}",
                (
                    (admin_link(ModeratedUser(pk=role.user_id, username=role.user.username)),)
                    for role in roles
                ),
            )
            or "-"
        )

    @admin.display(description="quarantine history")
    def quarantine(self, project):
        rows = selectors.quarantine_history(project=project)
        if not rows:
            return "Never quarantined."
        return format_html_join(
            "",
            "<p>{} by {}: {}<br>{}</p>",
            (
                (
                    f"{row.created:%Y-%m-%d %H:%M}",
                    row.created_by.username if row.created_by else "risk scoring",
                    row.reason,
                    f"Released {row.released:%Y-%m-%d %H:%M} by "
                    f"{row.released_by.username if row.released_by else 'system'}: {row.release_reason}"
                    if row.released
                    else "Still quarantined.",
                )
                for row in rows
            ),
        )

    @admin.display(description="reports")
    def reports(self, project):
        rows = selectors.reports_on(project=project)
        if not rows:
            return "No report."
        return format_html_join(
            "",
            "<p>{} ({}, {}) — {}</p>",
            (
                (
                    admin_link(row),
                    row.get_state_display(),
                    row.reporter.username if row.reporter else "risk scoring",
                    row.description[:300],
                )
                for row in rows
            ),
        )

    @admin.display(description="risk")
    def risk(self, project):
        return risk_html(selectors.risk_assessment(project=project))

    @admin.display(description="audit trail")
    def audit(self, project):
        return audit_trail_html(project)

    @admin.action(description="Quarantine the selected projects", permissions=["quarantine"])
    def quarantine_projects(self, request, queryset):
        return self._quarantine(request, queryset)

    @admin.action(description="Release the selected projects from quarantine", permissions=["quarantine"])
    def release_projects(self, request, queryset):
        return self._release(request, queryset)

    @admin.action(description="Remove the selected projects", permissions=["remove"])
    def remove_projects(self, request, queryset):
        return self._remove(request, queryset)

    @admin.action(description="Prohibit the names of the selected projects", permissions=["prohibit"])
    def prohibit_names(self, request, queryset):
        return self._prohibit(request, queryset)

    @admin.action(description="Freeze the owners of the selected projects", permissions=["freeze"])
    def freeze_owners(self, request, queryset):
        return self._freeze_owners(request, queryset)
