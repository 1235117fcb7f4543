"""Serializers of moderation's REST API: reports, the queue's projects and accounts, flags and requests
waiting for approval, and the shapes of the moderators' requests. No rule lives here."""

from rest_framework import serializers

from moderation.enums import FlagId, ReportReason
from moderation.models import AdminFlag, PendingAction, Report
from moderation.services.actions import REASON_MAX
from moderation.services.reports import DESCRIPTION_MAX


class ReportCreateSerializer(serializers.Serializer):
    reason = serializers.ChoiceField(choices=ReportReason.choices)
    description = serializers.CharField(
        max_length=DESCRIPTION_MAX,
        trim_whitespace=False,
        help_text="What you found (10-2000 characters).",
    )


class ReportSerializer(serializers.ModelSerializer):
    """A report as its reporter sees it."""

    project = serializers.CharField(source="project_name")

    class Meta:
        model = Report
        fields = ["id", "project", "reason", "description", "state", "created"]


class QueueReportSerializer(ReportSerializer):
    """A report as the moderators see it: who filed it (null: risk scoring) and how it was resolved."""

    reporter = serializers.SerializerMethodField()
    resolved_by = serializers.SerializerMethodField()

    class Meta(ReportSerializer.Meta):
        fields = [*ReportSerializer.Meta.fields, "reporter", "resolved", "resolved_by", "resolution"]

    def get_reporter(self, report) -> str | None:
        return report.reporter.username if report.reporter_id else None

    def get_resolved_by(self, report) -> str | None:
        return report.resolved_by.username if report.resolved_by_id else None


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(
        max_length=REASON_MAX, trim_whitespace=False, help_text="Why: recorded in the audit trail."
    )


class RemoveSerializer(ReasonSerializer):
    prohibit_names = serializers.BooleanField(
        required=False, default=False, help_text="Also prohibit the names, so no new project can take them."
    )


class BulkProjectsSerializer(RemoveSerializer):
    names = serializers.ListField(child=serializers.CharField(max_length=300), min_length=1, max_length=5000)


class BulkUsersSerializer(ReasonSerializer):
    usernames = serializers.ListField(
        child=serializers.CharField(max_length=150), min_length=1, max_length=5000
    )


class HoldSerializer(serializers.Serializer):
    """Why, since when and by whom a project is quarantined or an account frozen."""

    reason = serializers.CharField()
    since = serializers.DateTimeField()
    by = serializers.CharField(allow_null=True, help_text="The moderator; null: automatic.")


class ModeratedProjectSerializer(serializers.Serializer):
    name = serializers.CharField()
    status = serializers.CharField()
    quarantine = HoldSerializer(allow_null=True)


class ModeratedUserSerializer(serializers.Serializer):
    username = serializers.CharField()
    is_active = serializers.BooleanField()
    frozen = serializers.BooleanField()
    freeze = HoldSerializer(allow_null=True)


class DoneSerializer(serializers.Serializer):
    done = serializers.ListField(child=serializers.CharField(), help_text="The names the action changed.")


class FlagSerializer(serializers.ModelSerializer):
    id = serializers.ChoiceField(choices=FlagId.choices)
    updated_by = serializers.SerializerMethodField()

    class Meta:
        model = AdminFlag
        fields = ["id", "description", "enabled", "message", "updated", "updated_by"]

    def get_updated_by(self, flag) -> str | None:
        return flag.updated_by.username if flag.updated_by_id else None


class FlagUpdateSerializer(ReasonSerializer):
    enabled = serializers.BooleanField()
    message = serializers.CharField(
        required=False, max_length=2000, help_text="What refused users read; omitted: unchanged."
    )


class PendingActionSerializer(serializers.ModelSerializer):
    objects = serializers.ListField(source="object_names", child=serializers.CharField())
    requested_by = serializers.SerializerMethodField()
    decided_by = serializers.SerializerMethodField()

    class Meta:
        model = PendingAction
        fields = [
            "id",
            "kind",
            "state",
            "objects",
            "options",
            "reason",
            "requested",
            "requested_by",
            "decided",
            "decided_by",
            "decision_note",
        ]

    def get_requested_by(self, pending) -> str | None:
        return pending.requested_by.username if pending.requested_by_id else None

    def get_decided_by(self, pending) -> str | None:
        return pending.decided_by.username if pending.decided_by_id else None
