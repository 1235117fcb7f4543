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


def setting(name: str, **env):
    code = f"import json; from django.conf import settings; print(json.dumps(settings.{name}))"
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in ("WHARF_SITE_URL", "WHARF_BIND", "WHARF_OIDC_ISSUERS")
    }
    environment.update({"DJANGO_SETTINGS_MODULE": "config.settings", "DJANGO_SECRET_KEY": "x", **env})
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True, text=True
    )
    return result


def test_site_url_follows_the_bind_address_make_run_serves_on():
    assert json.loads(setting("WHARF_SITE_URL").stdout) == "http://127.0.0.1:8000"
    assert (
        json.loads(setting("WHARF_SITE_URL", WHARF_BIND="127.0.0.1:8765").stdout) == "http://127.0.0.1:8765"
    )
    assert json.loads(setting("WHARF_SITE_URL", WHARF_BIND="0.0.0.0:9000").stdout) == "http://127.0.0.1:9000"
    assert json.loads(setting("WHARF_SITE_URL", WHARF_BIND="[::]:9000").stdout) == "http://[::1]:9000"
    assert json.loads(setting("WHARF_SITE_URL", WHARF_BIND="localhost").stdout) == "http://localhost:8000"
    explicit = setting(
        "WHARF_SITE_URL", WHARF_BIND="0.0.0.0:9000", WHARF_SITE_URL="https://index.example.com/"
    )
    assert json.loads(explicit.stdout) == "https://index.example.com"


def test_oidc_issuers_are_checked_at_start():
    good = [{"name": "gitlab", "issuer": "https://git.example.com", "audience": "wharf", "kind": "gitlab"}]
    loaded = json.loads(setting("WHARF_OIDC_ISSUERS", WHARF_OIDC_ISSUERS=json.dumps(good)).stdout)
    assert loaded == [{**good[0], "jwks_url": ""}]
    assert json.loads(setting("WHARF_OIDC_ISSUERS").stdout) == []
    for bad, reason in [
        ("{", "is not valid JSON"),
        ('{"name": "x"}', "must be a JSON list"),
        (json.dumps([{**good[0], "kind": "jenkins"}]), "'kind' must be one of github, gitlab, generic"),
        (json.dumps([{**good[0], "audience": ""}]), "needs a non-empty string 'audience'"),
        (json.dumps([good[0], good[0]]), "repeats the name or issuer URL"),
    ]:
        result = setting("WHARF_OIDC_ISSUERS", WHARF_OIDC_ISSUERS=bad)
        assert result.returncode != 0 and reason in result.stderr, result.stderr
