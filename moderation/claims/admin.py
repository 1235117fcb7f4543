"""The claims workbench: the moderators' queue and each case with its evidence, timeline and steps.

A cockpit, not a brain: every field is read-only, and each step is an action that asks for a reason on the
moderation admin's confirmation page (`moderation.admin.base.confirm_action`) and calls the one service its
row of STEPS names (which validates the transition, audits and emails). Claims are
filed by users and never deleted here. Permissions: `claims.view_claim` to look, `claims.review_claim` to
start a review, contact the owners or ask the claimant, `claims.decide_claim` to approve or reject; the
Moderators group has all three (migration 0002).
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from functools import partial

from django.contrib import admin, messages
from django.db.models import F
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from moderation.admin.base import confirm_action
from moderation.audit import audit_trail
from moderation.claims import selectors, services
from moderation.claims.enums import ClaimKind, Criterion
from moderation.claims.exceptions import ClaimError
from moderation.claims.forms import ModeratorStepForm
from moderation.claims.models import Claim
from moderation.claims.transitions import OPEN_STATES, Step, allowed_steps


class DueFilter(admin.SimpleListFilter):
    """Open cases by their deadline: what is late, what falls due this week, what can wait."""

    title = "due date"
    parameter_name = "due"

    def lookups(self, request, model_admin):
        return [
            ("overdue", "Overdue"),
            ("week", "Due this week"),
            ("later", "Due later"),
            ("none", "No date"),
        ]

    def queryset(self, request, queryset):
        now = timezone.now()
        open_claims = queryset.filter(state__in=OPEN_STATES)
        if self.value() == "overdue":
            return open_claims.filter(due_at__lt=now)
        if self.value() == "week":
            return open_claims.filter(due_at__gte=now, due_at__lt=now + timedelta(days=7))
        if self.value() == "later":
            return open_claims.filter(due_at__gte=now + timedelta(days=7))
        if self.value() == "none":
            return queryset.filter(due_at__isnull=True)
        return queryset


@dataclass(frozen=True)
class StepSpec:
    """How the admin asks for one moderator step: label, permission, the reason field, and the one service
    it calls, `run(claim, actor, cleaned_data)`."""

    step: Step
    label: str
    permission: str
    reason_label: str
    reason_required: bool
    run: Callable[[Claim, object, dict], Claim]


NOTE = "Note (optional; the claimant sees it)"
STEPS = {
    "start_review": StepSpec(
        Step.START_REVIEW,
        "Start review",
        "review",
        NOTE,
        False,
        lambda claim, actor, data: services.claim_start_review(claim=claim, actor=actor, note=data["reason"]),
    ),
    "contact_owners": StepSpec(
        Step.CONTACT_OWNERS,
        "Contact owners",
        "review",
        NOTE,
        False,
        lambda claim, actor, data: services.claim_contact_owners(
            claim=claim, actor=actor, note=data["reason"]
        ),
    ),
    "request_info": StepSpec(
        Step.REQUEST_INFO,
        "Request more information",
        "review",
        "Question for the claimant (they see it)",
        True,
        lambda claim, actor, data: services.claim_request_info(
            claim=claim, actor=actor, question=data["reason"]
        ),
    ),
    "approve": StepSpec(
        Step.APPROVE,
        "Approve",
        "decide",
        "Reason (shown to the claimant)",
        True,
        lambda claim, actor, data: services.claim_approve(
            claim=claim,
            actor=actor,
            reason=data["reason"],
            keep_previous_owners=data.get("keep_previous_owners", False),
        ),
    ),
    "reject": StepSpec(
        Step.REJECT,
        "Reject",
        "decide",
        "Reason (shown to the claimant)",
        True,
        lambda claim, actor, data: services.claim_reject(claim=claim, actor=actor, reason=data["reason"]),
    ),
}


def step_outcome(spec: StepSpec, claim: Claim, *, actor, data: dict) -> tuple[int, str]:
    """Take the step on one claim; the message that says how it went."""
    try:
        spec.run(claim, actor, data)
    except ClaimError as error:
        return messages.ERROR, f"Claim #{claim.pk}: {error.message}"
    return messages.SUCCESS, f"Claim #{claim.pk}: {spec.label.lower()} done."


def describe_claim(claim: Claim) -> str:
    """A claim's line on the confirmation page."""
    return format_html(
        '<a href="{}">#{} {}</a> by {} ({}, {})',
        reverse("admin:claims_claim_change", args=[claim.pk]),
        claim.pk,
        claim.project_name,
        claim.claimant.username,
        claim.get_kind_display(),
        claim.get_state_display().lower(),
    )


def _step_action(name: str):
    spec = STEPS[name]

    def action(modeladmin, request, queryset):
        return modeladmin.confirm_step(request, queryset, name)

    action.__name__ = name
    return admin.action(description=f"{spec.label} (asks for a reason)", permissions=[spec.permission])(
        action
    )


