"""Project name rules that need no database: validity and normal forms.

The name policy for new projects (stdlib, prohibited, too similar) builds on these.
"""

import re

from packaging.utils import canonicalize_name

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
