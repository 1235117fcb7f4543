"""Version spellings from URLs and forms: one canonical form, so `1.0` and `1.0.0` name one release."""

from packaging.utils import canonicalize_version
from packaging.version import InvalidVersion, Version


def canonical_version(version: str) -> str | None:
    """The canonical form of a PEP 440 version (`1.0.0` → `1`), or None when `version` is not one.

    `canonicalize_version` hands an invalid string back unchanged, so the string is parsed first: an
    invalid version from a URL never reaches a query.
    """
    try:
        return canonicalize_version(Version(version))
    except InvalidVersion:
        return None
