"""The CI dependency audit (.ci/audit.py): red on a known vulnerability, never red for lack of network."""

import importlib.util
from pathlib import Path

import pytest

pytestmark = [pytest.mark.unit]

spec = importlib.util.spec_from_file_location(
    "ci_audit", Path(__file__).resolve().parent.parent / ".ci/audit.py"
)
audit = importlib.util.module_from_spec(spec)
spec.loader.exec_module(audit)


def test_a_vulnerable_pin_fails():
    report = {
        "dependencies": [
            {
                "name": "django",
                "version": "5.2.0",
                "vulns": [{"id": "PYSEC-2025-1", "fix_versions": ["5.2.1"]}],
            },
            {"name": "redis", "version": "8.1.0", "vulns": []},
        ]
    }
    assert audit.verdict(report) == (
        1,
        ["Known vulnerabilities in pinned dependencies:", "django 5.2.0: PYSEC-2025-1 (fixed in 5.2.1)"],
    )


def test_clean_pins_pass():
    report = {"dependencies": [{"name": "redis", "version": "8.1.0", "vulns": []}]}
    assert audit.verdict(report) == (0, ["Dependency audit: 1 pins audited, no known vulnerabilities."])


def test_no_reachable_source_passes_and_says_so():
    report = {"dependencies": [{"name": "redis", "skip_reason": "Dependency not found on PyPI"}]}
    status, [line] = audit.verdict(report)
    assert status == 0 and line.startswith("Dependency audit SKIPPED: no vulnerability source answered")
