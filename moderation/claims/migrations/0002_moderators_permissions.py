"""Grant the Moderators group what the claims workbench needs: see claims, review them, decide them.

Permissions are normally created after `migrate` finishes (post_migrate); they are created here first so the
group can be given them in the same run.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

MODERATORS = "Moderators"  # moderation.enums.MODERATORS_GROUP (migrations do not import app code)
CODENAMES = ["view_claim", "review_claim", "decide_claim"]


def grant(apps, schema_editor):
    config = apps.get_app_config("claims")
    config.models_module = True  # historical app configs have none; create_permissions skips those
    create_permissions(config, apps=apps, verbosity=0, using=schema_editor.connection.alias)
    config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=MODERATORS)
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label="claims", codename__in=CODENAMES)
    )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name=MODERATORS).first()
    if group is not None:
        group.permissions.remove(
            *Permission.objects.filter(content_type__app_label="claims", codename__in=CODENAMES)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0001_initial"),
        ("moderation", "0006_moderators_group"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]
    operations = [migrations.RunPython(grant, revoke)]
