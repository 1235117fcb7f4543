"""Search reads one row per project (`registry.models.ProjectSearch`) instead of every release.

On PostgreSQL the row's `document` and `title` get GIN indexes, and the expression index of migration 0003 over every
release's text goes (nothing reads it any more, and each new release paid for it). Existing projects are
indexed here, in batches.
"""

import django.contrib.postgres.search
import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


INDEX = "registry_projectsearch_document"
TITLE_INDEX = "registry_projectsearch_title"
BATCH = 5000


def index_projects(apps, schema_editor):
    from registry.services.search_index import search_entries_refresh

    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS registry_release_search_document")
        schema_editor.execute(f"CREATE INDEX {INDEX} ON registry_projectsearch USING gin (document)")
        schema_editor.execute(f"CREATE INDEX {TITLE_INDEX} ON registry_projectsearch USING gin (title)")
    ids = list(apps.get_model("registry", "Project").objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), BATCH):
        search_entries_refresh(ids[start : start + BATCH])


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")
        schema_editor.execute(f"DROP INDEX IF EXISTS {TITLE_INDEX}")


class Migration(migrations.Migration):

    dependencies = [
        ('registry', '0006_storage_intent'),
    ]

    operations = [
        migrations.AlterField(
            model_name='release',
            name='created',
            field=models.DateTimeField(db_index=True, default=django.utils.timezone.now),
        ),
        migrations.CreateModel(
            name='ProjectSearch',
            fields=[
                ('project', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='+', serialize=False, to='registry.project')),
                ('name', models.CharField(default='', max_length=200)),
                ('title', django.contrib.postgres.search.SearchVectorField(null=True)),
                ('document', django.contrib.postgres.search.SearchVectorField(null=True)),
                ('release', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='search_entries', related_query_name='search_entry', to='registry.release')),
            ],
        ),
        migrations.RunPython(index_projects, drop_index),
    ]
