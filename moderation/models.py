"""Moderation state: admin flags, banners, prohibited names and domains, the audit trail, reports,
quarantines, account freezes, actions waiting for a second moderator, and risk scores.

Other apps read this state through `moderation.policy`; it is written only by `moderation.services`.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone

from accounts.models import User
from moderation.enums import (
    BannerLevel,
    FlagId,
    PendingActionKind,
    PendingActionState,
    ReportReason,
    ReportState,
    RiskSignalKind,
)
from registry.models import Project


class AdminFlag(models.Model):
    """A switch an administrator turns on to refuse a kind of write, with the message users see."""

    id = models.CharField(max_length=64, primary_key=True, choices=FlagId.choices)
    description = models.CharField(max_length=200)
    enabled = models.BooleanField(default=False)
    message = models.TextField(help_text="Shown to users whose request the flag refuses.")
    updated = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return self.description


class ProhibitedProjectName(models.Model):
    """A name no new project may take. `reason` is private to the admins; the public only learns the rule."""

    name = models.CharField(max_length=200, unique=True, help_text="Stored in PEP 503 normalized form.")
    reason = models.TextField(help_text="Why the name is prohibited (never shown to users).")
    created = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class DomainListEntry(models.Model):
    """A domain on one of the lists admins edit: why, when and by whom it was added."""

    domain = models.CharField(max_length=253, unique=True, help_text="Lower case, e.g. example.com.")
    reason = models.TextField(blank=True, default="")
    created = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        abstract = True
        ordering = ["domain"]

    def __str__(self):
        return self.domain


class ProhibitedEmailDomain(DomainListEntry):
    """An email domain accounts may not use (disposable-mail services, spam waves)."""

    class Meta(DomainListEntry.Meta):
        pass


class AuditEntry(models.Model):
    """One moderation step on record: who did what, why and when. Never edited; targets are AuditTargets."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    actor_name = models.CharField(max_length=150, blank=True, default="", help_text="Username at the time.")
    action = models.CharField(max_length=100, db_index=True)
    reason = models.TextField(blank=True, default="")
    created = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created", "-id"]
        verbose_name_plural = "audit entries"

    def __str__(self):
        return f"{self.created:%Y-%m-%d %H:%M} {self.actor_name or 'system'} {self.action}"


class AuditTarget(models.Model):
    """An object an audit entry acted on, e.g. ("registry.project", 42, "spam-pkg")."""

    entry = models.ForeignKey(AuditEntry, on_delete=models.CASCADE, related_name="targets")
    target_type = models.CharField(max_length=100)
    target_id = models.CharField(max_length=64)
    target_name = models.CharField(max_length=300, blank=True, default="", help_text="Name at the time.")

    class Meta:
        indexes = [models.Index(fields=["target_type", "target_id"])]

    def __str__(self):
        return f"{self.target_type} {self.target_name or self.target_id}"


class SiteBanner(models.Model):
    """A notice shown at the top of every page until it ends or is switched off (e.g. "pre-production")."""

    message = models.TextField(help_text="Plain text; shown on every page.")
    level = models.CharField(max_length=20, choices=BannerLevel.choices, default=BannerLevel.INFO)
    enabled = models.BooleanField(default=True)
    ends = models.DateTimeField(
        null=True, blank=True, help_text="Hidden from this time on; empty: until off."
    )
    updated = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-updated", "-id"]

    def __str__(self):
        return self.message[:80]


class SpamDomain(DomainListEntry):
    """A web domain spam READMEs link to; a link to it (or a subdomain) weighs heavily in risk scoring."""

    domain = models.CharField(max_length=253, unique=True, help_text="Lower case, e.g. spam.example.com.")

    class Meta(DomainListEntry.Meta):
        pass


class Report(models.Model):
    """A user's (or risk scoring's) report that a project is spam, malware or a squat.

    Reports outlive their project (`project` becomes NULL on removal; `project_name` keeps the name).
    A reporter has at most one open report per project; risk scoring at most one open report per project.
    """

    project = models.ForeignKey(Project, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    project_name = models.CharField(max_length=200, help_text="Project name at the time.")
    reporter = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty: opened by risk scoring.",
    )
    reason = models.CharField(max_length=20, choices=ReportReason.choices)
    description = models.TextField()
    state = models.CharField(max_length=20, choices=ReportState.choices, default=ReportState.OPEN)
    created = models.DateTimeField(default=timezone.now, db_index=True)
    resolved = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    resolution = models.TextField(blank=True, default="", help_text="What was done, and why.")

    class Meta:
        ordering = ["-created", "-id"]
        indexes = [models.Index(fields=["project", "state"], name="moderation_report_state")]
        permissions = [("dismiss_report", "Can dismiss reports")]
        constraints = [
            models.UniqueConstraint(
                fields=["reporter", "project"],
                condition=models.Q(state=ReportState.OPEN, reporter__isnull=False),
                name="moderation_report_one_open_per_reporter",
            ),
            models.UniqueConstraint(
                fields=["project"],
                condition=models.Q(state=ReportState.OPEN, reporter__isnull=True),
                name="moderation_report_one_open_automatic",
            ),
        ]

    def __str__(self):
        return f"Report #{self.pk} on {self.project_name} ({self.get_reason_display()})"

    @property
    def automatic(self) -> bool:
        return self.reporter_id is None


