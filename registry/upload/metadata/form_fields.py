"""The upload form's side of core metadata: twine's form fields → packaging's `RawMetadata`.

Which form field feeds which RawMetadata key (`FORM_FIELDS`), how repeated and empty values are read, the
upload form's own Name check that Warehouse runs before any metadata (its `UploadForm`),
and the unfolding of a Description that was written as an indented header.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, cast

from packaging.metadata import RawMetadata

from registry.names import is_valid_project_name
from registry.upload.metadata.errors import CORE_METADATA_HELP, STAGE_FORM, Problem

_NAME_RULE = "Start and end with a letter or numeral containing only ASCII numeric and '.', '_' and '-'."


@dataclass(frozen=True)
class _Field:
    raw: str  # key in packaging's RawMetadata
    email: str  # core-metadata header name, lower case (the `field` of packaging's errors)
    kind: str  # "single", "multi", "keywords" or "urls"


# The form side of Warehouse's `parse_form_metadata`: form field name (as twine sends it) → RawMetadata key.
# Form names are the raw keys, except the five renamed ones (platform, supported_platform, license_file,
# import_name, import_namespace). Unknown form fields are ignored, like Warehouse does.
FORM_FIELDS: dict[str, _Field] = {
    "metadata_version": _Field("metadata_version", "metadata-version", "single"),
    "name": _Field("name", "name", "single"),
    "version": _Field("version", "version", "single"),
    "summary": _Field("summary", "summary", "single"),
    "description": _Field("description", "description", "single"),
    "description_content_type": _Field("description_content_type", "description-content-type", "single"),
    "keywords": _Field("keywords", "keywords", "keywords"),
    "home_page": _Field("home_page", "home-page", "single"),
    "download_url": _Field("download_url", "download-url", "single"),
    "author": _Field("author", "author", "single"),
    "author_email": _Field("author_email", "author-email", "single"),
    "maintainer": _Field("maintainer", "maintainer", "single"),
    "maintainer_email": _Field("maintainer_email", "maintainer-email", "single"),
    "license": _Field("license", "license", "single"),
    "license_expression": _Field("license_expression", "license-expression", "single"),
    "license_file": _Field("license_files", "license-file", "multi"),
    "classifiers": _Field("classifiers", "classifier", "multi"),
    "platform": _Field("platforms", "platform", "multi"),
    "supported_platform": _Field("supported_platforms", "supported-platform", "multi"),
    "requires_dist": _Field("requires_dist", "requires-dist", "multi"),
    "provides_dist": _Field("provides_dist", "provides-dist", "multi"),
    "obsoletes_dist": _Field("obsoletes_dist", "obsoletes-dist", "multi"),
    "requires_python": _Field("requires_python", "requires-python", "single"),
    "requires_external": _Field("requires_external", "requires-external", "multi"),
    "project_urls": _Field("project_urls", "project-url", "urls"),
    "provides_extra": _Field("provides_extra", "provides-extra", "multi"),
    "dynamic": _Field("dynamic", "dynamic", "multi"),
    "requires": _Field("requires", "requires", "multi"),
    "provides": _Field("provides", "provides", "multi"),
    "obsoletes": _Field("obsoletes", "obsoletes", "multi"),
    "import_name": _Field("import_names", "import-name", "multi"),
    "import_namespace": _Field("import_namespaces", "import-namespace", "multi"),
}
# RawMetadata key → core-metadata header name, as packaging names fields in its errors.
EMAIL_NAME = {spec.raw: spec.email for spec in FORM_FIELDS.values()}


def _values(fields: Mapping[str, Any], key: str) -> list[str]:
    getlist = getattr(fields, "getlist", None)
    value = getlist(key) if callable(getlist) else fields[key]
    values = [value] if isinstance(value, str) else list(value)
    # The sanitizer drops empty values already; an empty string is "absent" for every field.
    return [item for item in values if item != ""]


def check_form_name(fields: Mapping[str, Any], problems: list[Problem]) -> None:
    """Warehouse's upload form checks Name before any metadata (its `UploadForm`)."""
    names = _values(fields, "name") if "name" in fields else []
    message = name_field_error(names[0] if names else "")
    if message:
        problems.append(Problem(STAGE_FORM, "name", message))


def name_field_error(name: str) -> str | None:
    """Warehouse's upload-form message for the Name field, or None when `name` is a valid project name."""
    if name and is_valid_project_name(name):
        return None
    reason = _NAME_RULE if name else "This field is required."
    shown = f"{name[:30]}...{name[-30:]}" if len(name) > 60 else name
    return f"{shown!r} is an invalid value for Name. Error: {reason} {CORE_METADATA_HELP}"


def raw_from_form(fields: Mapping[str, Any]) -> tuple[RawMetadata, list[str]]:
    """Map form fields to RawMetadata the way packaging maps email headers; return it and unparsable keys."""
    raw: dict[str, Any] = {}
    unparsed: list[str] = []
    for key in sorted(fields):
        spec = FORM_FIELDS.get(key)
        if spec is None:
            continue  # unrelated form data, or a misspelled field: ignored like Warehouse does
        values = _values(fields, key)
        if not values:
            continue
        if spec.kind == "multi":
            raw[spec.raw] = values
        elif spec.kind == "urls":
            urls = _parse_project_urls(values)
            if urls is None:
                unparsed.append(key)
            else:
                raw[spec.raw] = urls
        elif len(values) != 1:
            # Read every value, not just the first, so a second `name=` cannot slip by.
            unparsed.append(key)
        elif spec.kind == "keywords":
            # Serialized as ", ".join(keywords); keywords separated by spaces are simply one keyword.
            raw[spec.raw] = [keyword.strip() for keyword in values[0].split(",")]
        else:
            raw[spec.raw] = values[0]
    return cast(RawMetadata, raw), unparsed


def unfold_description(text: str) -> str:
    """Undo the indentation distutils and setuptools put on a Description written as a header.

    Metadata before 2.1 (and many later files) carry the description in a header whose continuation
    lines start with 8 spaces (or, per the old specification, 7 spaces and `|`). twine before 6.0
    (pkginfo) removed it; twine now sends it as is (pypa/twine#1218), which makes reStructuredText
    fail to render. The prefix is removed only when every non-blank continuation line has it.
    """
    first, newline, rest = text.partition("\n")
    if not newline:
        return text
    lines = rest.split("\n")
    for prefix in (" " * 8, " " * 7 + "|"):
        if all(line.startswith(prefix) or not line.strip() for line in lines) and any(
            line.startswith(prefix) for line in lines
        ):
            unfolded = [line[len(prefix) :] if line.startswith(prefix) else "" for line in lines]
            return "\n".join([first, *unfolded])
    return text


def _parse_project_urls(values: Iterable[str]) -> dict[str, str] | None:
    """`"Label, URL"` pairs → mapping; None when a label repeats (packaging treats that as unparsable)."""
    urls: dict[str, str] = {}
    for value in values:
        label, _, url = (part.strip() for part in value.partition(","))
        if label in urls:
            return None
        urls[label] = url
    return urls
