"""Core metadata of an upload: twine's form fields → a validated `packaging.metadata.Metadata`.

A port of Warehouse's `forklift/metadata.py` (PROTOCOLS.md §1.2 and §1.5): the form is mapped to
`RawMetadata`, validated by `packaging`, then by the index's own rules. Every problem is collected;
the exception carries all of them (`MetadataErrors.errors`) and shows the uploader the one Warehouse
would show. Also reads the METADATA/PKG-INFO embedded in an archive and checks that it agrees with the
form (BAD_INPUTS D25, a [gap] in PyPI). Pure: no Django, no database.
"""

import email.utils
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, cast
from urllib.parse import urlsplit

import email_validator
import packaging.metadata
from packaging.metadata import Metadata, RawMetadata
from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version
from trove_classifiers import all_classifiers, deprecated_classifiers

from registry.exceptions import InvalidMetadata
from registry.names import is_valid_project_name

CORE_METADATA_HELP = "See https://packaging.python.org/specifications/core-metadata for more information."

# Metadata 2.0 never existed as a standard (PEP 426 was withdrawn) and 2.6 is newer than Warehouse
# accepts, although `packaging` knows it; both are refused like PyPI does.
SUPPORTED_METADATA_VERSIONS = frozenset({"1.0", "1.1", "1.2", "2.1", "2.2", "2.3", "2.4", "2.5"})

# Warehouse's allow-list for `Dynamic` (PEP 643, PEP 794), spelled as stored: `str.title()` of the
# lower-cased field name that `packaging` hands back. `Dynamic` itself is deliberately absent.
DYNAMIC_FIELDS = (
    "Platform",
    "Supported-Platform",
    "Summary",
    "Description",
    "Description-Content-Type",
    "Keywords",
    "Home-Page",
    "Download-Url",
    "Author",
    "Author-Email",
    "Maintainer",
    "Maintainer-Email",
    "License",
    "License-Expression",
    "License-File",
    "Classifier",
    "Requires-Dist",
    "Requires-Python",
    "Requires-External",
    "Project-Url",
    "Provides-Extra",
    "Provides-Dist",
    "Obsoletes-Dist",
    "Requires",
    "Provides",
    "Obsoletes",
    "Import-Name",
    "Import-Namespace",
)
_DYNAMIC_ALLOWED = frozenset(field.lower() for field in DYNAMIC_FIELDS)

SUMMARY_MAX_LENGTH = 512
PROJECT_URL_LABEL_MAX_LENGTH = 32

_LINE_BREAKS = re.compile(r"\s*[\r\n]+\s*")
_NAME_RULE = "Start and end with a letter or numeral containing only ASCII numeric and '.', '_' and '-'."
# Warehouse reports these fields first because they influence every other error (`_error_message_order`).
_FIRST_FIELDS = ("metadata-version", "name", "version")

# RFC 2606 reserves these top-level names for documentation and testing. Test packages use them in
# Author-email (`jane@example.invalid`) and email-validator refuses them whatever its options say.
_RESERVED_TEST_TLDS = frozenset({"test", "example", "invalid", "localhost"})


@dataclass(frozen=True)
class _Field:
    raw: str  # key in packaging's RawMetadata
    email: str  # core-metadata header name, lower case (the `field` of packaging's errors)
    kind: str  # "single", "multi", "keywords" or "urls"


# The form side of PROTOCOLS.md §1.2: form field name (as twine sends it) → RawMetadata key. Form names
# are the raw keys, except the five renamed ones (platform, supported_platform, license_file,
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
_EMAIL_NAME = {spec.raw: spec.email for spec in FORM_FIELDS.values()}

# Warehouse validates in stages and stops at the first stage that fails, so the error it shows comes
# from the earliest failing stage. We run every stage to collect every error and sort by stage first.
_STAGE_FORM = 0  # the upload form's Name check (forms.py, PROTOCOLS.md §1.4 row 6)
_STAGE_UNPARSED = 1  # form data that cannot become RawMetadata
_STAGE_PACKAGING = 2  # Metadata.from_raw(validate=True)
_STAGE_INDEX = 3  # this index's own rules (Warehouse's `_validate_metadata`)


