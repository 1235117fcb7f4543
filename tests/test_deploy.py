"""deploy/: the documented production settings pass `manage.py check --deploy`; the files agree."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "deploy"


def production_env() -> dict[str, str]:
    lines = (DEPLOY / "production.env").read_text().splitlines()
    return dict(line.split("=", 1) for line in lines if line and not line.startswith("#"))


@pytest.mark.unit
def test_check_deploy_is_clean_with_the_documented_settings(tmp_path):
    env = {**production_env(), "WHARF_DATA_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}
    # The documented settings name services that do not exist here; the checks do not connect to them.
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.unit
def test_every_process_runs_the_same_commands():
    procfile = dict(
        line.split(": ", 1) for line in (DEPLOY / "Procfile").read_text().splitlines() if line[:1].isalpha()
    )
    units = {path.stem: path.read_text() for path in (DEPLOY / "systemd").glob("*.service")}
    assert procfile["web"] in units["wharf-web"]
    assert procfile["worker"] in units["wharf-worker"]
    assert procfile["beat"] in units["wharf-beat"]