class AccountFreeze(models.Model):
    """An account frozen by the moderators: it cannot log in or upload until the freeze is lifted.

    `was_active` keeps the account's state before the freeze, which lifting it restores.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    reason = models.TextField()
    was_active = models.BooleanField(default=True)
    created = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    lifted = models.DateTimeField(null=True, blank=True)
    lifted_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    lift_reason = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["-created", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"], condition=models.Q(lifted__isnull=True), name="moderation_freeze_one_active"
            )
        ]

    def __str__(self):
        return f"Freeze of {self.user} ({'lifted' if self.lifted else 'active'})"


class Quarantine(models.Model):
    """Why, when and by whom a project was quarantined, and when it was released.

    `freeze` is set when the quarantine came with freezing an owner; lifting that freeze releases it.
    """

    project = models.ForeignKey(Project, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    project_name = models.CharField(max_length=200, help_text="Project name at the time.")
    reason = models.TextField(help_text="Shown to the project's owners.")
    created = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty: automatic.",
    )
    freeze = models.ForeignKey(
        AccountFreeze, on_delete=models.SET_NULL, null=True, blank=True, related_name="quarantines"
    )
    released = models.DateTimeField(null=True, blank=True)
    released_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    release_reason = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["-created", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["project"],
                condition=models.Q(released__isnull=True),
                name="moderation_quarantine_one_active",
            )
        ]

    def __str__(self):
        return f"Quarantine of {self.project_name} ({'released' if self.released else 'active'})"


class PendingAction(models.Model):
    """A destructive bulk action waiting for a second moderator (four eyes)."""

    kind = models.CharField(max_length=30, choices=PendingActionKind.choices)
    object_ids = models.JSONField(help_text="Primary keys of the projects or accounts.")
    object_names = models.JSONField(help_text="Their names when the action was requested.")
    options = models.JSONField(default=dict, blank=True, help_text="e.g. also prohibit the names.")
    reason = models.TextField()
    state = models.CharField(
        max_length=20, choices=PendingActionState.choices, default=PendingActionState.PENDING
    )
    requested = models.DateTimeField(default=timezone.now)
    requested_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    decided = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    decision_note = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["-requested", "-id"]
        permissions = [("approve_pendingaction", "Can approve or reject actions of other moderators")]

    def __str__(self):
        return f"#{self.pk} {self.get_kind_display()} ({len(self.object_ids)} objects)"


class RiskAssessment(models.Model):
    """The risk score of one new project or account: the sum of its signals' weights.

    `ip_address` and `description_digest` let later assessments find bursts and copied descriptions.
    """

    project = models.OneToOneField(
        Project, on_delete=models.CASCADE, null=True, blank=True, related_name="risk_assessment"
    )
    user = models.OneToOneField(
        User, on_delete=models.CASCADE, null=True, blank=True, related_name="risk_assessment"
    )
    score = models.IntegerField(default=0, db_index=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    description_digest = models.CharField(max_length=64, blank=True, default="", db_index=True)
    created = models.DateTimeField(
        default=timezone.now, db_index=True, help_text="When the subject was created."
    )
    evaluated = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created", "-id"]
        indexes = [models.Index(fields=["ip_address", "created"], name="moderation_risk_ip_created")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(project__isnull=False, user__isnull=True)
                | models.Q(project__isnull=True, user__isnull=False),
                name="moderation_risk_one_subject",
            )
        ]

    def __str__(self):
        subject = self.project if self.project_id else self.user
        return f"Risk {self.score} of {subject}"


class RiskSignal(models.Model):
    """One reason an assessment found its subject suspicious, with the weight it added."""

    assessment = models.ForeignKey(RiskAssessment, on_delete=models.CASCADE, related_name="signals")
    kind = models.CharField(max_length=40, choices=RiskSignalKind.choices)
    weight = models.IntegerField()
    reason = models.TextField()

    class Meta:
        ordering = ["-weight", "id"]

    def __str__(self):
        return f"{self.get_kind_display()} (+{self.weight})"


# --- The moderation queue's views of other apps' rows (their own admins, permissions and annotations) ------


class ModeratedProject(Project):
    """Projects as the moderation queue sees them: reports, risk, quarantine; actions call services."""

    class Meta:
        proxy = True
        verbose_name = "project (moderation)"
        verbose_name_plural = "projects (moderation)"
        permissions = [
            ("quarantine_project", "Can quarantine and release projects"),
            ("remove_project", "Can remove projects"),
        ]


class ModeratedUser(User):
    """Accounts as the moderation queue sees them: projects, reports, risk, freezes."""

    class Meta:
        proxy = True
        verbose_name = "account (moderation)"
        verbose_name_plural = "accounts (moderation)"
        permissions = [("freeze_user", "Can freeze and unfreeze accounts")]
