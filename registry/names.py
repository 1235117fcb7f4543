"""Project name rules that need no database: validity, normal forms and the standard-library names.

The name policy for new projects (`registry.services.projects.name_decision`) builds on these.
"""

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from packaging.utils import canonicalize_name

STDLIB_DATA = Path(__file__).resolve().parent / "data" / "stdlib_modules.json"

# ASCII only, no IGNORECASE (it would let the Kelvin sign match `k`), anchored with \Z not `$`.
PROJECT_NAME_RE = re.compile(r"(?:[A-Za-z0-9]|[A-Za-z0-9][A-Za-z0-9._-]*[A-Za-z0-9])\Z", re.ASCII)


def is_valid_project_name(name: str) -> bool:
    return bool(PROJECT_NAME_RE.match(name))


def normalize(name: str) -> str:
    """PEP 503 normal form: lower case, runs of `.`, `_`, `-` become one `-`."""
    return canonicalize_name(name)


def wheel_name_part(name: str) -> str:
    """How a project's name appears at the start of its filenames (PEP 427/625): normalized, `-` → `_`."""
    return normalize(name).replace("-", "_")


# Warehouse's `ultranormalize_name`: separators dropped, l/i read as 1 and o as 0.
_ULTRA = str.maketrans({"-": None, "l": "1", "i": "1", "o": "0"})


def ultranormalize(name: str) -> str:
    """The form two names must not share: `toast1ng`, `Toast-ing` and `t0astlng` all give `t0ast1ng`.

    Built on the PEP 503 form (lower case, one kind of separator), so the database can compute the same
    value from `Project.normalized_name` (see `Project.ultranormalized_name`).
    """
    return normalize(name).translate(_ULTRA)


@dataclass(frozen=True)
class StdlibModule:
    """A standard-library module a name conflicts with, and the Python versions that had it."""

    module: str
    ranges: tuple[tuple[str, str], ...]

    @property
    def versions_text(self) -> str:
        """`Python 2.6 to 3.14`, `Python 2.5`, `Python 2.6 to 2.7 and 3.4 to 3.14`."""
        parts = [first if first == last else f"{first} to {last}" for first, last in self.ranges]
        return "Python " + (parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1])


@cache
def _stdlib_data() -> dict:
    # Loaded on first use, not at import: only name checks need it.
    return json.loads(STDLIB_DATA.read_text())


def stdlib_versions() -> list[str]:
    """The Python versions the standard-library data covers, oldest first."""
    return _stdlib_data()["versions"]


def stdlib_conflicts(name: str) -> list[StdlibModule]:
    """The standard-library modules `name` would shadow, every spelling (the one typed first); [] if none.

    Compared as Warehouse does: PEP 503 normal form after stripping leading and trailing `-_.`, against
    every module and dotted prefix of Python 2.5 to the present (registry/data/stdlib_modules.json).
    """
    entries = _stdlib_data()["modules"].get(canonicalize_name(name.strip("-_.")), [])
    modules = [
        StdlibModule(module=module, ranges=tuple((first, last) for first, last in runs))
        for module, runs in entries
    ]
    # The spelling the user typed (up to case and separators) first: `imp` is about `imp`, not `_imp`.
    typed = canonicalize_name(name)
    return sorted(modules, key=lambda module: canonicalize_name(module.module) != typed)
