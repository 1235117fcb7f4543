"""Accounts as the moderation queue sees them (proxy ModeratedUser): projects, open reports, risk, freezes;
frozen and unfrozen in bulk."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from accounts.models import User
from moderation import selectors
from moderation.admin import filters
from moderation.admin.base import admin_link, audit_trail_html, confirm_action
from moderation.admin.queue import FREEZE_EXPLANATION, QueueAdmin, bulk_message, risk_html
from moderation.enums import PendingActionKind
from moderation.models import ModeratedProject, ModeratedUser
from moderation.services import bulk_action, users_reset_two_factor, users_unfreeze
from registry.models import Project


@admin.register(ModeratedUser)
class ModeratedUserAdmin(QueueAdmin):
    list_display = [
        "username",
        "email",
        "date_joined",
        "is_active",
        "is_frozen",
        "projects",
        "open_reports_count",
        "risk_score_value",
    ]
    list_filter = [
        filters.FrozenFilter,
        "is_active",
        filters.JoinedFilter,
        filters.ProjectCountFilter,
        filters.OpenReportsFilter,
        filters.RiskFilter,
    ]
    search_fields = ["username", "email"]
    ordering = ["-date_joined"]
    actions = ["freeze", "unfreeze", "reset_two_factor"]
    fields = [
        "username",
        "email",
        "date_joined",
        "last_login",
        "is_active",
        "is_staff",
        "projects_detail",
        "freezes",
        "risk",
        "security_log",
        "audit",
    ]
    readonly_fields = fields

    def get_queryset(self, request):
        return selectors.moderated_users()

    @admin.display(description="frozen", boolean=True, ordering="frozen")
    def is_frozen(self, user):
        return user.frozen

    @admin.display(description="projects", ordering="project_count")
    def projects(self, user):
        if not user.project_count:
            return 0
        url = reverse("admin:moderation_moderatedproject_changelist") + f"?q={user.username}"
        return format_html('<a href="{}">{}</a>', url, user.project_count)

    @admin.display(description="open reports", ordering="open_reports")
    def open_reports_count(self, user):
        return user.open_reports

    @admin.display(description="risk score", ordering="risk_score")
    def risk_score_value(self, user):
        return user.risk_score

    @admin.display(description="projects")
    def projects_detail(self, user):
        projects = Project.objects.filter(roles__user=user).order_by("normalized_name")
        return (
            format_html_join(
                ", ",
                "{} ({})",
                (
                    (admin_link(ModeratedProject(pk=p.pk, name=p.name)), p.get_status_display())
                    for p in projects
                ),
            )
            or "None."
        )

    @admin.display(description="freezes")
    def freezes(self, user):
        rows = selectors.freeze_history(user=user)
        if not rows:
            return "Never frozen."
        return format_html_join(
            "",
            "<p>{} by {}: {}<br>{}</p>",
            (
                (
                    f"{row.created:%Y-%m-%d %H:%M}",
                    row.created_by.username if row.created_by else "system",
                    row.reason,
                    f"Lifted {row.lifted:%Y-%m-%d %H:%M} by "
                    f"{row.lifted_by.username if row.lifted_by else 'system'}: {row.lift_reason}"
                    if row.lifted
                    else "Still frozen.",
                )
                for row in rows
            ),
        )

    @admin.display(description="risk")
    def risk(self, user):
        return risk_html(selectors.risk_assessment(user=user))

    @admin.display(description="security log")
    def security_log(self, user):
        events = user.security_events.all()[:20]
        return (
            format_html_join(
                "",
                "<p>{} {} {}</p>",
                ((f"{e.created:%Y-%m-%d %H:%M}", e.get_kind_display(), e.detail) for e in events),
            )
            or "Empty."
        )

    @admin.display(description="audit trail")
    def audit(self, user):
        return audit_trail_html(user)

    def _users(self, objects) -> list[User]:
        return list(User.objects.filter(pk__in=[obj.pk for obj in objects]))

    @admin.action(description="Freeze the selected accounts", permissions=["freeze"])
    def freeze(self, request, queryset):
        def perform(objects, data):
            outcome = bulk_action(
                kind=PendingActionKind.FREEZE_USERS,
                objects=self._users(objects),
                actor=request.user,
                reason=data["reason"],
            )
            return bulk_message(outcome, done="{count} account(s) frozen.")

        return confirm_action(
            self,
            request,
            queryset,
            action="freeze",
            title="Freeze accounts",
            destructive=True,
            acts_on=self._users,
            perform=perform,
            explanation=FREEZE_EXPLANATION,
        )

    @admin.action(description="Unfreeze the selected accounts", permissions=["freeze"])
    def unfreeze(self, request, queryset):
        return confirm_action(
            self,
            request,
            queryset,
            action="unfreeze",
            title="Unfreeze accounts",
            explanation=(
                "The accounts can log in again (as they could before the freeze) and the projects their "
                "freeze quarantined are released. Revoked API tokens stay revoked. They are emailed."
            ),
            perform=lambda objects, data: "{} account(s) unfrozen.".format(
                len(users_unfreeze(users=self._users(objects), actor=request.user, reason=data["reason"]))
            ),
        )

    # Moderators who may freeze an account may also give it back to its owner after a lost device.
    @admin.action(description="Reset two-factor authentication (lost device)", permissions=["freeze"])
    def reset_two_factor(self, request, queryset):
        return confirm_action(
            self,
            request,
            queryset,
            action="reset_two_factor",
            title="Reset two-factor authentication",
            explanation=(
                "Every two-factor method of the accounts (authenticator apps, security keys, recovery codes) "
                "is removed, so their owners can log in with the password alone and set it up again. Do it "
                "only after checking who asks (the help page's lost-device case). The users are emailed."
            ),
            perform=lambda objects, data: "Two-factor authentication reset for {} account(s).".format(
                len(
                    users_reset_two_factor(
                        users=self._users(objects), actor=request.user, reason=data["reason"]
                    )
                )
            ),
        )
