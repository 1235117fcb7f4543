#!/usr/bin/env python3
"""Dependency audit for CI: fail on a known vulnerability in a pinned dependency (pip-audit).

pip-audit asks PyPI's JSON API for each pin's advisories (or OSV with `--vulnerability-service osv`).
Where neither answers (a build machine without that network), every pin comes back "could not be audited":
that is said loudly and the audit passes, so CI is not red for lack of network; wherever a source answers,
a vulnerable pin fails the build. Usage: .ci/audit.py [requirements files...] (default: both of ours).
"""

import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def verdict(report: dict) -> tuple[int, list[str]]:
    """(exit status, lines to print) for a pip-audit JSON report."""
    dependencies = report.get("dependencies", [])
    vulnerable = [dep for dep in dependencies if dep.get("vulns")]
    audited = [dep for dep in dependencies if "skip_reason" not in dep]
    if vulnerable:
        lines = []
        for dep in vulnerable:
            for vuln in dep["vulns"]:
                fixed = ", ".join(vuln.get("fix_versions", [])) or "no release yet"
                lines.append(f"{dep['name']} {dep['version']}: {vuln['id']} (fixed in {fixed})")
        return 1, ["Known vulnerabilities in pinned dependencies:", *lines]
    if dependencies and not audited:
        return 0, [
            f"Dependency audit SKIPPED: no vulnerability source answered for any of {len(dependencies)} pins "
            "(no network to PyPI's JSON API here); run .ci/audit.py where one is reachable."
        ]
    return 0, [f"Dependency audit: {len(audited)} pins audited, no known vulnerabilities."]


def main() -> int:
    files = sys.argv[1:] or ["requirements.txt", "requirements-test.txt"]
    pins = []
    for name in files:  # the `-r requirements.txt` include of the test file is listed explicitly instead
        pins += [
            line
            for line in (ROOT / name).read_text().splitlines()
            if line and not line.startswith(("#", "-r"))
        ]
    with tempfile.TemporaryDirectory() as directory:
        requirements, output = Path(directory) / "pins.txt", Path(directory) / "report.json"
        requirements.write_text("\n".join(pins) + "\n")
        command = [
            sys.executable,
            "-m",
            "pip_audit",
            "--no-deps",
            "--disable-pip",
            "--progress-spinner",
            "off",
        ]
        result = subprocess.run(
            [*command, "-r", str(requirements), "-f", "json", "-o", str(output)],
            capture_output=True,
            text=True,
            timeout=600,
        )
        if not output.exists() or not output.read_text().strip():
            print("Dependency audit SKIPPED: pip-audit could not reach a vulnerability source:")
            print(result.stderr[-2000:])
            return 0
        status, lines = verdict(json.loads(output.read_text()))
    print("\n".join(lines))
    return status


if __name__ == "__main__":
    sys.exit(main())
