"""`/packages/<path>`: distribution files and their PEP 658 `.metadata` siblings, streamed from storage."""

from django.http import FileResponse
from django.views.decorators.http import require_safe

from registry import storage
from registry.enums import PUBLIC_STATUSES
from registry.models import File
from registry.protocols.common import CORS_HEADERS, not_found

METADATA_SUFFIX = ".metadata"
IMMUTABLE = "public, max-age=31536000, immutable"


@require_safe
def download(request, path):
    # Distribution filenames end in .whl, .tar.gz or .zip, so `.metadata` always means the sibling.
    is_metadata = path.endswith(METADATA_SUFFIX)
    file_path = path.removesuffix(METADATA_SUFFIX)
    row = (
        File.objects.filter(path=file_path)
        .values_list("sha256_digest", "metadata_sha256_digest", "release__project__status")
        .first()
    )
    if row is None:
        return not_found()
    sha256, metadata_sha256, status = row
    if status not in PUBLIC_STATUSES or (is_metadata and not metadata_sha256):
        return not_found()
    try:
        handle = storage.open_stored(path)
    except FileNotFoundError:
        return not_found()
    content_type = "text/plain; charset=utf-8" if is_metadata else "application/octet-stream"
    response = FileResponse(handle, content_type=content_type)
    response["ETag"] = f'"{metadata_sha256 if is_metadata else sha256}"'
    response["Cache-Control"] = IMMUTABLE
    for header, value in CORS_HEADERS.items():
        response[header] = value
    return response
