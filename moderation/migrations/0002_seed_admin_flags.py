"""Create the admin flags, switched off, with the messages users see (Warehouse's `AdminFlagValue`)."""

from django.db import migrations

FLAGS = [
    (
        "read-only",
        "Read-only mode: every change refused",
        "Read-only mode: uploads and other changes are temporarily disabled. See /status/ for more information.",
    ),
    (
        "disallow-new-upload",
        "Disallow new uploads",
        "New uploads are temporarily disabled. See /help/#admin-intervention for more information.",
    ),
    (
        "disallow-new-project-registration",
        "Disallow new project registration",
        "New project registration temporarily disabled. See /help/#admin-intervention for more information.",
    ),
    (
        "disallow-new-user-registration",
        "Disallow new user registration",
        "New user registration temporarily disabled. See /help/#admin-intervention for more information.",
    ),
]


def seed(apps, schema_editor):
    AdminFlag = apps.get_model("moderation", "AdminFlag")
    for flag_id, description, message in FLAGS:
        AdminFlag.objects.get_or_create(
            id=flag_id, defaults={"description": description, "message": message, "enabled": False}
        )


class Migration(migrations.Migration):
    dependencies = [("moderation", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
