"""The raw statements of the hot paths name tables and columns through `common.sql`, from the models' `_meta`:
a renamed table changes the statement with it, and a renamed or removed field fails loudly."""

import pytest
from django.core.exceptions import FieldDoesNotExist
from django.db import connection
from django.utils import timezone

from accounts import services as accounts_services
from common.sql import SqlNames, sql
from registry import notifications, selectors
from registry.models import File
from registry.services import intents, uploads

NOW = object()  # a timestamp parameter, adapted for the database at hand
STATEMENTS = {
    "token row": (accounts_services._API_KEY_ROW_SQL, ["0" * 64]),
    "filename clash and open release": (
        uploads._CLASH_AND_RELEASE_SQL,
        ["demo-1.0.tar.gz", "demo-1.0.tar.gz", "0" * 64, 1, "1"],
    ),
    "project with role": (selectors._PROJECT_WITH_ROLE_SQL, [1, "demo"]),
    "index serial": (selectors._LAST_SERIAL_SQL, []),
    "project serial": (selectors._PROJECT_SERIAL_SQL, ["demo"]),
    "release created": (notifications._RELEASE_CREATED_SQL, [1, 1, "Owner", 1]),
    "storage intent": (intents._OPEN_SQL, ["ab/cd/ef/demo-1.0.tar.gz", "0" * 32, "host", 1, NOW]),
}


@pytest.mark.unit
def test_names_come_from_the_models(monkeypatch):
    statement = sql("SELECT f.{File.pk}, f.{File.release} FROM {File} f", File=File)
    assert (
        statement == 'SELECT f."id", f."release_id" FROM "registry_file" f'
    )  # PostgreSQL's and SQLite's quotes
    monkeypatch.setattr(File._meta, "db_table", "registry_distribution")
    assert sql("{File}", File=File) == '"registry_distribution"'


@pytest.mark.unit
def test_a_field_that_is_not_there_fails_loudly():
    with pytest.raises(FieldDoesNotExist):
        str(SqlNames(File).blake2_digest)


@pytest.mark.integration
@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(STATEMENTS))
def test_every_raw_statement_runs_against_the_schema(name):
    statement, params = STATEMENTS[name]
    params = [connection.ops.adapt_datetimefield_value(timezone.now()) if p is NOW else p for p in params]
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        assert cursor.description is None or cursor.fetchall() is not None  # a write returns no rows
