"""Receiving the upload body: the `content` part streams to a temporary file, hashed as it arrives.

Nothing is held whole in memory, the size cap stops the transfer early, and the partial file (reserved in
`registry.upload.partials` before the body is read) is removed when the request ends whatever happened (the
service hard-links it into storage when the upload succeeds).
"""

import hashlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.core.files.uploadhandler import FileUploadHandler, SkipFile, StopUpload
from django.http.multipartparser import MultiPartParser, MultiPartParserError

from registry.exceptions import InvalidUpload
from registry.upload import partials

CHUNK_SIZE = 256 * 1024
MIB = 1024 * 1024


@dataclass
class ReceivedFile:
    """The `content` part as it arrived: where it sits, what it claimed to be, and its digests."""

    path: Path
    filename: str
    content_type: str
    size: int
    md5_digest: str
    sha256_digest: str
    blake2_256_digest: str


@dataclass
class ReceivedUpload:
    fields: dict[str, list[str]]
    file: ReceivedFile | None
    file_fields: list[str] = field(default_factory=list)  # names of every part sent as a file
    content_parts: int = 0
    too_large: bool = False
    size_cap: int = 0


class _RawFilenameParser(MultiPartParser):
    """Django strips directories and odd characters from filenames; the upload rules need what was sent."""

    def sanitize_file_name(self, file_name):
        return file_name or None


class DistributionFileHandler(FileUploadHandler):
    """Streams the `content` part to disk with md5, sha256 and blake2b-256 computed on the way."""

    chunk_size = CHUNK_SIZE

    def __init__(self, *, max_size: int, partial: Path, larger_cap: Callable[[], int] | None = None):
        super().__init__()
        self.max_size = max_size
        # Asked once, only when a file outgrows `max_size`: a project may have a larger limit.
        self._larger_cap = larger_cap
        self.partial = partial
        self.received: ReceivedFile | None = None
        self.file_fields: list[str] = []
        self.content_parts = 0
        self.too_large = False
        self._handle = None

    def new_file(
        self, field_name, file_name, content_type, content_length, charset=None, content_type_extra=None
    ):
        super().new_file(field_name, file_name, content_type, content_length, charset, content_type_extra)
        self.file_fields.append(field_name)
        if field_name != "content":
            raise SkipFile()
        self.content_parts += 1
        if self.content_parts > 1:
            raise SkipFile()
        self._handle = open(self.partial, "wb")  # noqa: SIM115 (closed in file_complete or discard)
        self._size = 0
        self._hashes = (hashlib.md5(usedforsecurity=False), hashlib.sha256(), hashlib.blake2b(digest_size=32))

    def receive_data_chunk(self, raw_data, start):
        if self._handle is None:
            return None
        self._size += len(raw_data)
        if self._size > self.max_size and self._larger_cap is not None:
            self.max_size, self._larger_cap = max(self.max_size, self._larger_cap()), None
        if self._size > self.max_size:
            self.too_large = True
            self.discard()
            # Read and drop the rest of the body so the client gets our answer, not a reset connection.
            raise StopUpload(connection_reset=False)
        self._handle.write(raw_data)
        for digest in self._hashes:
            digest.update(raw_data)
        return None

    def file_complete(self, file_size):
        if self._handle is None:
            return None
        self._handle.close()
        self._handle = None
        md5, sha256, blake2 = (digest.hexdigest() for digest in self._hashes)
        self.received = ReceivedFile(
            path=self.partial,
            filename=self.file_name,
            content_type=self.content_type or "",
            size=self._size,
            md5_digest=md5,
            sha256_digest=sha256,
            blake2_256_digest=blake2,
        )
        return None

    def upload_interrupted(self):
        self.discard()

    def close(self):
        """Close the partial if parsing stopped half-way (the request removes the file itself)."""
        if self._handle is not None:
            self._handle.close()
            self._handle = None

    def discard(self):
        """Drop what was received so far: a file over the size cap must not keep filling the disk."""
        self.close()
        self.partial.unlink(missing_ok=True)


@contextmanager
def receive_upload(request, *, larger_cap: Callable[[], int] | None = None) -> Iterator[ReceivedUpload]:
    """Parse the multipart body of a Django `request`; the partial file is deleted when the block ends.

    The upload service calls this (as its `receive` step) only after the admin flags and the token allowed
    the upload, so a refused upload never streams its file to disk. A file passing the site's limit keeps
    streaming up to `larger_cap()` (the largest per-project override, asked only then): its project is not
    known until the form is parsed. Raises InvalidUpload for a body that is not an upload, ServerBusy (503)
    when partial uploads already hold all the room they may.
    """
    content_type = request.META.get("CONTENT_TYPE", "")
    if not content_type.startswith("multipart/form-data"):
        raise InvalidUpload("Upload payload does not have a file.")
    partial = partials.reserve(int(request.META.get("CONTENT_LENGTH") or 0))
    try:
        handler = DistributionFileHandler(
            max_size=settings.WHARF_MAX_FILE_SIZE, partial=partial, larger_cap=larger_cap
        )
        yield _parse(request, handler)
    finally:
        partial.unlink(missing_ok=True)


def _parse(request, handler: DistributionFileHandler) -> ReceivedUpload:
    try:
        post, _files = _RawFilenameParser(request.META, request, [handler], request.encoding).parse()
    except MultiPartParserError as error:
        raise InvalidUpload(f"The upload request is not valid multipart form data: {error}.") from None
    except RequestDataTooBig:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        shown = f"{limit // MIB} MB" if limit >= MIB else f"{limit} bytes"
        raise InvalidUpload(
            f"The upload's form fields are larger than {shown} in total; "
            "shorten the description or other metadata."
        ) from None
    except (TooManyFieldsSent, TooManyFilesSent):
        raise InvalidUpload("The upload request has too many form fields or file parts.") from None
    finally:
        handler.close()
    fields = {key: post.getlist(key) for key in post}
    if request.GET.get(":action"):
        # The legacy API takes its action from the query string too; the query wins, as on PyPI.
        fields[":action"] = [request.GET[":action"]]
    return ReceivedUpload(
        fields=fields,
        file=handler.received,
        file_fields=handler.file_fields,
        content_parts=handler.content_parts,
        too_large=handler.too_large,
        size_cap=handler.max_size,
    )
