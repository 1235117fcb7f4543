"""The upload request's own fields: sanitizing, then Warehouse's upload form checks (`forklift/forms.py`).

Input is a mapping of field name to the list of its values, as the multipart body carried them.
"""

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from registry.exceptions import InvalidUpload, UploadActionGone
from registry.upload.metadata.form_fields import name_field_error

HEX_DIGEST_RE = re.compile(r"[A-Fa-f0-9]{64}\Z")
FILETYPES = ("sdist", "bdist_wheel")
# Fields of the upload itself; every other field is core metadata.
UPLOAD_FIELDS = {
    ":action",
    "protocol_version",
    "filetype",
    "pyversion",
    "md5_digest",
    "sha256_digest",
    "blake2_256_digest",
    "comment",
    "content",
    "gpg_signature",
    "attestations",
}


@dataclass(frozen=True)
class UploadForm:
    filetype: str
    pyversion: str
    md5_digest: str
    sha256_digest: str
    blake2_256_digest: str
    comment: str
    metadata_fields: dict[str, list[str]]

    @property
    def name(self) -> str:
        return self.metadata_fields.get("name", [""])[0]


UPLOAD_ACTION = "file_upload"
PRE_REGISTRATION_GONE = (
    "Project pre-registration is no longer required or supported, upload your files instead."
)
# Actions of the legacy API that PyPI retired, with the answer it gives them.
RETIRED_ACTIONS = {
    "submit": PRE_REGISTRATION_GONE,
    "submit_pkg_info": PRE_REGISTRATION_GONE,
    "doc_upload": (
        "Uploading documentation is no longer supported, we recommend using https://readthedocs.org/."
    ),
}


def check_action(fields: Mapping[str, Sequence[str]]) -> None:
    """The request must ask for `:action=file_upload`; retired actions get their own answer."""
    action = (fields.get(":action") or [""])[0].strip()
    if action in RETIRED_ACTIONS:
        raise UploadActionGone(RETIRED_ACTIONS[action])
    if action != UPLOAD_ACTION:
        raise InvalidUpload(f"Unknown or missing ':action'; uploads use ':action={UPLOAD_ACTION}'.")


def sanitize_fields(fields: Mapping[str, Sequence[str]]) -> dict[str, list[str]]:
    """Drop distutils' `UNKNOWN` placeholders and empty values; escape NUL (Warehouse's
    `sanitize` decorator)."""
    clean: dict[str, list[str]] = {}
    for key, values in fields.items():
        kept = [value.replace("\x00", "\\x00") for value in values if value.strip() not in ("", "UNKNOWN")]
        if kept:
            clean[key] = kept
    return clean


def check_no_file_fields(file_fields: Sequence[str]) -> None:
    """Only `content` (and the ignored `gpg_signature`) may arrive as file parts (as Warehouse)."""
    for field in file_fields:
        if field not in ("content", "gpg_signature"):
            raise InvalidUpload(f"{field}: Should not be a tuple.")


def parse_upload_form(fields: Mapping[str, Sequence[str]]) -> UploadForm:
    """Check protocol version and the upload fields; raise InvalidUpload with Warehouse's message."""
    fields = sanitize_fields(fields)
    if fields.get("protocol_version", ["1"])[0] != "1":
        raise InvalidUpload("Unknown protocol version.")

    def single(key: str) -> str:
        return fields.get(key, [""])[0].strip()

    name_error = name_field_error(single("name"))
    if name_error:
        raise InvalidUpload(name_error)

    filetype, pyversion = single("filetype"), single("pyversion")
    sha256, blake2, md5 = single("sha256_digest"), single("blake2_256_digest"), single("md5_digest")
    if blake2 and not HEX_DIGEST_RE.match(blake2):
        raise InvalidUpload(
            "Invalid value for blake2_256_digest. Error: Use a valid, hex-encoded, BLAKE2 message digest."
        )
    if filetype not in FILETYPES:
        raise InvalidUpload("Invalid value for filetype. Error: Use a known file type.")
    if sha256 and not HEX_DIGEST_RE.match(sha256):
        raise InvalidUpload(
            "Invalid value for sha256_digest. Error: Use a valid, hex-encoded, SHA256 message digest."
        )
    if filetype != "sdist" and not pyversion:
        raise InvalidUpload("Error: Python version is required for binary distribution uploads.")
    if filetype == "sdist":
        if pyversion and pyversion != "source":
            raise InvalidUpload("Error: Use 'source' as Python version for an sdist.")
        pyversion = "source"
    if not (md5 or sha256 or blake2):
        raise InvalidUpload("Error: Include at least one message digest.")
    if fields.get("attestations"):
        # Silently dropping them would let users believe their provenance is published.
        raise InvalidUpload(
            "Attestations (PEP 740) are not supported by this index yet: upload the files without them "
            "(twine: leave out --attestations; the publishing action: set attestations: false)."
        )

    return UploadForm(
        filetype=filetype,
        pyversion=pyversion,
        md5_digest=md5.lower(),
        sha256_digest=sha256.lower(),
        blake2_256_digest=blake2.lower(),
        comment=single("comment"),
        metadata_fields={key: values for key, values in fields.items() if key not in UPLOAD_FIELDS},
    )
