"""Records of the moderation queue: requests waiting for a second moderator, and the audit trail."""

from django.contrib import admin, messages
from django.utils.html import format_html, format_html_join

from moderation.admin.base import age_text, audit_trail_html, confirm_action, counted
from moderation.enums import PendingActionState
from moderation.exceptions import ModerationError
from moderation.forms import NoteForm
from moderation.models import AuditEntry, PendingAction
from moderation.services import pending_action_approve, pending_action_reject


@admin.register(PendingAction)
class PendingActionAdmin(admin.ModelAdmin):
    """Approve (another moderator than the requester) or reject; approving runs the action's service."""

    list_display = ["__str__", "kind", "state", "object_count", "requested_by", "age", "decided_by"]
    list_filter = ["state", "kind"]
    search_fields = ["reason", "requested_by__username", "decided_by__username"]
    list_select_related = ["requested_by", "decided_by"]
    actions = ["approve", "reject"]
    fields = [
        "kind",
        "state",
        "reason",
        "options",
        "objects",
        "requested",
        "requested_by",
        "decided",
        "decided_by",
        "decision_note",
        "audit",
    ]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_approve_permission(self, request):
        return request.user.has_perm("moderation.approve_pendingaction")

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    @admin.display(description="objects")
    def object_count(self, pending):
        return len(pending.object_ids)

    @admin.display(description="age", ordering="requested")
    def age(self, pending):
        return age_text(pending.requested)

    @admin.display(description="objects")
    def objects(self, pending):
        return format_html(
            "<p>{}:</p><p>{}</p>",
            counted(len(pending.object_names), "object"),
            format_html_join(", ", "{}", ((name,) for name in pending.object_names)),
        )

    @admin.display(description="audit trail")
    def audit(self, pending):
        return audit_trail_html(pending)

    def _each(self, request, requests, decide, *, note: str) -> int:
        """Decide each request on its own: a refused one (your own, say) says why and stops no other."""
        done = 0
        for pending in requests:
            try:
                decide(pending=pending, actor=request.user, note=note)
            except ModerationError as error:
                self.message_user(request, f"Request {pending.pk}: {error.message}", messages.ERROR)
            else:
                done += 1
        return done

    @admin.action(description="Approve and carry out the selected requests", permissions=["approve"])
    def approve(self, request, queryset):
        def perform(objects, data):
            done = self._each(request, objects, pending_action_approve, note=data["reason"])
            return f"{counted(done, 'request')} approved and carried out."

        return confirm_action(
            self,
            request,
            queryset.filter(state=PendingActionState.PENDING),
            action="approve",
            title="Approve requests",
            destructive=True,
            form_class=NoteForm,
            perform=perform,
            explanation=(
                "Each request runs now, in your name, with its requester's reason and your note on record. "
                "You cannot approve your own requests."
            ),
        )

    @admin.action(description="Reject the selected requests", permissions=["approve"])
    def reject(self, request, queryset):
        def perform(objects, data):
            done = self._each(request, objects, pending_action_reject, note=data["reason"])
            return f"{counted(done, 'request')} rejected."

        return confirm_action(
            self,
            request,
            queryset.filter(state=PendingActionState.PENDING),
            action="reject",
            title="Reject requests",
            form_class=NoteForm,
            perform=perform,
            explanation="The requests are closed without running; nothing else changes.",
        )


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """The audit trail: who did what, to which objects, why and when. Never edited."""

    list_display = ["created", "actor_name", "action", "target_list", "reason_short"]
    list_filter = ["action", "created"]
    search_fields = ["actor_name", "action", "reason", "targets__target_name"]
    date_hierarchy = "created"
    fields = ["created", "actor_name", "action", "reason", "target_list"]
    readonly_fields = fields
    actions = None

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("targets")

    def get_search_results(self, request, queryset, search_term):
        queryset, _ = super().get_search_results(request, queryset, search_term)
        return queryset.distinct(), False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="objects")
    def target_list(self, entry):
        targets = list(entry.targets.all())
        shown = format_html_join(
            ", ", "{} {}", ((t.target_type.split(".")[-1], t.target_name) for t in targets[:10])
        )
        return format_html("{}{}", shown, f" and {len(targets) - 10} more" if len(targets) > 10 else "")

    @admin.display(description="reason")
    def reason_short(self, entry):
        return entry.reason[:120]
