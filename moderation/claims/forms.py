"""Forms of name claims: input checks only; whether a name can be claimed is the services' decision."""

from django import forms

from moderation.claims.enums import ClaimKind, OwnerAnswer
from moderation.claims.services.case import MAX_TEXT
from registry.services.projects import MAX_NAME_LENGTH


class ClaimForm(forms.Form):
    """PEP 541's request (PyPI's issue template) as fields: what, why, what for, and the contact tried."""

    name = forms.CharField(label="Project name", max_length=MAX_NAME_LENGTH + 50, strip=True)
    kind = forms.ChoiceField(
        label="What do you ask for?", choices=ClaimKind.choices, widget=forms.RadioSelect
    )
    justification = forms.CharField(
        label="Why? (reasons for the request)", max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 5})
    )
    intended_use = forms.CharField(
        label="What will you publish under this name?",
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    code_url = forms.URLField(
        label="Link to your code",
        max_length=500,
        assume_scheme="https",
        help_text="The repository of what you will publish, e.g. https://git.example.com/you/project.",
    )
    contact_attempts = forms.CharField(
        label="How did you try to contact the owners?",
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="When, and through which addresses or trackers. The moderators will contact them too.",
    )
    contacted_owners = forms.BooleanField(
        label="I tried to contact the project's owners before filing this claim.",
        error_messages={"required": "Try to contact the project's owners first, then confirm it here."},
    )

    def clean_code_url(self):
        url = self.cleaned_data["code_url"]
        if not url.lower().startswith(("https://", "http://")):
            raise forms.ValidationError("Give a web address (http or https) for your code.")
        return url


class ClarifyForm(forms.Form):
    answer = forms.CharField(
        label="Your answer to the moderators", max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 4})
    )


class OwnerAnswerForm(forms.Form):
    answer = forms.ChoiceField(label="Your answer", choices=OwnerAnswer.choices, widget=forms.RadioSelect)
    note = forms.CharField(
        label="Anything the moderators should know (optional, not shown to the claimant)",
        max_length=MAX_TEXT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ModeratorStepForm(forms.Form):
    """The admin's confirmation page of a step: the reason (required where the claimant sees it)."""

    reason = forms.CharField(label="Reason", max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 4}))
    keep_previous_owners = forms.BooleanField(
        label="Keep the previous owners (transfer claims only; by default they and every other collaborator "
        "are removed)",
        required=False,
    )

    def __init__(
        self,
        *args,
        reason_required: bool = True,
        reason_label: str = "Reason",
        offer_keep: bool = False,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        if not offer_keep:  # only approving a transfer claim can keep the previous owners
            del self.fields["keep_previous_owners"]
        self.fields["reason"].required = reason_required
        self.fields["reason"].label = reason_label
        self.fields["reason"].error_messages["required"] = f"{reason_label} is required for this step."