@admin.register(Claim)
class ClaimAdmin(admin.ModelAdmin):
    change_form_template = "admin/claims/claim/change_form.html"
    list_display = ["id", "project_name", "claimant", "kind_code", "state", "due_at", "signals", "created"]
    list_display_links = ["id", "project_name"]
    list_filter = ["state", "kind", DueFilter]
    search_fields = [
        "project_name",
        "normalized_name",
        "requested_name",
        "claimant__username",
        "claimant__email",
    ]
    # Soonest deadline first; closed cases (no deadline) last on every database.
    ordering = [F("due_at").asc(nulls_last=True), "-created"]
    actions = [_step_action(name) for name in STEPS]
    fieldsets = [
        (
            "Case",
            {
                "fields": [
                    "claimant",
                    "project",
                    "project_name",
                    "requested_name",
                    "name_rule",
                    "kind",
                    "state",
                ]
            },
        ),
        ("Request", {"fields": ["justification", "intended_use", "code_url", "contact_attempts"]}),
        (
            "Clock",
            {
                "fields": [
                    "created",
                    "state_changed",
                    "due_at",
                    "reminded_at",
                    "contact_started_at",
                    "contact_attempts_made",
                    "contact_closed_at",
                    "owner_released_at",
                ]
            },
        ),
        ("Decision", {"fields": ["decided_at", "decided_by", "decision_reason", "outcome"]}),
    ]
    readonly_fields = [field for _, options in fieldsets for field in options["fields"]]

    def get_queryset(self, request):
        return selectors.claims_for_admin()

    def has_add_permission(self, request):
        return False  # claims are filed by users, through the claim form

    def has_change_permission(self, request, obj=None):
        return False  # the state changes only through the steps (actions) below

    def has_delete_permission(self, request, obj=None):
        return False  # a case stays on record; withdrawal and rejection close it

    def has_review_permission(self, request):
        return request.user.has_perm("claims.review_claim")

    def has_decide_permission(self, request):
        return request.user.has_perm("claims.decide_claim")

    @admin.display(description="Kind", ordering="kind")
    def kind_code(self, obj):
        return obj.kind  # the short code keeps the queue readable; the filter shows the full labels

    @admin.display(description="Signals")
    def signals(self, obj):
        parts = []
        if obj.owner_released_at:
            parts.append("new release by the maintainers")
        if obj.contact_attempts_made:
            parts.append(f"emails sent: {obj.contact_attempts_made}")
        if getattr(obj, "competing", 0) > 1:
            parts.append(f"{obj.competing} open claims on this name")
        return "; ".join(parts) or "—"

    def confirm_step(self, request, queryset, name: str):
        """The confirmation page of a step; once confirmed, the step's service for each selected claim."""
        spec = STEPS[name]
        claims = list(queryset.order_by("pk"))
        offer_keep = name == "approve" and any(claim.kind == ClaimKind.TRANSFER for claim in claims)
        response = confirm_action(
            self,
            request,
            queryset.order_by("pk"),
            action=name,
            title=f"{spec.label}: confirm",
            explanation=f"{spec.label} for these claims:",
            perform=lambda objects, data: [
                step_outcome(spec, claim, actor=request.user, data=data) for claim in objects
            ],
            form_class=partial(
                ModeratorStepForm,
                reason_required=spec.reason_required,
                reason_label=spec.reason_label,
                offer_keep=offer_keep,
            ),
            describe=describe_claim,
            refused_status=200,  # the workbench shows a missing reason on the page itself
        )
        if response is None and len(claims) == 1:  # one case (the change page's buttons): back to it
            return HttpResponseRedirect(reverse("admin:claims_claim_change", args=[claims[0].pk]))
        return response

    def change_view(self, request, object_id, form_url="", extra_context=None):
        claim = selectors.claim_get(pk=int(object_id)) if str(object_id).isdigit() else None
        if claim is not None:
            evidence = selectors.latest_evidence(claim=claim)
            permitted = {
                "review": self.has_review_permission(request),
                "decide": self.has_decide_permission(request),
            }
            possible = set(allowed_steps(claim.state))
            extra_context = {
                **(extra_context or {}),
                "evidence": evidence,
                "criteria": (evidence.data.get("criteria", []) if evidence else []),
                "criterion": Criterion,
                "timeline": selectors.claim_timeline(claim=claim, public=False),
                "contacts": list(claim.contacts.all()),
                "answers": list(claim.answers.all()),
                "audit": list(audit_trail(target=claim)[:50]),
                "steps": [
                    (name, spec)
                    for name, spec in STEPS.items()
                    if spec.step in possible and permitted[spec.permission]
                ],
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            }
        return super().change_view(request, object_id, form_url, extra_context)