class MetadataErrors(InvalidMetadata):
    """Invalid upload metadata: `message` is the error Warehouse would show, `errors` lists them all."""

    def __init__(self, errors: Sequence[str]):
        super().__init__(errors[0])
        self.errors = list(errors)


@dataclass(frozen=True)
class _Problem:
    stage: int
    field: str
    message: str

    def sort_key(self) -> tuple[int, int, str]:
        rank = _FIRST_FIELDS.index(self.field) if self.field in _FIRST_FIELDS else len(_FIRST_FIELDS)
        return (self.stage, rank, self.field)

    def formatted(self) -> str:
        # The message becomes an HTTP reason phrase, which cannot hold a line break.
        message = _LINE_BREAKS.sub(" ", self.message)
        if self.stage == _STAGE_FORM:
            return message  # already complete, like Warehouse's form error
        end = "" if message.endswith(".") else "."
        return f"{message}{end} {CORE_METADATA_HELP}"


def parse_form_metadata(fields: Mapping[str, Sequence[str]]) -> Metadata:
    """Turn the upload's metadata form fields into validated core metadata.

    `fields` maps each form field name to the list of its values, already sanitized (UNKNOWN and
    empty values dropped, NUL escaped). A mapping with `getlist` (a Django QueryDict) also works.
    Returns the `Metadata`; its `dynamic` is title-cased the way it is stored. Raises
    `MetadataErrors` (an `InvalidMetadata`) listing every problem, the first one as its message.
    """
    problems: list[_Problem] = []
    _check_form_name(fields, problems)
    raw, unparsed = _raw_from_form(fields)
    if "description" in raw:
        raw["description"] = unfold_description(raw["description"])
    problems += [
        _Problem(_STAGE_UNPARSED, FORM_FIELDS[key].email, f"{key!r} has invalid data") for key in unparsed
    ]
    skipped = {FORM_FIELDS[key].raw for key in unparsed}

    validated = None
    try:
        validated = Metadata.from_raw(raw, validate=True)
    except ExceptionGroup as group:
        for error in _flatten(group):
            if not isinstance(error, packaging.metadata.InvalidMetadata):
                raise
            # A single-valued field sent twice is reported above; don't also call it missing.
            if error.field.replace("-", "_") in skipped and "required field" in str(error):
                continue
            problems.append(_Problem(_STAGE_PACKAGING, error.field, _stable_choices(str(error))))

    # Run the index rules on an unvalidated view, so that they see whatever fields did parse.
    unchecked = Metadata.from_raw(raw, validate=False)
    problems += [_Problem(_STAGE_INDEX, field, message) for field, message in _index_rules(unchecked)]

    if problems or validated is None:
        problems.sort(key=_Problem.sort_key)
        raise MetadataErrors([problem.formatted() for problem in problems])

    if validated.dynamic:
        # Header names are case-insensitive; Warehouse stores the title-cased spelling (an enum).
        validated.dynamic = [field.title() for field in validated.dynamic]
    return validated


def _values(fields: Mapping[str, Any], key: str) -> list[str]:
    getlist = getattr(fields, "getlist", None)
    value = getlist(key) if callable(getlist) else fields[key]
    values = [value] if isinstance(value, str) else list(value)
    # The sanitizer drops empty values already; an empty string is "absent" for every field.
    return [item for item in values if item != ""]


def _check_form_name(fields: Mapping[str, Any], problems: list[_Problem]) -> None:
    """Warehouse's upload form checks Name before any metadata (PROTOCOLS.md §1.4 row 6, BAD_INPUTS D2/D5)."""
    names = _values(fields, "name") if "name" in fields else []
    name = names[0] if names else ""
    if name and is_valid_project_name(name):
        return
    reason = _NAME_RULE if name else "This field is required."
    shown = f"{name[:30]}...{name[-30:]}" if len(name) > 60 else name
    message = f"{shown!r} is an invalid value for Name. Error: {reason} {CORE_METADATA_HELP}"
    problems.append(_Problem(_STAGE_FORM, "name", message))


