"""What the ZIP and tar readers share: limits, the uploader-facing messages, the result type, refusals.

Every refusal is an `InvalidArchive` built by the helpers here, worded as Warehouse words them
(`_is_valid_dist_file` in `forklift/legacy.py`). `MAX_METADATA_BYTES` is read only in this module
(`check_member_size`), so that a test can lower it in one place.
"""

import configparser
import csv
import os
import re
import struct
import tarfile
import zipfile
import zlib
from dataclasses import dataclass
from typing import BinaryIO

from registry.exceptions import InvalidArchive

# METADATA, PKG-INFO, RECORD and entry_points.txt are the only members read into memory; a larger one is
# refused. Real METADATA files (long READMEs included) stay well under 1 MiB.
MAX_METADATA_BYTES = 16 * 1024 * 1024
# `zipfile` reads the whole central directory at once; 100,000 entries with long names fit in 64 MiB.
MAX_CENTRAL_DIRECTORY_BYTES = 64 * 1024 * 1024
# tarfile reads pax and GNU long-name headers whole; real ones are a few hundred bytes.
MAX_TAR_EXTENSION_BYTES = 64 * 1024
ARCHIVES_HELP = "/help/#archives"

DRIVE = re.compile(r"[A-Za-z]:")
SEPARATORS = re.compile(r"[/\\]")
# What a crafted archive can make the standard library raise; all of it becomes a refusal, never a 500.
READ_ERRORS = (
    OSError,
    EOFError,
    ValueError,
    LookupError,
    ArithmeticError,
    RuntimeError,
    struct.error,
    zlib.error,
    zipfile.BadZipFile,
    tarfile.TarError,
    csv.Error,
    configparser.Error,
)

NOT_A_ZIPFILE = "File is not a zipfile"
NOT_A_TARFILE = "File is not a tarfile"
POLYGLOT = "File is both a zip and a tar file"
UNSUPPORTED_COMPRESSION = "File does not use a supported compression type"
TOP_LEVEL = "Incorrect number of top-level directories in sdist"
UNPARSEABLE_WHEEL_NAME = "Unable to parse name and version from wheel filename"


@dataclass(frozen=True)
class DistributionContents:
    """What the metadata step needs from the archive."""

    metadata: bytes  # wheel: the bytes of <name>-<ver>.dist-info/METADATA; sdist: <top>/PKG-INFO
    metadata_path: str  # the member path it came from


@dataclass(frozen=True)
class ArchiveLimits:
    """Resource caps; the defaults are Warehouse's ratio rule plus caps on members."""

    max_ratio: int = 50  # zip bomb / tar bomb ratio
    ratio_threshold: int = 64 * 1024 * 1024  # ratio only matters above this many uncompressed bytes
    max_members: int = 100_000
    max_member_name_length: int = 1024  # in bytes of the UTF-8 name


def invalid(reason: str) -> InvalidArchive:
    """Warehouse's generic archive refusal."""
    return InvalidArchive(f"Invalid distribution file. {reason}")


def not_accepted(kind: str, reason: str) -> InvalidArchive:
    """A refused archive feature, worded as Warehouse words them (kind is "ZIP" or "tar")."""
    return invalid(f"{kind} archive not accepted: {reason}. See {ARCHIVES_HELP} for more information")


def too_many_members(limits: ArchiveLimits) -> InvalidArchive:
    return invalid(f"Archive has more than {limits.max_members} members.")


def name_too_long(limits: ArchiveLimits) -> InvalidArchive:
    return invalid(f"Archive contains a member name longer than {limits.max_member_name_length} bytes.")


def check_member_size(path: str, size: int) -> None:
    """Refuse a member to be read into memory (METADATA, PKG-INFO, RECORD, ...) larger than the cap."""
    if size > MAX_METADATA_BYTES:
        raise invalid(f"{path} is larger than {MAX_METADATA_BYTES // (1024 * 1024)} MiB.")


def missing_license(license_file: str, filename: str, path: str) -> InvalidArchive:
    """A `License-File` (PEP 639) missing from the archive, in Warehouse's words."""
    return InvalidArchive(
        f"License-File {license_file} does not exist in distribution file {filename} at {path}"
    )


def is_unsafe_path(name: str) -> bool:
    """Absolute (POSIX or Windows) or climbing out with a '..' component, under either separator."""
    return name.startswith(("/", "\\")) or bool(DRIVE.match(name)) or ".." in SEPARATORS.split(name)


def file_size(fp: BinaryIO) -> int:
    return os.fstat(fp.fileno()).st_size


def read_zip_member(archive: zipfile.ZipFile, name: str) -> bytes:
    """Inflate one small member; its declared size bounds what `zipfile` will produce."""
    info = archive.getinfo(name)
    check_member_size(name, info.file_size)
    try:
        return archive.read(info)
    except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
        raise invalid(f"{name} is corrupt.") from exc
