"""PostgreSQL: a GIN index for project search (registry/search.py). Nothing to do on SQLite.

The indexed expression must stay identical to `registry.search.ReleaseDocument`.
"""

from django.db import migrations

INDEX = "registry_release_search_document"
DOCUMENT = "to_tsvector('english'::regconfig, summary || ' ' || keywords || ' ' || description)"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {INDEX} ON registry_release USING gin (({DOCUMENT}))")


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("registry", "0002_project_pages")]

    operations = [migrations.RunPython(create_index, drop_index)]