def _raw_from_form(fields: Mapping[str, Any]) -> tuple[RawMetadata, list[str]]:
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
            # Read every value, not just the first, so a second `name=` cannot slip by (BAD_INPUTS A7).
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


# packaging prints the allowed Description-Content-Type values from a set, so their order changes from
# one process to the next; show them in one fixed order (the one BAD_INPUTS D23 quotes).
_CHOICE_ORDER = (["text/markdown", "text/x-rst", "text/plain"], ["GFM", "CommonMark"])
_CHOICES_RE = re.compile(r"\[('[^'\]]*'(?:, '[^'\]]*')*)\]")


def _stable_choices(message: str) -> str:
    def reorder(match: re.Match[str]) -> str:
        items = {item.strip("'") for item in match.group(1).split(", ")}
        for order in _CHOICE_ORDER:
            if items == set(order):
                return repr(order)
        return match.group(0)

    return _CHOICES_RE.sub(reorder, message)


def _flatten(group: BaseExceptionGroup) -> Iterable[BaseException]:
    for error in group.exceptions:
        if isinstance(error, BaseExceptionGroup):
            yield from _flatten(error)
        else:
            yield error


def _get(meta: Metadata, attribute: str) -> Any:
    """A field of unvalidated metadata, or None when packaging finds it invalid (reported already)."""
    try:
        return getattr(meta, attribute)
    except packaging.metadata.InvalidMetadata:
        return None


def _index_rules(meta: Metadata) -> Iterable[tuple[str, str]]:
    """Warehouse's rules on top of packaging's (`_validate_metadata`), as (field, message) pairs."""
    metadata_version = _get(meta, "metadata_version")
    if metadata_version is not None and metadata_version not in SUPPORTED_METADATA_VERSIONS:
        yield "metadata-version", f"{metadata_version!r} is not a valid metadata version"

    version = _get(meta, "version")
    if version is not None and version.local:
        yield "version", f"The use of local versions in '{version}' is not allowed."

    summary = _get(meta, "summary")
    if isinstance(summary, str) and len(summary) > SUMMARY_MAX_LENGTH:
        yield "summary", f"'summary' field must be {SUMMARY_MAX_LENGTH} characters or less."

    for attribute in ("author_email", "maintainer_email"):
        if addresses := _get(meta, attribute):
            for address in _invalid_addresses(addresses):
                yield _EMAIL_NAME[attribute], address

    yield from _classifier_problems(_get(meta, "classifiers") or [])

    for attribute in ("home_page", "download_url"):
        url = _get(meta, attribute)
        if url is not None and not is_valid_url(url):
            yield _EMAIL_NAME[attribute], f"{url!r} is not a valid url."

    for label, url in (_get(meta, "project_urls") or {}).items():
        if not label:
            yield "project-url", "Must have a label"
        elif len(label) > PROJECT_URL_LABEL_MAX_LENGTH:
            yield "project-url", f"{label!r} must be {PROJECT_URL_LABEL_MAX_LENGTH} characters or less."
        elif not url:
            yield "project-url", "Must have a URL"
        elif not is_valid_url(url):
            yield "project-url", f"{url!r} is not a valid url"

    # packaging leaves Provides-Dist and Obsoletes-Dist as strings; parse them here.
    for attribute in ("provides_dist", "obsoletes_dist"):
        for requirement in _get(meta, attribute) or []:
            try:
                parsed = Requirement(requirement)
            except InvalidRequirement as error:
                # packaging's message continues with the input and a caret on further lines.
                reason = str(error).splitlines()[0]
                yield _EMAIL_NAME[attribute], f"{requirement!r} is invalid: {reason}"
            else:
                if parsed.url is not None:
                    yield _EMAIL_NAME[attribute], f"Can't have direct dependency: {requirement!r}"

    # A direct URL reference would make installers fetch code from anywhere (PEP 440 forbids it on
    # public indexes); BAD_INPUTS D19.
    for requirement in _get(meta, "requires_dist") or []:
        if requirement.url is not None:
            yield "requires-dist", f"Can't have direct dependency: {requirement}"

    for field in _get(meta, "dynamic") or []:
        if field not in _DYNAMIC_ALLOWED:
            yield "dynamic", f"Dynamic field {field!r} is not a valid dynamic field."

    # PEP 639: License is deprecated once License-Expression is present.
    if _get(meta, "license") and _get(meta, "license_expression"):
        yield (
            "license",
            "License is deprecated when License-Expression is present. "
            "Only License-Expression should be present.",
        )


