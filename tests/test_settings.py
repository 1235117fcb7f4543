"""Settings read from the environment, checked in a fresh interpreter (settings load once per process)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# The settings module is read in a fresh interpreter; nothing touches a database.
pytestmark = pytest.mark.unit


def database_options(**env) -> dict:
    code = (
        "import json; from django.conf import settings; "
        "print(json.dumps(settings.DATABASES['default']['OPTIONS']))"
    )
    environment = {
        **os.environ,
        "DATABASE_PREPARED_STATEMENTS": "",
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_SECRET_KEY": "x",
        **env,
    }
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True, text=True, check=True
    )
    return json.loads(result.stdout)


def test_database_url_options_are_kept_beside_prepared_statements():
    options = database_options(DATABASE_URL="postgres://wharf@127.0.0.1:5432/wharf?sslmode=require")
    assert options == {"server_side_binding": True, "prepare_threshold": 5, "sslmode": "require"}


def test_prepared_statements_can_be_turned_off():
    options = database_options(
        DATABASE_URL="postgres://wharf@127.0.0.1:5432/wharf", DATABASE_PREPARED_STATEMENTS="off"
    )
    assert options["prepare_threshold"] is None and options["server_side_binding"] is True
