"""Models of PEP 541 name claims: the case, its timeline, its contact attempts, owners' answers, evidence.

The state and deadlines of a case change only through `moderation.claims.services`, which follow
`moderation.claims.transitions`; nothing here has side effects.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from moderation.claims.enums import ClaimEventKind, ClaimKind, ClaimState, OwnerAnswer
from moderation.claims.transitions import OPEN_STATES


class Claim(models.Model):
    """A request to take over, join or free an existing project's name; the case owns its clock."""

    claimant = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="claims")
    # The project whose name is at stake. Kept when it is removed later, so the case stays on record.
    project = models.ForeignKey(
        "registry.Project", on_delete=models.SET_NULL, null=True, blank=True, related_name="claims"
    )
    project_name = models.CharField(max_length=200, help_text="The project's name when the claim was filed.")
    normalized_name = models.CharField(max_length=200, db_index=True)
    requested_name = models.CharField(
        max_length=200, help_text="The name the claimant asked for (differs for a 'too similar' refusal)."
    )
    name_rule = models.CharField(max_length=20, help_text="The name policy's rule when the claim was filed.")
    kind = models.CharField(max_length=20, choices=ClaimKind.choices)
    state = models.CharField(max_length=30, choices=ClaimState.choices, default=ClaimState.SUBMITTED)

    justification = models.TextField()
    intended_use = models.TextField(help_text="What the claimant will publish under the name.")
    code_url = models.URLField(max_length=500, help_text="Where the claimant's code is.")
    contact_attempts = models.TextField(help_text="How the claimant tried to reach the owners.")

    created = models.DateTimeField(default=timezone.now, db_index=True)
    state_changed = models.DateTimeField(default=timezone.now)
    # The case's clock: when the current step's deadline passes (see transitions.ClaimClock.due).
    due_at = models.DateTimeField(null=True, blank=True, db_index=True)
    reminded_at = models.DateTimeField(
        null=True, blank=True, help_text="Last overdue reminder to moderators."
    )

    contact_started_at = models.DateTimeField(null=True, blank=True)
    contact_attempts_made = models.PositiveSmallIntegerField(default=0)
    contact_closed_at = models.DateTimeField(
        null=True, blank=True, help_text="When an owner answered or the contact period ended."
    )
    owner_released_at = models.DateTimeField(
        null=True, blank=True, help_text="A release by the project's maintainers while the claim was open."
    )

    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decision_reason = models.TextField(blank=True, default="", help_text="Shown to the claimant.")
    outcome = models.CharField(max_length=20, blank=True, default="")

    class Meta:
        ordering = ["-created", "-id"]
        constraints = [
            # One open claim per user and name; several users may claim the same name.
            models.UniqueConstraint(
                fields=["claimant", "normalized_name"],
                condition=Q(state__in=sorted(OPEN_STATES)),
                name="claims_one_open_claim_per_user_and_name",
            )
        ]
        indexes = [models.Index(fields=["state", "due_at"], name="claims_state_due")]
        permissions = [
            ("review_claim", "Can review name claims (start review, contact owners, request information)"),
            ("decide_claim", "Can approve or reject name claims"),
        ]

    def __str__(self):
        return f"Claim #{self.pk} on {self.project_name}"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES


class ClaimEvent(models.Model):
    """One step on a case's timeline, shown to the claimant (except private kinds) and the moderators."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=30, choices=ClaimEventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    actor_name = models.CharField(max_length=150, blank=True, default="", help_text="Empty: the system.")
    state_from = models.CharField(max_length=30, blank=True, default="")
    state_to = models.CharField(max_length=30, blank=True, default="")
    note = models.TextField(blank=True, default="")
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created", "id"]

    def __str__(self):
        return f"{self.claim} · {self.get_kind_display()}"


class ContactAttempt(models.Model):
    """One email round to the project's Owners (reachability, or the squatting courtesy notice)."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="contacts")
    attempt = models.PositiveSmallIntegerField()
    sent_at = models.DateTimeField(default=timezone.now)
    # [{"user_id", "username", "email", "verified"}] as they were when the email left.
    recipients = models.JSONField(default=list)
    answer_due = models.DateTimeField()

    class Meta:
        ordering = ["attempt"]
        constraints = [
            models.UniqueConstraint(fields=["claim", "attempt"], name="claims_contact_attempt_unique")
        ]

    def __str__(self):
        return f"{self.claim} · attempt {self.attempt}"


class OwnerResponse(models.Model):
    """An owner's answer through the signed link; the latest per owner counts."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="answers")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    owner_name = models.CharField(max_length=150)
    answer = models.CharField(max_length=20, choices=OwnerAnswer.choices)
    note = models.TextField(
        blank=True, default="", help_text="For the moderators; not shown to the claimant."
    )
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created", "id"]

    def __str__(self):
        return f"{self.owner_name}: {self.get_answer_display()}"


class ClaimEvidence(models.Model):
    """A snapshot of the facts about the project and its owners, taken at each step; never edited."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="evidence")
    taken_at = models.DateTimeField(default=timezone.now)
    data = models.JSONField()

    class Meta:
        ordering = ["-taken_at", "-id"]
        verbose_name_plural = "claim evidence"

    def __str__(self):
        return f"{self.claim} · evidence of {self.taken_at:%Y-%m-%d %H:%M}"
