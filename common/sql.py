"""Table and column names for raw SQL, read from the models' `_meta`.

A few hot reads (one per uploaded file, one per token check) are written as raw statements because compiling
the equivalent queryset cost more than running it (docs/decisions/0002-raw-sql-on-the-upload-path.md). Their
statements name tables and columns through `sql()`, so renaming a model's table changes the statement with
it, and renaming or removing a field fails at import with FieldDoesNotExist instead of at run time.
"""

from django.db import connection


class SqlNames:
    """A model's names for a statement: `str()` is its quoted table, an attribute a field's quoted column
    (`pk` is the primary key's)."""

    def __init__(self, model):
        self._meta = model._meta

    def __str__(self) -> str:
        return connection.ops.quote_name(self._meta.db_table)

    def __getattr__(self, name: str) -> str:
        field = self._meta.pk if name == "pk" else self._meta.get_field(name)
        return connection.ops.quote_name(field.column)


def sql(template: str, **models) -> str:
    """`template` with `{Name}` replaced by a model's table and `{Name.field}` by a column, e.g.
    `sql("SELECT f.{File.filename} FROM {File} f", File=File)`."""
    return template.format(**{key: SqlNames(model) for key, model in models.items()})
