"""The METADATA/PKG-INFO inside the archive: read it, and check that it agrees with the uploaded form.

Installers read the archive's own metadata (PEP 658) while the index shows the form's, so a file whose
two sets disagree on Name, Version or Requires-Dist is refused (PyPI accepts the mismatch).
"""

from collections import Counter

import packaging.metadata
from packaging.metadata import Metadata, RawMetadata
from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

from registry.exceptions import InvalidMetadata


def parse_distribution_metadata(data: bytes) -> RawMetadata:
    """Read the METADATA/PKG-INFO bytes of an archive, leniently (unknown or malformed fields are dropped).

    Raises `InvalidMetadata` if the file is not UTF-8 text, the encoding the core-metadata
    specification requires.
    """
    data = data.removeprefix(b"\xef\xbb\xbf")  # a UTF-8 byte order mark would glue onto the first header
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise InvalidMetadata(
            f"The distribution's metadata file is not valid UTF-8 (byte {error.start})."
        ) from None
    raw, _unparsed = packaging.metadata.parse_email(data)
    return raw


def compare_with_distribution(
    form: Metadata, embedded: RawMetadata, *, metadata_file: str = "METADATA"
) -> None:
    """Refuse a file whose embedded metadata disagrees with the uploaded form (PyPI does not).

    Installers read the archive's METADATA (PEP 658) while the index shows the form, so the two must
    say the same about Name (canonicalized), Version (as `Version` objects) and Requires-Dist (as
    multisets of normalized requirements; absent equals empty). `metadata_file` names the file in the
    message: "METADATA" for wheels, "PKG-INFO" for sdists. Raises `InvalidMetadata`.
    """

    def mismatch(field: str, in_file: str, in_form: str) -> InvalidMetadata:
        return InvalidMetadata(
            f"The {field} in the distribution's {metadata_file} file ({in_file}) does not match the "
            f"uploaded metadata ({in_form}); upload the file with the metadata it was built with."
        )

    file_name = embedded.get("name", "")
    if canonicalize_name(file_name) != canonicalize_name(form.name):
        raise mismatch("Name", repr(file_name), repr(form.name))

    file_version = embedded.get("version", "")
    if _as_version(file_version) != form.version:
        raise mismatch("Version", repr(file_version), repr(str(form.version)))

    in_file = Counter(_requirement_key(item) for item in embedded.get("requires_dist") or [])
    in_form = Counter(_requirement_key(str(item)) for item in form.requires_dist or [])
    if in_file != in_form:
        # Name only the requirements that differ, so the sentence stays readable for long lists.
        raise mismatch("Requires-Dist", _describe(in_file - in_form), _describe(in_form - in_file))


def _as_version(value: str) -> Version | None:
    try:
        return Version(value)
    except InvalidVersion:
        return None


def _requirement_key(value: str) -> str:
    """A spelling-independent form of a requirement: canonical name and extras, sorted specifiers."""
    try:
        requirement = Requirement(value)
    except InvalidRequirement:
        return value.strip()
    requirement.name = canonicalize_name(requirement.name)
    requirement.extras = {canonicalize_name(extra) for extra in requirement.extras}
    return str(requirement)


def _describe(requirements: Counter[str]) -> str:
    items = sorted(requirements.elements())
    return repr(", ".join(items)) if items else "none"
