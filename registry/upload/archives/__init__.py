"""Archive inspection: the step of the upload pipeline that opens the distribution file.

`inspect_distribution` refuses every archive Warehouse refuses (`_is_valid_dist_file`,
`warehouse/utils/zipfiles.py`, with their wording) and refuses what Warehouse lets through: wheels whose
files differ from their RECORD, tar.gz decompression bombs, too many members or too long names, traversal
and escaping links (docs/hostile-inputs.md, E). It returns the core metadata bytes for the metadata step.

Nothing is extracted to disk, and memory stays small whatever the archive size: wheels are read through
their central directory and only METADATA, RECORD and entry_points.txt are inflated; a tar.gz is read
once, as a forward-only stream (so a header can never send the reader backwards), with a cap on the
bytes it may inflate. Every refusal is an InvalidArchive whose message is shown to the uploader.

What lives where:
- here: `inspect_distribution`, which picks the reader from the filename and filetype, and the public
  names below, re-exported.
- `common`: the limits and messages (`MAX_METADATA_BYTES`, `NOT_A_ZIPFILE`, ...), `DistributionContents`,
  `ArchiveLimits`, and the refusals and path checks both formats share. The limits are read there, so a
  test that lowers one patches `common`, not this package.
- `zip_dist`: wheels and zip sdists (central directory caps, members, required files).
- `record`: a wheel's RECORD and entry_points.txt checks.
- `zipcheck`: the ZIP structural validator (local headers against the central directory).
- `tar_dist`: tar.gz sdists (the capped gzip stream, hostile headers, links, PKG-INFO).
"""

import os
from collections.abc import Sequence

from registry.upload.archives.common import (
    ARCHIVES_HELP,
    MAX_CENTRAL_DIRECTORY_BYTES,
    MAX_METADATA_BYTES,
    MAX_TAR_EXTENSION_BYTES,
    NOT_A_TARFILE,
    NOT_A_ZIPFILE,
    POLYGLOT,
    READ_ERRORS,
    TOP_LEVEL,
    UNPARSEABLE_WHEEL_NAME,
    UNSUPPORTED_COMPRESSION,
    ArchiveLimits,
    DistributionContents,
    invalid,
)
from registry.upload.archives.tar_dist import inspect_tar
from registry.upload.archives.zip_dist import inspect_zip

__all__ = [
    "ARCHIVES_HELP",
    "MAX_CENTRAL_DIRECTORY_BYTES",
    "MAX_METADATA_BYTES",
    "MAX_TAR_EXTENSION_BYTES",
    "NOT_A_TARFILE",
    "NOT_A_ZIPFILE",
    "POLYGLOT",
    "TOP_LEVEL",
    "UNPARSEABLE_WHEEL_NAME",
    "UNSUPPORTED_COMPRESSION",
    "ArchiveLimits",
    "DistributionContents",
    "inspect_distribution",
]

_DEFAULT_LIMITS = ArchiveLimits()


def inspect_distribution(
    path: os.PathLike,
    *,
    filename: str,
    filetype: str,
    license_files: Sequence[str] = (),
    limits: ArchiveLimits = _DEFAULT_LIMITS,
) -> DistributionContents:
    """Check the archive at `path` and return its core metadata.

    `filename` is the (already validated) distribution filename and decides the format: ".whl" with
    filetype "bdist_wheel", ".tar.gz" or ".zip" with "sdist"; any other pairing is a ValueError.
    `license_files` are the License-File values, which must exist in the archive. Reads the file only.
    Raises InvalidArchive with the uploader-facing message for every refusal.
    """
    is_wheel = filetype == "bdist_wheel" and filename.endswith(".whl")
    if is_wheel or (filetype == "sdist" and filename.endswith(".zip")):
        inspect = inspect_zip
    elif filetype == "sdist" and filename.endswith(".tar.gz"):
        inspect = inspect_tar
    else:
        raise ValueError(f"cannot inspect {filename!r} as {filetype!r}")
    with open(path, "rb") as fp:
        try:
            return inspect(fp, filename, license_files, limits)
        except READ_ERRORS as exc:  # a path the specific handlers of zip_dist/tar_dist did not foresee
            raise invalid("The archive could not be read.") from exc
