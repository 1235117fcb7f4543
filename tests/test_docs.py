"""The developer docs name tests and modules; renaming one breaks this test instead of the docs."""

import os
import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parent.parent
DOCS = sorted((ROOT / "docs").rglob("*.md"))
TEST_REFERENCE = re.compile(r"`((?:[a-z_0-9]+/)*test_[a-z_0-9]+\.py)(?:::(test_[a-z_0-9]+))?`")
LINK = re.compile(r"\]\(([^)#:]+)(?:#[^)]*)?\)")


@pytest.mark.parametrize("doc", DOCS, ids=lambda path: str(path.relative_to(ROOT)))
def test_every_test_a_doc_names_exists(doc):
    """References are relative to tests/ (`registry/test_pages.py::test_x`) or to the repository."""
    missing = []
    for path, name in TEST_REFERENCE.findall(doc.read_text()):
        module = next((m for m in (ROOT / "tests" / path, ROOT / path) if m.exists()), None)
        if module is None or (name and not re.search(rf"def {name}\b", module.read_text())):
            missing.append(f"{path}::{name}" if name else path)
    assert missing == []


@pytest.mark.parametrize("doc", [*DOCS, ROOT / "README.md"], ids=lambda path: str(path.relative_to(ROOT)))
def test_every_relative_link_of_a_doc_resolves(doc):
    missing = [target for target in LINK.findall(doc.read_text()) if not (doc.parent / target).exists()]
    assert missing == []


# Documents that live outside this repository; code, templates, tests and docs cite PEPs, specifications,
# Warehouse function names or docs/ instead. (Spelled in pieces so that this file does not cite them.)
OUTSIDE_DOCUMENTS = re.compile(
    "|".join(["PROTO" + "COLS", "BAD" + "_INPUTS", "USER" + "_ASKS", r"STYLE\.md"])
)
CHECKED_SUFFIXES = {".py", ".html", ".md", ".txt", ".sh", ".toml"}
SKIPPED_DIRS = {".venv", ".git", "var", "__pycache__", ".pytest_cache", ".ruff_cache", ".hypothesis"}


def checked_files():
    for directory, subdirectories, files in os.walk(ROOT):
        subdirectories[:] = [name for name in subdirectories if name not in SKIPPED_DIRS]
        for name in files:
            if Path(name).suffix in CHECKED_SUFFIXES:
                yield Path(directory) / name


def test_nothing_cites_a_document_outside_the_repository():
    citing = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in checked_files()
        for number, line in enumerate(path.read_text(errors="replace").splitlines(), 1)
        if OUTSIDE_DOCUMENTS.search(line)
    ]
    assert citing == []


def test_readme_tells_the_first_administrator_how_to_reach_the_admin():
    """Three numbered lines: create the superuser (verified address), set up two-factor, log in again."""
    readme = (ROOT / "README.md").read_text()
    steps = readme.split("The first administrator, in three steps", 1)[1].split("\n\n")[1].splitlines()
    assert [line[:3] for line in steps] == ["1. ", "2. ", "3. "]
    assert "--superuser" in steps[0] and "/accounts/2fa/" in steps[1] and "/admin/" in steps[2]
