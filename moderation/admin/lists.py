"""Admin of the admins' switches and lists: flags, banners, prohibited names and domains, spam domains.
Changes go through services, so they take effect everywhere at once and are audited."""

from django import forms
from django.contrib import admin

from moderation.admin.base import audit_trail_html
from moderation.forms import plain_text
from moderation.models import AdminFlag, ProhibitedEmailDomain, ProhibitedProjectName, SiteBanner, SpamDomain
from moderation.services import (
    banner_delete,
    banner_save,
    flag_set,
    list_entry_delete,
    list_entry_save,
    name_prohibit,
)
from moderation.services.actions import REASON_MAX, REMOVAL_PREFIX
from registry.names import is_valid_project_name, normalize
from registry.selectors import project_get
from registry.services.projects import RULE_LABELS, NameRule


class AuditedListAdmin(admin.ModelAdmin):
    """Saves and deletions through the audited list services; no bulk delete (one audit row each)."""

    def save_model(self, request, obj, form, change):
        list_entry_save(entry=obj, actor=request.user)

    def delete_model(self, request, obj):
        list_entry_delete(entry=obj, actor=request.user)

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    @admin.display(description="audit trail")
    def audit(self, obj):
        return audit_trail_html(obj) if obj.pk else "-"


class AdminFlagForm(forms.ModelForm):
    reason = forms.CharField(
        label="Reason for the change",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Recorded in the audit trail, not shown to users.",
    )

    class Meta:
        model = AdminFlag
        fields = ["enabled", "message"]


@admin.register(AdminFlag)
class AdminFlagAdmin(admin.ModelAdmin):
    form = AdminFlagForm
    list_display = ["id", "description", "enabled", "message", "updated", "updated_by"]
    list_filter = ["enabled"]
    fields = ["id", "description", "enabled", "message", "reason", "updated", "updated_by", "audit"]
    readonly_fields = ["id", "description", "updated", "updated_by", "audit"]
    actions = None

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        flag_set(
            flag=obj,
            enabled=obj.enabled,
            message=obj.message,
            actor=request.user,
            reason=form.cleaned_data["reason"],
        )

    @admin.display(description="audit trail")
    def audit(self, obj):
        return audit_trail_html(obj)


@admin.register(SiteBanner)
class SiteBannerAdmin(admin.ModelAdmin):
    list_display = ["message", "level", "enabled", "ends", "updated", "updated_by"]
    list_filter = ["enabled", "level"]
    fields = ["message", "level", "enabled", "ends", "updated", "updated_by", "audit"]
    readonly_fields = ["updated", "updated_by", "audit"]

    def save_model(self, request, obj, form, change):
        banner_save(banner=obj, actor=request.user)

    def delete_model(self, request, obj):
        banner_delete(banner=obj, actor=request.user)

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    @admin.display(description="audit trail")
    def audit(self, obj):
        return audit_trail_html(obj) if obj.pk else "-"


class ProhibitedProjectNameForm(forms.ModelForm):
    """Adding a prohibited name: the name is stored normalized; an existing project of that name is kept or
    removed as the admin chooses (PyPI's admin removes it)."""

    existing_project = forms.ChoiceField(
        label="Existing project of this name",
        required=False,
        choices=[
            ("", "(no project has this name)"),
            ("keep", "Keep it: only new projects are refused the name"),
            ("remove", "Remove it with all its releases and files (filenames stay used)"),
        ],
        help_text="Required when a project already has this name.",
    )

    class Meta:
        model = ProhibitedProjectName
        fields = ["name", "reason"]

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if not is_valid_project_name(name):
            raise forms.ValidationError(
                f"'{name}' is {RULE_LABELS[NameRule.INVALID]}, so no project could take it."
            )
        normalized = normalize(name)
        if ProhibitedProjectName.objects.filter(name=normalized).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(f"'{normalized}' is already prohibited.")
        return normalized

    def clean_reason(self):
        # The same rules as every action's reason; removing a project records it after REMOVAL_PREFIX.
        return plain_text(
            self.cleaned_data["reason"],
            what="The reason",
            minimum=1,
            maximum=REASON_MAX - len(REMOVAL_PREFIX),
        )

    def clean(self):
        cleaned = super().clean()
        self.existing = project_get(name=cleaned["name"]) if cleaned.get("name") else None
        if self.existing is not None and not cleaned.get("existing_project"):
            releases = self.existing.releases.count()
            self.add_error(
                "existing_project",
                f"Project '{self.existing.name}' exists with {releases} release(s): choose whether to keep"
                " it or remove it.",
            )
        return cleaned


@admin.register(ProhibitedProjectName)
class ProhibitedProjectNameAdmin(AuditedListAdmin):
    form = ProhibitedProjectNameForm
    list_display = ["name", "created", "created_by"]
    search_fields = ["name", "reason"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["name", "existing_project", "reason"]
        return ["name", "reason", "created", "created_by", "audit"]

    def get_readonly_fields(self, request, obj=None):
        return ["name", "created", "created_by", "audit"] if obj is not None else []

    def save_model(self, request, obj, form, change):
        if change:  # only the reason can change
            return super().save_model(request, obj, form, change)
        remove = form.existing is not None and form.cleaned_data.get("existing_project") == "remove"
        row = name_prohibit(name=obj.name, actor=request.user, reason=obj.reason, remove_project=remove)
        obj.pk = row.pk
        obj.refresh_from_db()
        if remove:
            removed = form.existing.name
            self.message_user(request, f"Project '{removed}' was removed; its filenames stay used.")


class DomainForm(forms.ModelForm):
    def clean_domain(self):
        domain = self.cleaned_data["domain"].strip().lower().rstrip(".")
        if (
            "." not in domain
            or any(not label for label in domain.split("."))
            or "@" in domain
            or " " in domain
        ):
            raise forms.ValidationError(f"'{domain}' is not a domain name such as example.com.")
        model = self._meta.model
        if model.objects.filter(domain=domain).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(f"'{domain}' is already on the list.")
        return domain


class ProhibitedEmailDomainForm(DomainForm):
    class Meta:
        model = ProhibitedEmailDomain
        fields = ["domain", "reason"]


class SpamDomainForm(DomainForm):
    class Meta:
        model = SpamDomain
        fields = ["domain", "reason"]


@admin.register(ProhibitedEmailDomain)
class ProhibitedEmailDomainAdmin(AuditedListAdmin):
    list_display = ["domain", "reason", "created", "created_by"]
    search_fields = ["domain", "reason"]
    readonly_fields = ["created", "created_by", "audit"]

    form = ProhibitedEmailDomainForm


@admin.register(SpamDomain)
class SpamDomainAdmin(AuditedListAdmin):
    """Web domains spam READMEs link to: risk scoring weighs a link to one (or a subdomain) heavily."""

    list_display = ["domain", "reason", "created", "created_by"]
    search_fields = ["domain", "reason"]
    readonly_fields = ["created", "created_by", "audit"]

    form = SpamDomainForm
