"""The index's own metadata rules, on top of packaging's: a port of Warehouse's `_validate_metadata`.

Supported metadata versions, no local versions, summary length, valid e-mail addresses, known and
current classifiers, http(s) URLs, no direct URL dependencies, the `Dynamic` allow-list and the PEP 639
License / License-Expression rule (Warehouse's `forklift/metadata.py`). `index_rules` yields
(field, message) pairs and works on unvalidated metadata, so it also reports what packaging accepted.
"""

import email.utils
import re
from collections.abc import Iterable, Sequence
from typing import Any
from urllib.parse import urlsplit

import email_validator
import packaging.metadata
from packaging.metadata import Metadata
from packaging.requirements import InvalidRequirement, Requirement
from trove_classifiers import all_classifiers, deprecated_classifiers

from registry.upload.metadata.form_fields import EMAIL_NAME

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

# RFC 2606 reserves these top-level names for documentation and testing. Test packages use them in
# Author-email (`jane@example.invalid`) and email-validator refuses them whatever its options say.
_RESERVED_TEST_TLDS = frozenset({"test", "example", "invalid", "localhost"})


def _get(meta: Metadata, attribute: str) -> Any:
    """A field of unvalidated metadata, or None when packaging finds it invalid (reported already)."""
    try:
        return getattr(meta, attribute)
    except packaging.metadata.InvalidMetadata:
        return None


def index_rules(meta: Metadata) -> Iterable[tuple[str, str]]:
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
                yield EMAIL_NAME[attribute], address

    yield from _classifier_problems(_get(meta, "classifiers") or [])

    for attribute in ("home_page", "download_url"):
        url = _get(meta, attribute)
        if url is not None and not is_valid_url(url):
            yield EMAIL_NAME[attribute], f"{url!r} is not a valid url."

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
                yield EMAIL_NAME[attribute], f"{requirement!r} is invalid: {reason}"
            else:
                if parsed.url is not None:
                    yield EMAIL_NAME[attribute], f"Can't have direct dependency: {requirement!r}"

    # A direct URL reference would make installers fetch code from anywhere (PEP 440 forbids it on
    # public indexes).
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
    """Messages for each address in an RFC 822 address list that email-validator refuses."""
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
    # `Private :: …` classifiers are not in the list, so they are refused here.
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
    """An absolute http(s) URL with a host (no `javascript:`, `file:` or `irc:`).

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
