"""The pure upload pipeline: request fields → checked form and metadata → checked distribution file.

Two stages so that the service can authorize between them (Warehouse's `file_upload` checks permissions
before it spends time on the file): `parse_upload_request` (the action, the form and the metadata) and
`validate_distribution` (README, filename, size, digests, archive, and what Warehouse lets through: one
`content` part, METADATA agreeing with the form).
"""

import hmac
from dataclasses import dataclass

from packaging.metadata import Metadata
from packaging.utils import canonicalize_version

from registry.exceptions import InvalidArchive, InvalidMetadata, InvalidUpload
from registry.upload import archives, filenames, metadata, readme
from registry.upload.request_fields import (
    UploadForm,
    check_action,
    check_no_file_fields,
    parse_upload_form,
)
from registry.upload.streaming import ReceivedFile, ReceivedUpload

MB = 1024 * 1024


@dataclass(frozen=True)
class UploadRequest:
    """The fields of an upload, checked: what the uploader says the file is."""

    form: UploadForm
    metadata: Metadata

    @property
    def name(self) -> str:
        return self.metadata.name

    @property
    def version(self) -> str:
        """The version as uploaded; PyPI keeps this spelling for the release."""
        return self.form.metadata_fields["version"][0].strip()

    @property
    def canonical_version(self) -> str:
        return canonicalize_version(self.metadata.version)


@dataclass(frozen=True)
class ValidatedUpload:
    """A distribution file that passed every check that needs no database."""

    request: UploadRequest
    file: ReceivedFile
    description_html: str
    # The METADATA file served as the PEP 658 `.metadata` sibling (wheels only).
    core_metadata: bytes | None

    @property
    def filename(self) -> str:
        return self.file.filename


def parse_upload_request(received: ReceivedUpload) -> UploadRequest:
    """Check the request's fields; raise InvalidUpload with the first problem."""
    check_action(received.fields)
    check_no_file_fields(received.file_fields)
    form = parse_upload_form(received.fields)
    parsed = metadata.parse_form_metadata(form.metadata_fields)
    if received.too_large:
        raise InvalidUpload(file_too_large_message(project=parsed.name, limit=received.size_cap))
    if received.content_parts == 0 or received.file is None:
        raise InvalidUpload("Upload payload does not have a file.")
    if received.content_parts > 1:
        raise InvalidUpload(
            f"Upload payload has {received.content_parts} files; send exactly one 'content' part per upload."
        )
    return UploadRequest(form=form, metadata=parsed)


def file_too_large_message(*, project: str, limit: int) -> str:
    return (
        f"File too large. Limit for project '{project}' is {limit // MB} MB. "
        "See /help/#file-size-limit for more information."
    )


def validate_distribution(
    *, request: UploadRequest, file: ReceivedFile, max_file_size: int
) -> ValidatedUpload:
    """Check the file against the request: render, filename, size, digests, archive, names and metadata."""
    md = request.metadata
    description_html = ""
    if md.description:
        rendered = readme.render_description(md.description, md.description_content_type)
        if rendered is None:
            raise InvalidMetadata(readme.description_render_error(md.description_content_type))
        description_html = rendered

    filetype = request.form.filetype
    filenames.check_filename(file.filename, filetype=filetype)
    if not file.content_type or file.content_type.lower().startswith("image/"):
        raise InvalidUpload("Invalid distribution file.")
    if file.size > max_file_size:
        raise InvalidUpload(file_too_large_message(project=request.name, limit=max_file_size))
    _check_digests(request.form, file)

    contents = archives.inspect_distribution(
        file.path, filename=file.filename, filetype=filetype, license_files=md.license_files or ()
    )
    if filetype == "sdist":
        filenames.check_sdist_filename(file.filename, project_name=request.name, version=request.version)
    else:
        filenames.check_wheel_filename(file.filename, project_name=request.name, version=request.version)
    try:
        embedded = metadata.parse_distribution_metadata(contents.metadata)
    except InvalidMetadata as error:
        raise InvalidArchive(f"Invalid distribution file. {error.message}") from None
    metadata.compare_with_distribution(
        md, embedded, metadata_file="PKG-INFO" if filetype == "sdist" else "METADATA"
    )
    return ValidatedUpload(
        request=request,
        file=file,
        description_html=description_html,
        core_metadata=contents.metadata if filetype == "bdist_wheel" else None,
    )


def _check_digests(form: UploadForm, file: ReceivedFile) -> None:
    """Every digest the client sent must match the bytes we received (compared in constant time)."""
    pairs = (
        (form.md5_digest, file.md5_digest),
        (form.sha256_digest, file.sha256_digest),
        (form.blake2_256_digest, file.blake2_256_digest),
    )
    for sent, computed in pairs:
        if sent and not hmac.compare_digest(sent.lower(), computed):
            raise InvalidUpload(
                "The digest supplied does not match a digest calculated from the uploaded file."
            )
