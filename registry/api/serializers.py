"""Serializers of the registry's REST API: what projects, releases, files, collaborators, invitations and
journal entries look like, and the shapes of the requests that change them. No rule lives here."""

from django.urls import reverse
from rest_framework import serializers

from registry.enums import RoleName
from registry.models import File, JournalEntry, Project, Release, RoleInvitation
from registry.protocols.common import files_base
from registry.renderers.simple import file_url
from registry.services.releases import MAX_YANK_REASON
from registry.validators import check_confirmation


class ProjectSummarySerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = Project
        fields = ["name", "normalized_name", "status", "created", "last_serial", "url"]

    def get_url(self, project) -> str:
        return reverse("api-project", kwargs={"name": project.normalized_name})


class ReleaseSummarySerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = Release
        fields = ["version", "yanked", "yanked_reason", "created", "url"]

    def get_url(self, release) -> str:
        return reverse(
            "api-release", kwargs={"name": release.project.normalized_name, "version": release.version}
        )


class RoleSerializer(serializers.Serializer):
    username = serializers.CharField(source="user.username")
    role = serializers.ChoiceField(source="role_name", choices=RoleName.choices)


class ProjectSerializer(ProjectSummarySerializer):
    """A project: its releases (newest version first, yanked state included) and, when the caller holds a
    role on it, its roles and the caller's own (`roles` and `role` are null otherwise)."""

    releases = serializers.SerializerMethodField()
    role = serializers.ChoiceField(
        source="user_role", choices=RoleName.choices, allow_null=True, help_text="The caller's role."
    )
    roles = serializers.SerializerMethodField()

    class Meta(ProjectSummarySerializer.Meta):
        fields = [*ProjectSummarySerializer.Meta.fields, "role", "roles", "releases"]

    def get_releases(self, project) -> ReleaseSummarySerializer(many=True):
        return ReleaseSummarySerializer(self.context["releases"], many=True).data

    def get_roles(self, project) -> RoleSerializer(many=True, allow_null=True):
        roles = self.context.get("roles")
        return None if roles is None else RoleSerializer(roles, many=True).data


class HashesSerializer(serializers.Serializer):
    sha256 = serializers.CharField()
    blake2b_256 = serializers.CharField()
    md5 = serializers.CharField()


class FileSerializer(serializers.ModelSerializer):
    hashes = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField(help_text="Where the file is downloaded from.")

    class Meta:
        model = File
        fields = ["filename", "packagetype", "python_version", "size", "upload_time", "hashes", "url"]

    def get_hashes(self, file) -> HashesSerializer:
        return {"sha256": file.sha256_digest, "blake2b_256": file.blake2_256_digest, "md5": file.md5_digest}

    def get_url(self, file) -> str:
        return file_url(files_base(self.context["request"]), file.path)


class ReleaseSerializer(serializers.ModelSerializer):
    project = serializers.CharField(source="project.name")
    files = serializers.SerializerMethodField()

    class Meta:
        model = Release
        fields = [
            "project",
            "version",
            "yanked",
            "yanked_reason",
            "yanked_at",
            "created",
            "summary",
            "requires_python",
            "files",
        ]

    def get_files(self, release) -> FileSerializer(many=True):
        return FileSerializer(self.context["files"], many=True, context=self.context).data


class YankSerializer(serializers.Serializer):
    reason = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=MAX_YANK_REASON,
        help_text="Shown to installers (PEP 592); optional.",
    )


class ConfirmSerializer(serializers.Serializer):
    """What a deletion asks, as the pages do: the name of what goes, typed again (context: `expected`, the
    name, and `what`, e.g. "version")."""

    confirm = serializers.CharField(
        max_length=300,
        trim_whitespace=False,
        help_text="The name of what goes, typed again: the project name, the version or the filename.",
    )

    def validate_confirm(self, typed):
        return check_confirmation(typed, expected=self.context["expected"], what=self.context["what"])


class CollaboratorSerializer(serializers.Serializer):
    """A collaborator: a role holder (`status` active) or a user invited to one (`status` invited)."""

    username = serializers.CharField()
    role = serializers.ChoiceField(choices=RoleName.choices)
    status = serializers.ChoiceField(choices=["active", "invited"])
    since = serializers.DateTimeField(help_text="When the role was given or the invitation sent.")
    invitation = serializers.IntegerField(allow_null=True, help_text="The pending invitation's id.")
    expires = serializers.DateTimeField(allow_null=True, help_text="When the invitation expires.")


class InviteSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    role = serializers.ChoiceField(choices=RoleName.choices)


class RoleChangeSerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=RoleName.choices)


class InvitationSerializer(serializers.ModelSerializer):
    project = serializers.CharField(source="project.name")
    role = serializers.ChoiceField(source="role_name", choices=RoleName.choices)
    invitee = serializers.CharField(source="invitee.username")
    inviter = serializers.SerializerMethodField()

    class Meta:
        model = RoleInvitation
        fields = ["id", "project", "role", "invitee", "inviter", "status", "created", "expires", "responded"]

    def get_inviter(self, invitation) -> str | None:
        return invitation.inviter.username if invitation.inviter_id else None


class JournalEntrySerializer(serializers.ModelSerializer):
    serial = serializers.IntegerField(source="id")
    project = serializers.CharField(source="name", help_text="The project's name at the time.")
    actor = serializers.CharField(source="actor_name", help_text="Who made the change (empty: the system).")

    class Meta:
        model = JournalEntry
        fields = ["serial", "project", "version", "action", "submitted", "actor"]
