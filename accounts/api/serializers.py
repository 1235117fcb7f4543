"""Serializers of accounts' REST API: input shapes only; the rules live in `accounts.services`."""

from rest_framework import serializers

from accounts.enums import TokenPermission
from accounts.models import ApiToken


class TokenSerializer(serializers.ModelSerializer):
    """An API token as its owner sees it (never the secret, except once at creation)."""

    project = serializers.SerializerMethodField()
    permissions = serializers.ListField(child=serializers.ChoiceField(choices=TokenPermission.choices))
    expires = serializers.DateField(
        source="expires_on", allow_null=True, help_text="The last day (UTC) the token works; null: never."
    )

    class Meta:
        model = ApiToken
        fields = ["id", "description", "project", "permissions", "created", "last_used", "expires"]

    def get_project(self, token) -> str | None:
        """The project the token is scoped to; null for a whole-account token."""
        return token.project.name if token.project_id else None


class MintedTokenSerializer(TokenSerializer):
    token = serializers.CharField(help_text="The secret, shown this once: Wharf keeps only its hash.")

    class Meta(TokenSerializer.Meta):
        fields = [*TokenSerializer.Meta.fields, "token"]


class TokenCreateSerializer(serializers.Serializer):
    description = serializers.CharField(max_length=100, trim_whitespace=False, help_text="The token's name.")
    project = serializers.CharField(
        required=False,
        allow_null=True,
        max_length=300,
        help_text="Scope the token to this project (one you own or maintain); null: the whole account.",
    )
    permissions = serializers.ListField(
        child=serializers.ChoiceField(choices=TokenPermission.choices),
        required=False,
        allow_empty=False,
        max_length=len(TokenPermission.values) * 2,
        help_text='Default: ["upload"].',
    )
    expires = serializers.DateField(
        required=False, allow_null=True, help_text="The last day (UTC) the token works; omitted: never."
    )


class MeTokenSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    description = serializers.CharField()
    expires = serializers.DateField(allow_null=True)


class MeSerializer(serializers.Serializer):
    """The caller: account, email state, two-factor, and what this authentication may do."""

    username = serializers.CharField()
    email = serializers.EmailField(allow_blank=True, help_text="The primary email address.")
    email_verified = serializers.BooleanField()
    two_factor = serializers.BooleanField(help_text="Whether two-factor authentication is on.")
    moderator = serializers.BooleanField()
    authentication = serializers.ChoiceField(choices=["token", "session"])
    project = serializers.CharField(
        allow_null=True, help_text="The project a project-scoped token acts on; null: the whole account."
    )
    permissions = serializers.ListField(child=serializers.ChoiceField(choices=TokenPermission.choices))
    token = MeTokenSerializer(allow_null=True, help_text="The token used; null for a browser session.")
