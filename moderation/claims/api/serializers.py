"""Serializers of the name claims' REST API. The claim form's own checks run through `ClaimForm`, so the API
and the page accept exactly the same claims; the rules live in the services."""

from rest_framework import serializers

from moderation.claims.enums import ClaimKind, ClaimState
from moderation.claims.forms import ClaimForm
from moderation.claims.models import Claim
from moderation.claims.services.case import MAX_TEXT
from registry.services.projects import MAX_NAME_LENGTH, NameRule

# The API spells the rules with underscores (JSON identifiers); the name policy with hyphens.
RULES = [rule.value.replace("-", "_") for rule in NameRule]


class NameSerializer(serializers.Serializer):
    name = serializers.CharField()
    normalized = serializers.CharField(help_text="The PEP 503 normal form; empty for an invalid name.")
    available = serializers.BooleanField()
    rule = serializers.ChoiceField(
        choices=RULES, allow_null=True, help_text="The rule that refuses the name."
    )
    conflicts_with = serializers.CharField(allow_null=True, help_text="The existing project that blocks it.")
    message = serializers.CharField(help_text="One sentence naming the rule.")
    claimable = serializers.BooleanField(help_text="Whether a name claim (PEP 541) can be filed for it.")


class ClaimCreateSerializer(serializers.Serializer):
    """The claim form's fields (`/claims/new/`)."""

    name = serializers.CharField(max_length=MAX_NAME_LENGTH + 50)
    kind = serializers.ChoiceField(choices=ClaimKind.choices)
    justification = serializers.CharField(max_length=MAX_TEXT, help_text="Why: the reasons for the request.")
    intended_use = serializers.CharField(
        max_length=MAX_TEXT, help_text="What you will publish under the name."
    )
    code_url = serializers.CharField(max_length=500, help_text="The repository of what you will publish.")
    contact_attempts = serializers.CharField(
        max_length=MAX_TEXT, help_text="How you tried to contact the owners."
    )
    contacted_owners = serializers.BooleanField(
        help_text="You tried to contact the owners first (must be true)."
    )

    def validate(self, attrs):
        form = ClaimForm(data={**attrs, "contacted_owners": "on" if attrs.get("contacted_owners") else ""})
        if not form.is_valid():
            field, errors = next(iter(form.errors.items()))
            raise serializers.ValidationError({field: errors})
        return form.cleaned_data


class ClaimSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="project_name", help_text="The project whose name is claimed.")
    state = serializers.ChoiceField(choices=ClaimState.choices)
    url = serializers.SerializerMethodField()

    class Meta:
        model = Claim
        fields = [
            "id",
            "name",
            "requested_name",
            "kind",
            "state",
            "created",
            "due_at",
            "decided_at",
            "decision_reason",
            "url",
        ]

    def get_url(self, claim) -> str:
        return f"/api/v1/claims/{claim.pk}/"


class TimelineEntrySerializer(serializers.Serializer):
    kind = serializers.CharField(source="event.kind")
    label = serializers.CharField(source="event.get_kind_display")
    created = serializers.DateTimeField(source="event.created")
    who = serializers.CharField()
    note = serializers.CharField(source="event.note")


class ClaimDetailSerializer(ClaimSerializer):
    timeline = TimelineEntrySerializer(many=True, source="public_timeline")
    queue_position = serializers.IntegerField(
        allow_null=True, help_text="How many submitted claims wait ahead of this one; null once reviewed."
    )

    class Meta(ClaimSerializer.Meta):
        fields = [
            *ClaimSerializer.Meta.fields,
            "justification",
            "intended_use",
            "code_url",
            "timeline",
            "queue_position",
        ]
