"""Forms of moderation: the report form on project pages, and the reason every admin action asks for."""

from django import forms

from moderation.enums import ReportReason
from moderation.exceptions import ModerationError
from moderation.services.actions import REASON_MAX
from moderation.services.reports import DESCRIPTION_MAX, DESCRIPTION_MIN
from moderation.validators import clean_text


def plain_text(value: str, *, what: str, minimum: int, maximum: int) -> str:
    try:
        return clean_text(value, what=what, minimum=minimum, maximum=maximum)
    except ModerationError as error:
        raise forms.ValidationError(error.message) from None


class ReportForm(forms.Form):
    reason = forms.ChoiceField(
        label="What is wrong with this project?", choices=ReportReason.choices, widget=forms.RadioSelect
    )
    description = forms.CharField(
        label="Describe what you found",
        help_text=(
            f"{DESCRIPTION_MIN} to {DESCRIPTION_MAX} characters of plain text: which versions and files, "
            "what they do, and how you found out."
        ),
        min_length=DESCRIPTION_MIN,
        max_length=DESCRIPTION_MAX,
        widget=forms.Textarea(attrs={"rows": 8, "cols": 70}),
        error_messages={
            "required": "Describe what you found.",
            "min_length": f"The description must be at least {DESCRIPTION_MIN} characters long.",
            "max_length": f"The description must be {DESCRIPTION_MAX} characters or less.",
        },
    )

    def clean_description(self):
        return plain_text(
            self.cleaned_data["description"],
            what="The description",
            minimum=DESCRIPTION_MIN,
            maximum=DESCRIPTION_MAX,
        )


class ReasonForm(forms.Form):
    """The confirmation page of an admin action: why (recorded in the audit trail, and shown to the people
    the action affects where the action says so)."""

    reason = forms.CharField(
        label="Reason",
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 4, "cols": 80}),
        error_messages={
            "required": "Give a reason: it goes into the audit trail.",
            "max_length": f"The reason must be {REASON_MAX} characters or less.",
        },
    )

    def clean_reason(self):
        return plain_text(self.cleaned_data["reason"], what="The reason", minimum=1, maximum=REASON_MAX)


class NoteForm(forms.Form):
    """Approving or rejecting another moderator's request: a note for the record."""

    reason = forms.CharField(
        label="Note",
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 80}),
        error_messages={"required": "Add a note: it goes into the audit trail."},
    )

    def clean_reason(self):
        return plain_text(self.cleaned_data["reason"], what="The note", minimum=1, maximum=REASON_MAX)


class RemoveReasonForm(ReasonForm):
    prohibit_names = forms.BooleanField(
        label="Also prohibit these names, so that no new project can take them", required=False
    )
