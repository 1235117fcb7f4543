"""Admin of moderation state. Changes go through services so they take effect everywhere at once."""

from django.contrib import admin

from moderation.models import AdminFlag
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
