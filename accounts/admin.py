"""Admin of accounts: users with their email addresses and security log, API tokens, the security log."""

from allauth.account.models import EmailAddress
from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.urls import reverse
from django.utils.html import format_html

from accounts.enums import TokenPermission
from accounts.exceptions import AccountError
from accounts.models import ApiToken, SecurityEvent, User
from accounts.services import check_token_permissions, token_permissions_set, token_revoke


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


class ApiTokenForm(forms.ModelForm):
    """Only the permissions change here, through `token_permissions_set` (checked and logged)."""

    permissions = forms.MultipleChoiceField(
        choices=TokenPermission.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="'moderate' only for moderators' tokens. The owner's security log records a change.",
    )

    class Meta:
        model = ApiToken
        fields = ["permissions"]

    def clean_permissions(self):
        try:
            permissions = self.cleaned_data["permissions"]
            return check_token_permissions(user=self.instance.user, permissions=permissions)
        except AccountError as error:
            raise forms.ValidationError(error.message) from None


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    form = ApiTokenForm
    list_display = [
        "description",
        "user",
        "project",
        "permissions_label",
        "created",
        "expires",
        "last_used",
        "revoked",
    ]
    list_filter = ["revoked"]
    search_fields = ["description", "user__username"]
    list_select_related = ["user", "project"]
    fields = ["user", "description", "project", "permissions", "created", "expires", "last_used", "revoked"]
    readonly_fields = ["user", "description", "project", "created", "expires", "last_used", "revoked"]
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # revoking keeps the row, and the log line, for the record

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and (obj.revoked is not None or obj.user_id is None):  # revoked, or a publisher's
            return [*self.readonly_fields, "permissions"]
        return self.readonly_fields

    @admin.display(description="permissions")
    def permissions_label(self, token):
        return token.permissions_label

    def save_model(self, request, obj, form, change):
        try:
            token_permissions_set(token=obj, permissions=form.cleaned_data["permissions"], actor=request.user)
        except AccountError as error:
            self.message_user(request, error.message, messages.ERROR)

    @admin.action(description="Revoke the selected tokens")
    def revoke(self, request, queryset):
        revoked = sum(token_revoke(token=token) for token in queryset.select_related("user"))
        self.message_user(request, f"Revoked {revoked} token(s).", messages.SUCCESS)


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
