"""The ORM relations that cross an app boundary stay where docs/decisions/0001-app-boundaries.md puts them.

import-linter (`make lint`) checks Python imports; these checks cover what it cannot see: relations that
accounts reaches by name, without importing the registry.
"""

import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parent.parent


def sources(app: str) -> dict[str, str]:
    """Every Python module of `app` outside its migrations, by path relative to the repository."""
    return {
        str(path.relative_to(ROOT)): path.read_text()
        for path in (ROOT / app).rglob("*.py")
        if "migrations" not in path.parts
    }


def test_accounts_reads_the_registrys_roles_in_one_selector():
    readers = {path for path, text in sources("accounts").items() if re.search(r"\.roles\b", text)}
    assert readers == {"accounts/selectors.py"}


def test_accounts_names_registry_models_only_in_its_own_models():
    naming = {
        path
        for path, text in sources("accounts").items()
        if re.search(r"""["'](registry|moderation|claims)\.[A-Z]\w*["']""", text)
    }
    assert naming == {"accounts/models.py"}
