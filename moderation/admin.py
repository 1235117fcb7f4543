"""Admin of moderation state. Changes go through services so they take effect everywhere at once."""

from django.contrib import admin

from moderation.models import AdminFlag, ProhibitedEmailDomain, ProhibitedProjectName
from moderation.services import flag_set


@admin.register(AdminFlag)
class AdminFlagAdmin(admin.ModelAdmin):
    list_display = ["id", "description", "enabled", "message", "updated", "updated_by"]
    list_filter = ["enabled"]
    fields = ["id", "description", "enabled", "message", "updated", "updated_by"]
    readonly_fields = ["id", "description", "updated", "updated_by"]
    actions = None

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        flag_set(flag=obj, enabled=obj.enabled, message=obj.message, actor=request.user)


@admin.register(ProhibitedProjectName)
class ProhibitedProjectNameAdmin(admin.ModelAdmin):
    list_display = ["name", "created", "created_by"]
    search_fields = ["name", "reason"]
    readonly_fields = ["created", "created_by"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(ProhibitedEmailDomain)
class ProhibitedEmailDomainAdmin(admin.ModelAdmin):
    list_display = ["domain", "reason", "created", "created_by"]
    search_fields = ["domain", "reason"]
    readonly_fields = ["created", "created_by"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