def _invalid_addresses(value: str) -> Iterable[str]:
    """Messages for each address in an RFC 822 address list that email-validator refuses (BAD_INPUTS D18)."""
    # `"Jane Doe" <jane@example.com>, bob@example.com` is common; a display name alone (`Foo <>`) is fine.
    addresses = [address for _, address in email.utils.getaddresses([value]) if address]
    if not addresses and "@" in value:
        # getaddresses() silently drops what it cannot parse (`not-an-address@`); check it as written.
        addresses = [value.strip().rpartition("<")[2].rstrip(">").strip()]
    for address in addresses:
        try:
            _validate_address(address)
        except email_validator.EmailNotValidError as error:
            yield f"{address!r} is not a valid email address: {error}"


def _validate_address(address: str) -> None:
    local, at, domain = address.rpartition("@")
    labels = domain.split(".")
    if at and labels[-1].lower() in _RESERVED_TEST_TLDS:
        # Check the syntax with a neutral top-level label of the same length, so that length limits
        # still apply but the reserved name itself is accepted.
        labels[-1] = "x" * len(labels[-1])
        address = f"{local}@{'.'.join(labels)}"
    # No DNS (uploads must not wait on it) and no "globally deliverable" rule: single-label domains
    # and test domains appear in real packages.
    email_validator.validate_email(address, check_deliverability=False, globally_deliverable=False)


def _classifier_problems(classifiers: Sequence[str]) -> Iterable[tuple[str, str]]:
    chosen = set(classifiers)
    # `Private :: …` classifiers are not in the list, so they are refused here (BAD_INPUTS D14).
    for classifier in sorted(chosen - set(all_classifiers)):
        yield "classifier", f"{classifier!r} is not a valid classifier."
    for classifier in sorted(chosen & deprecated_classifiers.keys()):
        replacements = deprecated_classifiers[classifier]
        if replacements:
            yield (
                "classifier",
                f"The classifier {classifier!r} has been deprecated, use one of {replacements} instead.",
            )
        else:
            yield "classifier", f"The classifier {classifier!r} has been deprecated."


_HOST_RE = re.compile(r"[A-Za-z0-9\-._~%!$&'()*+,;=]+\Z|\[[0-9A-Fa-f:.]+\]\Z")


def is_valid_url(url: str) -> bool:
    """An absolute http(s) URL with a host (BAD_INPUTS D16).

    Stricter than Warehouse's `is_valid_uri(require_authority=False)` in requiring a host, so
    `https:foo` is refused; like it, spaces in the path are tolerated. Control characters are not.
    """
    if any(ord(char) < 32 or ord(char) == 127 for char in url):
        return False
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 -- raises ValueError for a port that is not a number in range
    except ValueError:
        return False
    host = parts.netloc.rpartition("@")[2]
    host = host.rsplit(":", 1)[0] if not host.endswith("]") else host
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname) and bool(_HOST_RE.match(host))


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
    """Refuse a file whose embedded metadata disagrees with the uploaded form (BAD_INPUTS D25 [gap]).

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


__all__ = [
    "CORE_METADATA_HELP",
    "DYNAMIC_FIELDS",
    "FORM_FIELDS",
    "SUPPORTED_METADATA_VERSIONS",
    "MetadataErrors",
    "compare_with_distribution",
    "is_valid_url",
    "parse_distribution_metadata",
    "parse_form_metadata",
    "unfold_description",
]
