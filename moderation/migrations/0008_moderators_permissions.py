"""Grant the Moderators group exactly what the moderation queue needs (no superuser rights).

Permissions are normally created after `migrate` finishes (post_migrate); they are created here first so the
group can be given them in the same run. The list is `moderation.enums.MODERATOR_PERMISSIONS`, copied (a
migration does not import app code); a test checks that the two agree.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

MODERATORS = "Moderators"
CODENAMES = [
    "view_report",
    "dismiss_report",
    "view_moderatedproject",
    "quarantine_project",
    "remove_project",
    "view_moderateduser",
    "freeze_user",
    "view_pendingaction",
    "approve_pendingaction",
    "view_auditentry",
    "view_prohibitedprojectname",
    "add_prohibitedprojectname",
    "view_prohibitedemaildomain",
    "add_prohibitedemaildomain",
    "change_prohibitedemaildomain",
    "view_spamdomain",
    "add_spamdomain",
    "change_spamdomain",
    "delete_spamdomain",
    "view_adminflag",
    "change_adminflag",
]


def grant(apps, schema_editor):
    config = apps.get_app_config("moderation")
    config.models_module = True  # historical app configs have none; create_permissions skips those
    create_permissions(config, apps=apps, verbosity=0, using=schema_editor.connection.alias)
    config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=MODERATORS)
    permissions = list(Permission.objects.filter(content_type__app_label="moderation", codename__in=CODENAMES))
    missing = set(CODENAMES) - {permission.codename for permission in permissions}
    if missing:
        raise RuntimeError(f"Permissions missing for the Moderators group: {sorted(missing)}")
    group.permissions.add(*permissions)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name=MODERATORS).first()
    if group is not None:
        group.permissions.remove(
            *Permission.objects.filter(content_type__app_label="moderation", codename__in=CODENAMES)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("moderation", "0007_moderation_queue"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]
    operations = [migrations.RunPython(grant, revoke)]
