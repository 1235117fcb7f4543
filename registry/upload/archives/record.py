"""A wheel's own bookkeeping files: RECORD must list exactly the archive's files, entry_points.txt must parse.

Both checks go beyond what Warehouse refuses: it only emails about a RECORD mismatch; console
and gui script names become file names on install, so they must be plain names (as Warehouse's
`validate_entrypoints`).
"""

import configparser
import csv
import re
import zipfile

from registry.exceptions import InvalidArchive
from registry.upload.archives.common import DRIVE, SEPARATORS, read_zip_member

_SCRIPT_NAME = re.compile(r"[\w.-]+")  # entry-points spec; the name becomes a file name on install


def check_record(archive: zipfile.ZipFile, filename: str, dist_info: str, files: list[str]) -> None:
    """RECORD must list exactly the wheel's files: Warehouse only emails on a mismatch; we refuse."""
    record_path = f"{dist_info}/RECORD"
    missing = InvalidArchive(f"Wheel '{filename}' does not contain the required RECORD file: {record_path}")
    present = set(files)
    if record_path not in present:
        raise missing
    listed: set[str] = set()
    absent = None  # the first listed path the archive lacks, reported after any unlisted file
    respelled: list[str] = []  # rows not written the way the wheel spec writes paths
    try:
        for row in csv.reader(read_zip_member(archive, record_path).decode("utf-8").splitlines()):
            path = row[0] if row else None
            if path is None:
                continue
            if not _is_clean_relative_path(path):
                respelled.append(path)
                continue
            if path in listed:
                raise InvalidArchive(f"Wheel '{filename}' RECORD lists {path!r} more than once.")
            listed.add(path)
            if absent is None and path not in present:
                absent = path
    except (UnicodeDecodeError, csv.Error):
        raise missing from None
    # Windows-built wheels write `\` separators (pyqt6_qt6 6.9's own `...dist-info\RECORD` row, old
    # flit), which installers read as `/` (pypa/installer#152). Such a row is accepted when it names,
    # once respelled, a file of the archive that no other row lists. Absolute paths, `..` and
    # directories stay refused: pip's uninstall deletes what RECORD names (pypa/pip#10118).
    for path in respelled:
        normal = _respelled_record_path(path)
        if normal is None or normal in listed or normal not in present:
            raise InvalidArchive(
                f"Wheel '{filename}' RECORD lists {path!r}, which is not a valid relative path."
            )
        listed.add(normal)
    # A RECORD cannot hold its own hash, and signatures of it are added after it is written.
    unlisted_ok = {record_path, f"{record_path}.jws", f"{record_path}.p7s"}
    for name in files:
        if name not in listed and name not in unlisted_ok:
            raise InvalidArchive(
                f"Wheel '{filename}' contains {name!r}, which its RECORD file does not list."
            )
    if absent is not None:
        raise InvalidArchive(
            f"Wheel '{filename}' RECORD lists {absent!r}, which the archive does not contain."
        )


def _is_clean_relative_path(path: str) -> bool:
    """A RECORD path as the wheel spec writes it: '/'-separated, relative, without '.' or '..' parts."""
    return (
        "\\" not in path and not DRIVE.match(path) and all(p not in ("", ".", "..") for p in path.split("/"))
    )


def _respelled_record_path(path: str) -> str | None:
    """`path` with `\\` read as `/` and `.` or empty parts dropped; None if absolute or climbing out."""
    if path.startswith(("/", "\\")) or DRIVE.match(path):
        return None
    parts = [part for part in SEPARATORS.split(path) if part not in ("", ".")]
    if not parts or ".." in parts:
        return None
    return "/".join(parts)


class _EntryPointsParser(configparser.ConfigParser):
    optionxform = staticmethod(str)  # names are case-sensitive (entry-points spec)


def check_entry_points(data: bytes, filename: str) -> None:
    """UTF-8 INI with '=' only, and console/gui script names that are plain file names."""
    invalid = InvalidArchive(
        f"Wheel '{filename}' has invalid entry points defined in the entry_points.txt file"
    )
    parser = _EntryPointsParser(delimiters=("=",), interpolation=None)
    try:
        parser.read_string(data.decode("utf-8"))
    except (UnicodeDecodeError, configparser.Error):
        raise invalid from None
    for section in ("console_scripts", "gui_scripts"):
        if parser.has_section(section) and not all(_SCRIPT_NAME.fullmatch(name) for name in parser[section]):
            raise invalid
