"""Admin of accounts and tokens."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from accounts.models import ApiToken, User

admin.site.register(User, UserAdmin)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["description", "user", "project", "created", "expires", "last_used", "revoked"]
    list_filter = ["revoked"]
    search_fields = ["description", "user__username"]
    list_select_related = ["user", "project"]
    fields = ["user", "description", "project", "created", "expires", "last_used", "revoked"]
    readonly_fields = fields
    actions = None

    def has_add_permission(self, request):
        return False
