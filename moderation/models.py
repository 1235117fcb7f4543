"""Moderation state: admin flags (kill switches). Read them through `moderation.policy`."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from moderation.enums import FlagId


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


class ProhibitedEmailDomain(models.Model):
    """An email domain accounts may not use (disposable-mail services, spam waves)."""

    domain = models.CharField(max_length=253, unique=True, help_text="Lower case, e.g. example.com.")
    reason = models.TextField(blank=True, default="")
    created = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["domain"]

    def __str__(self):
        return self.domain


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
