"""Forms of the account pages, and Wharf's versions of allauth forms (settings ACCOUNT_FORMS, MFA_FORMS)."""

from allauth.account import forms as account_forms
from allauth.account.adapter import get_adapter
from allauth.account.models import EmailAddress
from allauth.mfa.totp.forms import ActivateTOTPForm as AllauthActivateTOTPForm
from allauth.mfa.webauthn.forms import AddWebAuthnForm as AllauthAddWebAuthnForm
from django import forms
from django.core.exceptions import ValidationError

from accounts.adapter import EMAIL_TOO_LONG
from accounts.enums import TokenPermission
from accounts.exceptions import AccountError, EmailNotVerified
from accounts.services import VERIFY_TO_ENABLE_2FA, require_verified_email, token_expiry
from accounts.validators import USERNAME_MAX_LENGTH

ACCOUNT_SCOPE = "account"


class LoginForm(account_forms.LoginForm):
    """allauth's login form with Wharf's words: "Username or email", "Remember me"."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["login"].label = "Username or email"
        if "remember" in self.fields:
            self.fields["remember"].label = "Remember me on this device"


class SignupForm(account_forms.SignupForm):
    """allauth's sign-up form with PyPI's messages for over-long input (Warehouse's `accounts/forms.py`)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].error_messages["max_length"] = (
            f"Choose a username with {USERNAME_MAX_LENGTH} characters or less."
        )
        self.fields[
            "username"
        ].help_text = "ASCII letters, digits, '.', '_' and '-'; starts and ends with a letter or digit."
        self.fields["email"].error_messages["max_length"] = EMAIL_TOO_LONG


def _sentence_case_password_labels(form) -> None:
    """allauth labels its password fields in Title Case ("New Password"); Wharf's labels are sentences."""
    labels = {
        "oldpassword": "Current password",
        "password1": "New password",
        "password2": "New password (again)",
    }
    for name, label in labels.items():
        if name in form.fields:
            form.fields[name].label = label
            form.fields[name].widget.attrs["placeholder"] = label


class ChangePasswordForm(account_forms.ChangePasswordForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _sentence_case_password_labels(self)


class SetPasswordForm(account_forms.SetPasswordForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _sentence_case_password_labels(self)


class ResetPasswordKeyForm(account_forms.ResetPasswordKeyForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _sentence_case_password_labels(self)


class AddEmailForm(account_forms.AddEmailForm):
    """An address another account already has is refused, as PyPI does (its email column is unique).

    allauth's enumeration prevention would pretend success, store the row and mail the address's owner a
    verification link naming this account; a logged-in user learns nothing new from the refusal.
    """

    def clean_email(self):
        email = super().clean_email()
        if EmailAddress.objects.filter(email__iexact=email).exclude(user=self.user).exists():
            raise get_adapter().validation_error("email_taken")
        return email


class ResetPasswordForm(account_forms.ResetPasswordForm):
    """Reset links go to verified addresses only; an unverified one gets a notice (as on PyPI).

    The page answers the same in every case, so it tells nobody whether an account exists.
    """

    def clean_email(self):
        email = super().clean_email()
        verified = set(
            EmailAddress.objects.filter(email__iexact=email, verified=True).values_list("user_id", flat=True)
        )
        self.unverified_users = [user for user in self.users if user.pk not in verified]
        self.users = [user for user in self.users if user.pk in verified]
        return email

    def save(self, request, **kwargs):
        email = self.cleaned_data["email"]
        if self.unverified_users and not self.users:
            get_adapter(request).send_mail("account/email/password_reset_unverified", email, {})
            return email
        return super().save(request, **kwargs)


class TokenCreateForm(forms.Form):
    """Name, scope (the whole account or one of the user's projects), permissions and an optional last day.

    `moderate` is offered to moderators only; the service refuses it to anyone else either way.
    """

    description = forms.CharField(
        label="Token name",
        max_length=100,
        help_text="What the token is for, e.g. 'CI for my-project'.",
        error_messages={"max_length": "Token names are 100 characters or less."},
    )
    scope = forms.ChoiceField(label="Scope")
    permissions = forms.MultipleChoiceField(
        label="Permissions",
        widget=forms.CheckboxSelectMultiple,
        initial=[TokenPermission.UPLOAD],
        help_text="What the token may do within its scope; reading public data needs no permission.",
        error_messages={"required": "Give the token at least one permission."},
    )
    expires_on = forms.DateField(
        label="Expires after",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Optional: the last day (UTC) the token works. Empty: the token does not expire.",
    )

    def __init__(self, *args, projects, moderator: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["permissions"].choices = [
            (value, label)
            for value, label in TokenPermission.choices
            if moderator or value != TokenPermission.MODERATE
        ]
        self.projects = {str(project.pk): project for project in projects}
        self.fields["scope"].choices = [(ACCOUNT_SCOPE, "Whole account (all projects, and new ones)")] + [
            (f"project:{pk}", f"Project: {project.name}") for pk, project in self.projects.items()
        ]

    def clean_scope(self):
        scope = self.cleaned_data["scope"]
        if scope == ACCOUNT_SCOPE:
            return None
        return self.projects[scope.removeprefix("project:")]

    def clean_expires_on(self):
        day = self.cleaned_data.get("expires_on")
        if day is None:
            return None
        try:
            return token_expiry(day)
        except AccountError as error:
            raise ValidationError(error.message) from None


class _VerifiedEmailRequired:
    """Two-factor methods need a verified primary email (as on PyPI)."""

    def clean(self):
        try:
            require_verified_email(self.user, reason=VERIFY_TO_ENABLE_2FA)
        except EmailNotVerified as error:
            raise ValidationError(error.message, code="unverified_email") from None
        return super().clean()


class ActivateTOTPForm(_VerifiedEmailRequired, AllauthActivateTOTPForm):
    pass


class AddWebAuthnForm(_VerifiedEmailRequired, AllauthAddWebAuthnForm):
    pass
