"""Admin views of the registry: look, search, filter. Deletions have a workflow, so bulk delete is off."""

from django.contrib import admin

from registry.models import File, JournalEntry, Project, Release, Role, RoleInvitation


class SuperuserOnly:
    """The registry's data admin is for superusers: moderators work on projects in the moderation queue
    (moderation.admin), where every change is an audited action."""

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_change_permission(self, request, obj=None):
        return self.has_module_permission(request) and super().has_change_permission(request, obj)


class ReadOnlyMixin(SuperuserOnly):
    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class RoleInline(admin.TabularInline):
    """Shown, not edited: role changes go through the manage pages and name claims, which keep the last
    Owner, the journal and the audit trail."""

    model = Role
    extra = 0
    fields = ["user", "role_name", "created"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Project)
class ProjectAdmin(SuperuserOnly, admin.ModelAdmin):
    list_display = ["name", "status", "created", "last_serial", "total_size"]
    list_filter = ["status"]
    search_fields = ["name", "normalized_name"]
    fields = [
        "name",
        "normalized_name",
        "ultranormalized_name",
        "status",
        "created",
        "last_serial",
        "total_size",
        "upload_limit",
        "total_size_limit",
    ]
    readonly_fields = [
        "name",
        "normalized_name",
        "ultranormalized_name",
        "status",
        "created",
        "last_serial",
        "total_size",
    ]
    inlines = [RoleInline]
    actions = None

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Release)
class ReleaseAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["project", "version", "created", "yanked", "uploader"]
    list_filter = ["yanked"]
    search_fields = ["project__normalized_name", "version"]
    list_select_related = ["project", "uploader"]
    raw_id_fields = ["project", "uploader"]
    actions = None

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in Release._meta.fields]


@admin.register(File)
class FileAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["filename", "packagetype", "size", "upload_time", "uploader"]
    list_filter = ["packagetype"]
    search_fields = ["filename", "sha256_digest", "blake2_256_digest"]
    list_select_related = ["uploader"]
    actions = None

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in File._meta.fields]


@admin.register(JournalEntry)
class JournalEntryAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["id", "name", "version", "action", "submitted", "actor_name"]
    search_fields = ["normalized_name", "action", "actor_name"]
    date_hierarchy = "submitted"
    actions = None

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in JournalEntry._meta.fields]


@admin.register(RoleInvitation)
class RoleInvitationAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """Invitations are answered by their invitee on the manage pages; the admin only looks."""

    list_display = ["project", "invitee", "role_name", "status", "inviter", "created", "expires"]
    list_filter = ["status", "role_name"]
    search_fields = ["project__normalized_name", "invitee__username", "inviter__username"]
    list_select_related = ["project", "invitee", "inviter"]
    actions = None

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in RoleInvitation._meta.fields]
