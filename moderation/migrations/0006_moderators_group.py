"""The Moderators group: staff who work the moderation queue without superuser rights.

Its permissions are granted by the migrations of the features that need them (moderation queue, claims).
"""

from django.db import migrations

MODERATORS = "Moderators"


def create_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.get_or_create(name=MODERATORS)


class Migration(migrations.Migration):
    dependencies = [("moderation", "0005_audit_log"), ("auth", "0012_alter_user_first_name_max_length")]
    operations = [migrations.RunPython(create_group, migrations.RunPython.noop)]
