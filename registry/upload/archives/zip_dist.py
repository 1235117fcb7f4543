"""ZIP distributions: wheels and zip sdists, read through their central directory.

The caps on member count and name length are checked from the raw headers before `zipfile` parses them;
then the declared sizes (bomb ratio), compression methods, encryption and member names; then the framing
(`zipcheck`); then the members the format requires. Only METADATA/PKG-INFO, RECORD and entry_points.txt
are inflated. The order of the checks is Warehouse's, so that an archive with
several faults gets the message PyPI would give.
"""

import zipfile
from collections.abc import Sequence
from typing import BinaryIO

from registry.exceptions import InvalidArchive
from registry.upload.archives import zipcheck
from registry.upload.archives.common import (
    MAX_CENTRAL_DIRECTORY_BYTES,
    NOT_A_ZIPFILE,
    POLYGLOT,
    TOP_LEVEL,
    UNPARSEABLE_WHEEL_NAME,
    UNSUPPORTED_COMPRESSION,
    ArchiveLimits,
    DistributionContents,
    file_size,
    invalid,
    is_unsafe_path,
    missing_license,
    name_too_long,
    not_accepted,
    read_zip_member,
    too_many_members,
)
from registry.upload.archives.record import check_entry_points, check_record
from registry.upload.archives.tar_dist import is_also_tar


def inspect_zip(
    fp: BinaryIO, filename: str, license_files: Sequence[str], limits: ArchiveLimits
) -> DistributionContents:
    end = zipcheck.find_end_record(fp)
    if end is None:
        raise invalid(NOT_A_ZIPFILE)
    if is_also_tar(fp, limits):  # a zip/tar polyglot
        raise invalid(POLYGLOT)
    try:
        _check_central_directory_caps(fp, end, limits)
        archive = zipfile.ZipFile(fp)
    except zipcheck.ZipStructureError as exc:
        raise not_accepted("ZIP", exc.reason) from exc
    except zipfile.BadZipFile as exc:
        raise not_accepted("ZIP", str(exc)) from exc
    except UnicodeDecodeError as exc:  # a name flagged UTF-8 that is not
        raise not_accepted("ZIP", "Filename not unicode") from exc
    except NotImplementedError as exc:  # "version needed to extract" beyond what zipfile supports
        raise not_accepted("ZIP", "Unsupported ZIP version") from exc
    with archive:
        infos = archive.infolist()
        names = archive.namelist()
        _check_zip_members(infos, file_size(fp), limits)
        # Warehouse looks for the required member before it checks the framing; keep its order.
        if filename.endswith(".whl"):
            dist_info = _wheel_dist_info(filename)
            if f"{dist_info}/WHEEL" not in names:
                raise invalid(f"WHEEL not found at {dist_info}/WHEEL")
            _check_zip_structure(fp, infos)
            return _inspect_wheel(archive, names, filename, dist_info, license_files)
        top = _zip_sdist_top(names)
        _check_zip_structure(fp, infos)
        return _inspect_zip_sdist(archive, set(names), filename, top, license_files)


def _check_central_directory_caps(fp: BinaryIO, end: zipcheck.EndRecord, limits: ArchiveLimits) -> None:
    """Count entries and measure names from the headers alone, before `zipfile` parses them."""
    if end.entries > limits.max_members:
        raise too_many_members(limits)
    if end.cd_size > MAX_CENTRAL_DIRECTORY_BYTES:
        raise not_accepted("ZIP", "Central directory too large")
    # The declared count can lie (zipfile ignores it), so count the headers themselves too.
    for count, name_length in enumerate(zipcheck.iter_central_name_lengths(fp, end), start=1):
        if count > limits.max_members:
            raise too_many_members(limits)
        if name_length > limits.max_member_name_length:
            raise name_too_long(limits)


def _check_zip_members(infos: list[zipfile.ZipInfo], size: int, limits: ArchiveLimits) -> None:
    """Decompression bomb by declared sizes, compression methods, encryption, unsafe names."""
    total = sum(info.file_size for info in infos)
    if total > limits.ratio_threshold and total / size > limits.max_ratio:
        raise invalid(f"File exceeds compression ratio of {limits.max_ratio}")
    for info in infos:
        # Flag bit 5 is "compressed patched data", a PKWARE-only method.
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED) or info.flag_bits & 0x20:
            raise invalid(UNSUPPORTED_COMPRESSION)
        if info.flag_bits & 0x41:  # bit 0: encrypted, bit 6: strong encryption
            raise not_accepted("ZIP", "Encrypted members are not allowed")
        if is_unsafe_path(info.filename):
            raise invalid(f"Member {info.filename!r} has an absolute path or a '..' component.")


def _check_zip_structure(fp: BinaryIO, infos: list[zipfile.ZipInfo]) -> None:
    entries = {info.orig_filename: info for info in infos}
    if len(entries) != len(infos):
        # Two members of one name: which one a tool extracts is up to the tool (say so, before the walk
        # trips over the mismatch that follows from it).
        raise not_accepted("ZIP", "Duplicate filename in central directory")
    try:
        zipcheck.validate_structure(fp, entries)
    except zipcheck.ZipStructureError as exc:
        raise not_accepted("ZIP", exc.reason) from exc


# --- zip sdists --------------------------------------------------------------------------------------


def _zip_sdist_top(names: list[str]) -> str:
    """The single top-level directory every member of a zip sdist lives in."""
    tops = {name.split("/", 1)[0] for name in names}
    top = tops.pop() if len(tops) == 1 else ""
    if not top or top in names:  # several, none, or a file at the root
        raise invalid(TOP_LEVEL)
    return top


def _inspect_zip_sdist(
    archive: zipfile.ZipFile, names: set[str], filename: str, top: str, license_files: Sequence[str]
) -> DistributionContents:
    pkg_info = f"{top}/PKG-INFO"
    if pkg_info not in names:
        raise invalid(f"PKG-INFO not found at {pkg_info}")
    for license_file in license_files:
        if f"{top}/{license_file}" not in names:
            raise missing_license(license_file, filename, f"{top}/{license_file}")
    return DistributionContents(read_zip_member(archive, pkg_info), pkg_info)


# --- Wheels ------------------------------------------------------------------------------------------


def _wheel_dist_info(filename: str) -> str:
    """`<name>-<version>.dist-info` from the first two '-' fields of the filename, as Warehouse does."""
    parts = filename.split("-", 2)
    if len(parts) != 3:
        raise invalid(UNPARSEABLE_WHEEL_NAME)
    return f"{parts[0]}-{parts[1]}.dist-info"


def _inspect_wheel(
    archive: zipfile.ZipFile, names: list[str], filename: str, dist_info: str, license_files: Sequence[str]
) -> DistributionContents:
    """The wheel checks after the archive ones, in Warehouse's order (`_is_valid_dist_file`, then
    the wheel's own files)."""
    files = [name for name in names if not name.endswith(("/", "\\"))]
    present = set(files)
    for license_file in license_files:
        path = f"{dist_info}/licenses/{license_file}"
        if path not in present:
            raise missing_license(license_file, filename, path)
    check_record(archive, filename, dist_info, files)
    if f"{dist_info}/entry_points.txt" in present:
        check_entry_points(read_zip_member(archive, f"{dist_info}/entry_points.txt"), filename)
    metadata_path = f"{dist_info}/METADATA"
    if metadata_path not in present:
        raise InvalidArchive(
            f"Wheel '{filename}' does not contain the required METADATA file: {metadata_path}"
        )
    return DistributionContents(read_zip_member(archive, metadata_path), metadata_path)
