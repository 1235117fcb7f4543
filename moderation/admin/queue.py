"""What the queue's admins share: read-only pages without bulk delete, the permission checks of the actions,
and the actions on projects that both the report and the project admins offer (each asks for a reason on a
confirmation page and calls one service from `moderation.services`)."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from moderation.admin.base import confirm_action, counted, done_message, object_actions
from moderation.enums import PendingActionKind
from moderation.forms import RemoveReasonForm
from moderation.services import bulk_action, names_prohibit, owners_of, projects_quarantine, projects_release
from registry.enums import ProjectStatus
from registry.models import Project


def bulk_message(outcome, *, done: str, noun: str) -> str:
    """The message of a bulk action: what was done ("{count}" is "3 projects"), or the request it became."""
    if outcome.pending is not None:
        return (
            f"{counted(len(outcome.pending.object_ids), noun)} are more than one moderator may act on alone: "
            f"request {outcome.pending.pk} now waits for a second moderator's approval (Pending actions)."
        )
    return done.format(count=counted(len(outcome.done), noun))


class QueueAdmin(admin.ModelAdmin):
    """Read-only pages; changes go through the actions, from the list or from an object's own page. The
    default bulk delete is gone."""

    list_per_page = 100
    list_max_show_all = 2000
    change_form_template = "admin/moderation/queue_change_form.html"

    def object_action_labels(self, obj) -> dict[str, str]:
        """{action name: button label} of the actions that apply to `obj` now (its page shows them)."""
        return {}

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        if obj is not None:
            opts = self.opts
            extra_context = {
                **(extra_context or {}),
                "object_actions": object_actions(self, request, self.object_action_labels(obj)),
                "changelist_url": reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"),
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            }
        return super().change_view(request, object_id, form_url, extra_context)

    def project_action_labels(self, project) -> dict[str, str]:
        """The actions on one project, as they apply to its state (shared by reports and projects)."""
        if project is None:
            return {}
        quarantined = project.status == ProjectStatus.QUARANTINED
        return {
            "release_projects" if quarantined else "quarantine_projects": (
                f"Release {project.name} from quarantine" if quarantined else f"Quarantine {project.name}"
            ),
            "remove_projects": f"Remove {project.name}",
            "prohibit_names": f"Prohibit the name {project.name}",
            "freeze_owners": f"Freeze the owners of {project.name}",
        }

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def _perm(self, request, codename: str) -> bool:
        return request.user.has_perm(f"moderation.{codename}")

    def has_quarantine_permission(self, request):
        return self._perm(request, "quarantine_project")

    def has_remove_permission(self, request):
        return self._perm(request, "remove_project")

    def has_freeze_permission(self, request):
        return self._perm(request, "freeze_user")

    def has_dismiss_permission(self, request):
        return self._perm(request, "dismiss_report")

    def has_prohibit_permission(self, request):
        return self._perm(request, "add_prohibitedprojectname")

    # --- the actions on projects, shared by the project and report admins ---------------------------------

    def _projects(self, queryset) -> list[Project]:
        raise NotImplementedError

    def _quarantine(self, request, queryset):
        return confirm_action(
            self,
            request,
            queryset,
            action="quarantine_projects",
            title="Quarantine projects",
            explanation=(
                "The projects disappear from the Simple, JSON and XML-RPC APIs, search and the web pages; "
                "their files are no longer served and nobody, not even their owners, can upload to them. "
                "Nothing is deleted; releasing them restores everything. Open reports on them are marked "
                "resolved. The reason is shown to the owners on their manage page and in their email."
            ),
            perform=lambda objects, data: done_message(
                projects_quarantine(
                    projects=self._projects(objects), actor=request.user, reason=data["reason"]
                ),
                "project",
                "quarantined",
            ),
        )

    def _release(self, request, queryset):
        return confirm_action(
            self,
            request,
            queryset,
            action="release_projects",
            title="Release projects from quarantine",
            explanation=(
                "The projects become public again and accept uploads; the owners are emailed the reason."
            ),
            perform=lambda objects, data: done_message(
                projects_release(projects=self._projects(objects), actor=request.user, reason=data["reason"]),
                "project",
                "released from quarantine",
            ),
        )

    def _remove(self, request, queryset):
        def perform(objects, data):
            outcome = bulk_action(
                kind=PendingActionKind.REMOVE_PROJECTS,
                objects=self._projects(objects),
                actor=request.user,
                reason=data["reason"],
                options={"prohibit_names": data["prohibit_names"]},
            )
            return bulk_message(outcome, done="{count} removed; their filenames stay used.", noun="project")

        return confirm_action(
            self,
            request,
            queryset,
            action="remove_projects",
            title="Remove projects",
            destructive=True,
            acts_on=self._projects,
            form_class=RemoveReasonForm,
            perform=perform,
            explanation=(
                "The projects are deleted with all their releases and files, for good: the files leave "
                "storage, the filenames can never be used again, and mirrors see a 'remove project' journal "
                "entry. Owners are emailed the reason. Quarantine instead if you may need to undo this."
            ),
        )

    def _prohibit(self, request, queryset):
        return confirm_action(
            self,
            request,
            queryset,
            action="prohibit_names",
            title="Prohibit the names",
            explanation=(
                "The projects' names go on the prohibited list: no new project can take them. The projects "
                "themselves are kept; quarantine or remove them separately."
            ),
            perform=lambda objects, data: done_message(
                names_prohibit(
                    names=[p.name for p in self._projects(objects)], actor=request.user, reason=data["reason"]
                ),
                "name",
                "prohibited",
            ),
        )

    def _freeze_owners(self, request, queryset):
        def perform(objects, data):
            owners = owners_of(self._projects(objects))
            outcome = bulk_action(
                kind=PendingActionKind.FREEZE_USERS, objects=owners, actor=request.user, reason=data["reason"]
            )
            return bulk_message(outcome, done="{count} frozen.", noun="account")

        return confirm_action(
            self,
            request,
            queryset,
            action="freeze_owners",
            title="Freeze the owners",
            destructive=True,
            acts_on=lambda objects: owners_of(self._projects(objects)),
            perform=perform,
            explanation=FREEZE_EXPLANATION,
        )


FREEZE_EXPLANATION = (
    "The accounts can no longer log in or upload: their API tokens are revoked (for good), their sessions "
    "end, and every project they hold a role on is quarantined. They are emailed the reason. Unfreezing "
    "restores the accounts and releases the projects the freeze quarantined, but not the tokens."
)


def owners_html(project) -> str:
    roles = getattr(project, "owner_roles", [])
    return format_html_join(", ", "{}", ((role.user.username,) for role in roles)) or "-"


def risk_with_reasons(score: int, subject) -> str:
    """A list cell: the score, with the kinds of its strongest signals below it (prefetched)."""
    assessment = getattr(subject, "risk_assessment", None) if subject is not None else None
    signals = list(assessment.signals.all())[:3] if assessment is not None else []
    if not signals:
        return str(score)
    return format_html(
        '{}<span class="wharf-risk-reasons">{}</span>',
        score,
        ", ".join(signal.get_kind_display() for signal in signals),
    )


def risk_html(assessment) -> str:
    if assessment is None:
        return "Not scored."
    scored = f"{assessment.evaluated:%Y-%m-%d %H:%M}"
    origin = f", from {assessment.ip_address}" if assessment.ip_address else ""
    signals = list(assessment.signals.all())
    if not signals:
        return format_html("Score {} (scored {}{}): no signal.", assessment.score, scored, origin)
    return format_html(
        "Score {} (scored {}{})<ul>{}</ul>",
        assessment.score,
        scored,
        origin,
        format_html_join(
            "", "<li>+{} {}: {}</li>", ((s.weight, s.get_kind_display(), s.reason) for s in signals)
        ),
    )
