"""Admin of accounts: users with their email addresses and security log, API tokens, the security log."""

from allauth.account.models import EmailAddress
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.urls import reverse
from django.utils.html import format_html

from accounts.models import ApiToken, SecurityEvent, User
from accounts.services import token_revoke


class EmailAddressInline(admin.TabularInline):
    model = EmailAddress
    fields = ["email", "primary", "verified"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(User)
class WharfUserAdmin(UserAdmin):
    inlines = [EmailAddressInline]
    list_display = ["username", "email", "is_active", "is_staff", "date_joined", "last_login"]
    # Freezing and unfreezing go through the moderation queue (audited, tokens revoked, projects quarantined);
    # a bare "active" checkbox here would undo a freeze without any of that.
    readonly_fields = ["security_log", "last_login", "date_joined", "is_active"]
    fieldsets = [*UserAdmin.fieldsets, ("Security", {"fields": ["security_log"]})]

    @admin.display(description="Security log")
    def security_log(self, obj):
        if obj.pk is None:
            return "-"
        url = reverse("admin:accounts_securityevent_changelist") + f"?user__id__exact={obj.pk}"
        return format_html('<a href="{}">{} events</a>', url, obj.security_events.count())


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["description", "user", "project", "created", "expires", "last_used", "revoked"]
    list_filter = ["revoked"]
    search_fields = ["description", "user__username"]
    list_select_related = ["user", "project"]
    fields = ["user", "description", "project", "created", "expires", "last_used", "revoked"]
    readonly_fields = fields
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # revoking keeps the row, and the log line, for the record

    @admin.action(description="Revoke the selected tokens")
    def revoke(self, request, queryset):
        revoked = sum(token_revoke(token=token) for token in queryset.select_related("user"))
        self.message_user(request, f"{revoked} token{'' if revoked == 1 else 's'} revoked.", messages.SUCCESS)


@admin.register(SecurityEvent)
class SecurityEventAdmin(admin.ModelAdmin):
    list_display = ["created", "user", "kind", "detail", "ip_address"]
    list_filter = ["kind", "created"]
    search_fields = ["user__username", "detail", "ip_address"]
    list_select_related = ["user"]
    date_hierarchy = "created"
    fields = ["user", "kind", "created", "detail", "ip_address", "user_agent"]
    readonly_fields = fields
    actions = None

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False  # the log is a record: viewable, never edited

    def has_delete_permission(self, request, obj=None):
        return False
