"""Forms of the registry's web pages: input validation only, the rules live in the services."""

from django import forms

from registry.enums import RoleName
from registry.search import MAX_QUERY_LENGTH
from registry.services.projects import MAX_NAME_LENGTH
from registry.services.releases import MAX_YANK_REASON
from registry.validators import check_confirmation


class SearchForm(forms.Form):
    q = forms.CharField(label="Search projects", max_length=MAX_QUERY_LENGTH, required=False, strip=True)


class NameCheckForm(forms.Form):
    # A little room above the limit, so that an over-long name is judged (and explained) by the policy.
    name = forms.CharField(label="Project name", max_length=MAX_NAME_LENGTH + 50, strip=True)


class InviteForm(forms.Form):
    username = forms.CharField(label="Username", max_length=150)
    role_name = forms.ChoiceField(label="Role", choices=RoleName.choices, initial=RoleName.MAINTAINER)


class RoleChangeForm(forms.Form):
    role_name = forms.ChoiceField(label="Role", choices=RoleName.choices)


class YankForm(forms.Form):
    """PyPI asks for the version to be typed (`confirm_yank_version`) so a release is not yanked by a slip."""

    confirm_version = forms.CharField(label="Type the version to confirm", max_length=100)
    reason = forms.CharField(
        label="Reason (optional, shown to installers)",
        max_length=MAX_YANK_REASON,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, version: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.version = version

    def clean_confirm_version(self):
        return check_confirmation(self.cleaned_data["confirm_version"], expected=self.version, what="version")


class ConfirmForm(forms.Form):
    """Destructive actions: the user types the name of what goes (project name, version or filename)."""

    confirm = forms.CharField(label="Type the name to confirm", max_length=300)

    def __init__(self, *args, expected: str, what: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.expected = expected
        self.what = what
        self.fields["confirm"].label = f"Type the {what} to confirm"

    def clean_confirm(self):
        return check_confirmation(self.cleaned_data["confirm"], expected=self.expected, what=self.what)


class PublisherForm(forms.Form):
    """A trusted publisher as typed on the manage pages; `registry.services.publishing` checks the values.

    Which fields count depends on the issuer's kind: GitHub (owner, repository, workflow file, environment),
    GitLab (namespace, project, CI file path, environment) or generic (claims, one `name=value` a line).
    """

    issuer = forms.ChoiceField(label="Issuer")
    owner = forms.CharField(label="Owner or namespace", max_length=255, required=False)
    repository = forms.CharField(label="Repository or project", max_length=255, required=False)
    workflow = forms.CharField(label="Workflow file or CI file path", max_length=255, required=False)
    environment = forms.CharField(label="Environment (optional)", max_length=255, required=False)
    claims = forms.CharField(
        label="Claims (generic issuers: one name=value a line)",
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, issuer_choices: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["issuer"].choices = issuer_choices

    def clean_claims(self) -> dict:
        claims = {}
        for line in self.cleaned_data["claims"].splitlines():
            if not line.strip():
                continue
            name, equals, value = line.partition("=")
            if not equals:
                raise forms.ValidationError(f"Write each claim as name=value ('{line.strip()}' has no '=').")
            claims[name.strip()] = value.strip()
        return claims


class PendingPublisherForm(PublisherForm):
    project_name = forms.CharField(label="Name of the project to create", max_length=MAX_NAME_LENGTH + 50)

    field_order = ["project_name", "issuer", "owner", "repository", "workflow", "environment", "claims"]
