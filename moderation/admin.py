"""Admin of moderation state. Changes go through services so they take effect everywhere at once."""

from django import forms
from django.contrib import admin

from moderation.models import AdminFlag, ProhibitedEmailDomain, ProhibitedProjectName
from moderation.services import flag_set
from registry.names import is_valid_project_name, normalize
from registry.selectors import project_get
from registry.services.projects import project_remove


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


class ProhibitedProjectNameForm(forms.ModelForm):
    """Adding a prohibited name: the name is stored normalized; an existing project of that name is kept or
    removed as the admin chooses (PROTOCOLS.md §5.2: PyPI removes it)."""

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
            raise forms.ValidationError(f"'{name}' is not a valid project name, so no project could take it.")
        normalized = normalize(name)
        if ProhibitedProjectName.objects.filter(name=normalized).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(f"'{normalized}' is already prohibited.")
        return normalized

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
class ProhibitedProjectNameAdmin(admin.ModelAdmin):
    form = ProhibitedProjectNameForm
    list_display = ["name", "created", "created_by"]
    search_fields = ["name", "reason"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["name", "existing_project", "reason"]
        return ["name", "reason", "created", "created_by"]

    def get_readonly_fields(self, request, obj=None):
        return ["name", "created", "created_by"] if obj is not None else []

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
        project = getattr(form, "existing", None)
        if not change and project is not None and form.cleaned_data.get("existing_project") == "remove":
            project_remove(project=project, actor=request.user, check_role=False)
            self.message_user(request, f"Project '{project.name}' was removed; its filenames stay used.")


@admin.register(ProhibitedEmailDomain)
class ProhibitedEmailDomainAdmin(admin.ModelAdmin):
    list_display = ["domain", "reason", "created", "created_by"]
    search_fields = ["domain", "reason"]
    readonly_fields = ["created", "created_by"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
