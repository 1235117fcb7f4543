import accounts.models
from django.db import migrations, models


class Migration(migrations.Migration):
    """Tokens gain permissions; every existing token keeps what it could do: upload. The security log
    records permission changes."""

    dependencies = [("accounts", "0005_publisher_tokens")]

    operations = [
        migrations.AddField(
            model_name="apitoken",
            name="permissions",
            field=models.JSONField(default=accounts.models.default_token_permissions),
        ),
        migrations.AlterField(
            model_name="securityevent",
            name="kind",
            field=models.CharField(
                choices=[
                    ("signed-up", "Account created"),
                    ("login", "Logged in"),
                    ("login-failed", "Failed login"),
                    ("2fa-failed", "Failed two-factor code"),
                    ("logout", "Logged out"),
                    ("password-changed", "Password changed"),
                    ("password-reset", "Password reset by email"),
                    ("email-added", "Email address added"),
                    ("email-verified", "Email address verified"),
                    ("email-removed", "Email address removed"),
                    ("email-primary-changed", "Primary email address changed"),
                    ("token-created", "API token created"),
                    ("token-used", "API token used"),
                    ("token-revoked", "API token revoked"),
                    ("token-permissions-changed", "API token permissions changed"),
                    ("2fa-enabled", "Two-factor method added"),
                    ("2fa-disabled", "Two-factor method removed"),
                    ("recovery-codes-regenerated", "Recovery codes regenerated"),
                    ("recovery-code-used", "Recovery code used"),
                    ("account-frozen", "Account frozen by the moderators"),
                    ("account-unfrozen", "Account unfrozen by the moderators"),
                ],
                max_length=40,
            ),
        ),
    ]
