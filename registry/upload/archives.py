"""Archive inspection: the step of the upload pipeline that opens the distribution file (STYLE.md).

`inspect_distribution` refuses every archive Warehouse refuses (PROTOCOLS.md 1.4 rows 29, 33, 39, 40, 42,
43 and section 1.8, with its wording) and closes the gaps BAD_INPUTS.md recommends closing: wheels whose
files differ from their RECORD (E10), tar.gz decompression bombs (E14, F7), member count and name caps
(F6), traversal and escaping links (E19). It returns the core metadata bytes for the metadata step.

Nothing is extracted to disk, and memory stays small whatever the archive size: wheels are read through
their central directory and only METADATA, RECORD and entry_points.txt are inflated; a tar.gz is read
once, as a forward-only stream (so a header can never send the reader backwards, E5), with a cap on the
bytes it may inflate. Every refusal is an InvalidArchive whose message is shown to the uploader.
"""

import configparser
import csv
import os
import re
import struct
import tarfile
import zipfile
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import BinaryIO

from registry.exceptions import InvalidArchive
from registry.upload import zipcheck

# METADATA, PKG-INFO, RECORD and entry_points.txt are the only members read into memory; a larger one is
# refused. Real METADATA files (long READMEs included) stay well under 1 MiB.
MAX_METADATA_BYTES = 16 * 1024 * 1024
# `zipfile` reads the whole central directory at once; 100,000 entries with long names fit in 64 MiB.
MAX_CENTRAL_DIRECTORY_BYTES = 64 * 1024 * 1024
# tarfile reads pax and GNU long-name headers whole; real ones are a few hundred bytes.
MAX_TAR_EXTENSION_BYTES = 64 * 1024
ARCHIVES_HELP = "/help/#archives"

_GZIP_MAGIC = b"\x1f\x8b"
_CHUNK = 64 * 1024
_SCRIPT_NAME = re.compile(r"[\w.-]+")  # entry-points spec; the name becomes a file name on install
_DRIVE = re.compile(r"[A-Za-z]:")
_SEPARATORS = re.compile(r"[/\\]")
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f]")
_TAR_EXTENSIONS = (
    tarfile.XHDTYPE,
    tarfile.XGLTYPE,
    tarfile.SOLARIS_XHDTYPE,
    tarfile.GNUTYPE_LONGNAME,
    tarfile.GNUTYPE_LONGLINK,
)
# What a crafted archive can make the standard library raise; all of it becomes a refusal, never a 500.
_READ_ERRORS = (
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
    """Resource caps; the defaults are Warehouse's ratio rule plus the member caps of BAD_INPUTS F6."""

    max_ratio: int = 50  # zip bomb / tar bomb ratio
    ratio_threshold: int = 64 * 1024 * 1024  # ratio only matters above this many uncompressed bytes
    max_members: int = 100_000
    max_member_name_length: int = 1024  # in bytes of the UTF-8 name


def inspect_distribution(
    path: os.PathLike,
    *,
    filename: str,
    filetype: str,
    license_files: Sequence[str] = (),
    limits: ArchiveLimits = ArchiveLimits(),
) -> DistributionContents:
    """Check the archive at `path` and return its core metadata.

    `filename` is the (already validated) distribution filename and decides the format: ".whl" with
    filetype "bdist_wheel", ".tar.gz" or ".zip" with "sdist"; any other pairing is a ValueError.
    `license_files` are the License-File values, which must exist in the archive. Reads the file only.
    Raises InvalidArchive with the uploader-facing message for every refusal.
    """
    is_wheel = filetype == "bdist_wheel" and filename.endswith(".whl")
    if is_wheel or (filetype == "sdist" and filename.endswith(".zip")):
        inspect = _inspect_zip
    elif filetype == "sdist" and filename.endswith(".tar.gz"):
        inspect = _inspect_tar
    else:
        raise ValueError(f"cannot inspect {filename!r} as {filetype!r}")
    with open(path, "rb") as fp:
        try:
            return inspect(fp, filename, license_files, limits)
        except _READ_ERRORS as exc:  # a path the specific handlers below did not foresee
            raise _invalid("The archive could not be read.") from exc


def _invalid(reason: str) -> InvalidArchive:
    """The generic archive refusal of PROTOCOLS 1.4 row 29."""
    return InvalidArchive(f"Invalid distribution file. {reason}")


def _not_accepted(kind: str, reason: str) -> InvalidArchive:
    """A refused archive feature, worded as Warehouse words them (kind is "ZIP" or "tar")."""
    return _invalid(f"{kind} archive not accepted: {reason}. See {ARCHIVES_HELP} for more information")


def _too_many_members(limits: ArchiveLimits) -> InvalidArchive:
    return _invalid(f"Archive has more than {limits.max_members} members.")


def _name_too_long(limits: ArchiveLimits) -> InvalidArchive:
    return _invalid(f"Archive contains a member name longer than {limits.max_member_name_length} bytes.")


def _too_large(path: str) -> InvalidArchive:
    return _invalid(f"{path} is larger than {MAX_METADATA_BYTES // (1024 * 1024)} MiB.")


def _missing_license(license_file: str, filename: str, path: str) -> InvalidArchive:
    """PROTOCOLS 1.4 rows 33 and 39."""
    return InvalidArchive(
        f"License-File {license_file} does not exist in distribution file {filename} at {path}"
    )


def _is_unsafe_path(name: str) -> bool:
    """Absolute (POSIX or Windows) or climbing out with a '..' component, under either separator."""
    return name.startswith(("/", "\\")) or bool(_DRIVE.match(name)) or ".." in _SEPARATORS.split(name)


def _file_size(fp: BinaryIO) -> int:
    return os.fstat(fp.fileno()).st_size


# --- ZIP: wheels and zip sdists ----------------------------------------------------------------------


def _inspect_zip(
    fp: BinaryIO, filename: str, license_files: Sequence[str], limits: ArchiveLimits
) -> DistributionContents:
    end = zipcheck.find_end_record(fp)
    if end is None:
        raise _invalid(NOT_A_ZIPFILE)
    if _is_also_tar(fp, limits):  # BAD_INPUTS E3
        raise _invalid(POLYGLOT)
    try:
        _check_central_directory_caps(fp, end, limits)
        archive = zipfile.ZipFile(fp)
    except zipcheck.ZipStructureError as exc:
        raise _not_accepted("ZIP", exc.reason) from exc
    except zipfile.BadZipFile as exc:
        raise _not_accepted("ZIP", str(exc)) from exc
    except UnicodeDecodeError as exc:  # a name flagged UTF-8 that is not
        raise _not_accepted("ZIP", "Filename not unicode") from exc
    except NotImplementedError as exc:  # "version needed to extract" beyond what zipfile supports
        raise _not_accepted("ZIP", "Unsupported ZIP version") from exc
    with archive:
        infos = archive.infolist()
        names = archive.namelist()
        _check_zip_members(infos, _file_size(fp), limits)
        # Warehouse looks for the required member before it checks the framing; keep its order.
        if filename.endswith(".whl"):
            dist_info = _wheel_dist_info(filename)
            if f"{dist_info}/WHEEL" not in names:
                raise _invalid(f"WHEEL not found at {dist_info}/WHEEL")
            _check_zip_structure(fp, infos)
            return _inspect_wheel(archive, names, filename, dist_info, license_files)
        top = _zip_sdist_top(names)
        _check_zip_structure(fp, infos)
        return _inspect_zip_sdist(archive, set(names), filename, top, license_files)


def _is_also_tar(fp: BinaryIO, limits: ArchiveLimits) -> bool:
    """Whether the file also reads as a tar (plain, or gzip-compressed), as `tarfile.is_tarfile` would."""
    fp.seek(0)
    head = fp.read(tarfile.BLOCKSIZE)
    try:
        if head.startswith(_GZIP_MAGIC):
            with _open_tar(fp, limits):
                return True
        tarfile.TarInfo.frombuf(head, "utf-8", "surrogateescape")
        return True
    except (InvalidArchive, *_READ_ERRORS):
        return False


def _check_central_directory_caps(fp: BinaryIO, end: zipcheck.EndRecord, limits: ArchiveLimits) -> None:
    """Count entries and measure names from the headers alone, before `zipfile` parses them (F6)."""
    if end.entries > limits.max_members:
        raise _too_many_members(limits)
    if end.cd_size > MAX_CENTRAL_DIRECTORY_BYTES:
        raise _not_accepted("ZIP", "Central directory too large")
    # The declared count can lie (zipfile ignores it), so count the headers themselves too.
    for count, name_length in enumerate(zipcheck.iter_central_name_lengths(fp, end), start=1):
        if count > limits.max_members:
            raise _too_many_members(limits)
        if name_length > limits.max_member_name_length:
            raise _name_too_long(limits)


def _check_zip_members(infos: list[zipfile.ZipInfo], size: int, limits: ArchiveLimits) -> None:
    """Decompression bomb by declared sizes (E13), compression methods (E12), encryption, unsafe names."""
    total = sum(info.file_size for info in infos)
    if total > limits.ratio_threshold and total / size > limits.max_ratio:
        raise _invalid(f"File exceeds compression ratio of {limits.max_ratio}")
    for info in infos:
        # Flag bit 5 is "compressed patched data", a PKWARE-only method.
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED) or info.flag_bits & 0x20:
            raise _invalid(UNSUPPORTED_COMPRESSION)
        if info.flag_bits & 0x41:  # bit 0: encrypted, bit 6: strong encryption
            raise _not_accepted("ZIP", "Encrypted members are not allowed")
        if _is_unsafe_path(info.filename):
            raise _invalid(f"Member {info.filename!r} has an absolute path or a '..' component.")


def _check_zip_structure(fp: BinaryIO, infos: list[zipfile.ZipInfo]) -> None:
    try:
        # Later entries win, as in zipfile's own name lookup; duplicates are refused by the walk anyway.
        zipcheck.validate_structure(fp, {info.orig_filename: info for info in infos})
    except zipcheck.ZipStructureError as exc:
        raise _not_accepted("ZIP", exc.reason) from exc


def _read_zip_member(archive: zipfile.ZipFile, name: str) -> bytes:
    """Inflate one small member; its declared size bounds what `zipfile` will produce."""
    info = archive.getinfo(name)
    if info.file_size > MAX_METADATA_BYTES:
        raise _too_large(name)
    try:
        return archive.read(info)
    except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
        raise _invalid(f"{name} is corrupt.") from exc


def _zip_sdist_top(names: list[str]) -> str:
    """The single top-level directory every member of a zip sdist lives in."""
    tops = {name.split("/", 1)[0] for name in names}
    top = tops.pop() if len(tops) == 1 else ""
    if not top or top in names:  # several, none, or a file at the root
        raise _invalid(TOP_LEVEL)
    return top


def _inspect_zip_sdist(
    archive: zipfile.ZipFile, names: set[str], filename: str, top: str, license_files: Sequence[str]
) -> DistributionContents:
    pkg_info = f"{top}/PKG-INFO"
    if pkg_info not in names:
        raise _invalid(f"PKG-INFO not found at {pkg_info}")
    for license_file in license_files:
        if f"{top}/{license_file}" not in names:
            raise _missing_license(license_file, filename, f"{top}/{license_file}")
    return DistributionContents(_read_zip_member(archive, pkg_info), pkg_info)


# --- Wheels ------------------------------------------------------------------------------------------


def _wheel_dist_info(filename: str) -> str:
    """`<name>-<version>.dist-info` from the first two '-' fields of the filename, as Warehouse does."""
    parts = filename.split("-", 2)
    if len(parts) != 3:
        raise _invalid(UNPARSEABLE_WHEEL_NAME)
    return f"{parts[0]}-{parts[1]}.dist-info"


def _inspect_wheel(
    archive: zipfile.ZipFile, names: list[str], filename: str, dist_info: str, license_files: Sequence[str]
) -> DistributionContents:
    """The wheel checks after the archive ones, in Warehouse's order (rows 39, 40, 41, 42, 43)."""
    files = [name for name in names if not name.endswith(("/", "\\"))]
    present = set(files)
    for license_file in license_files:
        path = f"{dist_info}/licenses/{license_file}"
        if path not in present:
            raise _missing_license(license_file, filename, path)
    _check_record(archive, filename, dist_info, files)
    if f"{dist_info}/entry_points.txt" in present:
        _check_entry_points(_read_zip_member(archive, f"{dist_info}/entry_points.txt"), filename)
    metadata_path = f"{dist_info}/METADATA"
    if metadata_path not in present:
        raise InvalidArchive(
            f"Wheel '{filename}' does not contain the required METADATA file: {metadata_path}"
        )
    return DistributionContents(_read_zip_member(archive, metadata_path), metadata_path)


def _check_record(archive: zipfile.ZipFile, filename: str, dist_info: str, files: list[str]) -> None:
    """RECORD must list exactly the wheel's files: Warehouse only emails on a mismatch (E10), we refuse."""
    record_path = f"{dist_info}/RECORD"
    missing = InvalidArchive(f"Wheel '{filename}' does not contain the required RECORD file: {record_path}")
    present = set(files)
    if record_path not in present:
        raise missing
    listed: set[str] = set()
    absent = None  # the first listed path the archive lacks, reported after any unlisted file
    respelled: list[str] = []  # rows not written the way the wheel spec writes paths
    try:
        for row in csv.reader(_read_zip_member(archive, record_path).decode("utf-8").splitlines()):
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
        "\\" not in path and not _DRIVE.match(path) and all(p not in ("", ".", "..") for p in path.split("/"))
    )


def _respelled_record_path(path: str) -> str | None:
    """`path` with `\\` read as `/` and `.` or empty parts dropped; None if absolute or climbing out."""
    if path.startswith(("/", "\\")) or _DRIVE.match(path):
        return None
    parts = [part for part in _SEPARATORS.split(path) if part not in ("", ".")]
    if not parts or ".." in parts:
        return None
    return "/".join(parts)


class _EntryPointsParser(configparser.ConfigParser):
    optionxform = staticmethod(str)  # names are case-sensitive (entry-points spec)


def _check_entry_points(data: bytes, filename: str) -> None:
    """UTF-8 INI with '=' only, and console/gui script names that are plain file names (row 42, E11)."""
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


# --- tar.gz sdists -----------------------------------------------------------------------------------


def _inspect_tar(
    fp: BinaryIO, filename: str, license_files: Sequence[str], limits: ArchiveLimits
) -> DistributionContents:
    if zipcheck.find_end_record(fp) is not None:  # BAD_INPUTS E3: a zip appended to a tar.gz
        raise _invalid(POLYGLOT if _is_also_tar(fp, limits) else NOT_A_TARFILE)
    with _open_tar(fp, limits) as tar:
        scan = _SdistScan(tar, limits, license_files)
        try:
            while (member := tar.next()) is not None:
                scan.add(member)
                tar.members.clear()  # in stream mode tarfile would otherwise keep every header
            _check_tar_end(tar)
        except tarfile.TarError as exc:
            raise _invalid("The tar archive is truncated or malformed.") from exc
    return scan.result(filename)


def _open_tar(fp: BinaryIO, limits: ArchiveLimits) -> tarfile.TarFile:
    """Open a gzip tar as a forward-only stream whose inflated size is capped (E5, E14, F7)."""
    fp.seek(0)
    if fp.read(2) != _GZIP_MAGIC:
        raise _invalid(NOT_A_TARFILE)
    fp.seek(0)
    cap = max(limits.ratio_threshold, limits.max_ratio * _file_size(fp))
    reader = _GunzipReader(fp, cap=cap, max_ratio=limits.max_ratio)
    try:
        return tarfile.open(
            fileobj=reader, mode="r|", tarinfo=_GuardedTarInfo, encoding="utf-8", errors="surrogateescape"
        )
    except tarfile.TarError as exc:
        raise _invalid(NOT_A_TARFILE) from exc


def _check_tar_end(tar: tarfile.TarFile) -> None:
    """After the end-of-archive block only zero padding may follow; else a second tar could hide there.

    This also reads the gzip stream to its end, so that its checksum is verified.
    """
    while chunk := tar.fileobj.read(_CHUNK):
        if chunk.count(0) != len(chunk):
            raise _not_accepted("tar", "Trailing data")


class _GunzipReader:
    """A read-only file over one gzip member that refuses to inflate more than `cap` bytes.

    zlib parses the gzip header and checks the trailer in C, and never returns more than asked for.
    """

    def __init__(self, raw: BinaryIO, *, cap: int, max_ratio: int):
        self._raw = raw
        self._inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
        self._cap = cap
        self._max_ratio = max_ratio
        self._produced = 0
        self._done = False

    def read(self, size: int = -1) -> bytes:
        size = size if size and size > 0 else _CHUNK
        while not self._done:
            if self._inflater.eof:
                # Checked only when more is asked for, so that probing the first header stays cheap.
                self._done = True
                self._check_after_gzip()
                break
            try:
                data = self._inflater.decompress(self._inflater.unconsumed_tail or self._raw_chunk(), size)
            except (zlib.error, EOFError) as exc:
                raise _invalid("The gzip stream is truncated or corrupt.") from exc
            if data:
                self._produced += len(data)
                if self._produced > self._cap:
                    raise _invalid(f"File exceeds compression ratio of {self._max_ratio}")
                return data
        return b""

    def _raw_chunk(self) -> bytes:
        chunk = self._raw.read(_CHUNK)
        if not chunk:
            raise EOFError("gzip stream ends early")
        return chunk

    def _check_after_gzip(self) -> None:
        """Only zero padding may follow the gzip member (no second member, no appended data)."""
        rest = self._inflater.unused_data
        while rest:
            if rest.count(0) != len(rest):
                raise _not_accepted("tar", "Trailing data")
            rest = self._raw.read(_CHUNK)


class _GuardedTarInfo(tarfile.TarInfo):
    """Refuses hostile headers as tarfile reads them, before it acts on them.

    tarfile (3.11-3.13) builds every header, extension headers included, through `frombuf`.
    """

    @classmethod
    def frombuf(cls, buf: bytes, encoding: str, errors: str) -> "_GuardedTarInfo":
        info = super().frombuf(buf, encoding, errors)
        if info.type == tarfile.GNUTYPE_SPARSE:  # BAD_INPUTS E6
            raise _not_accepted("tar", "Sparse members are not allowed")
        if info.size < 0:  # BAD_INPUTS E5: a negative size moved tarfile backwards forever
            raise _not_accepted("tar", "Negative offset")
        if info.type in _TAR_EXTENSIONS and info.size > MAX_TAR_EXTENSION_BYTES:
            raise _not_accepted("tar", "Extended header too large")
        return info

    def _proc_gnusparse_00(self, *args: object) -> None:
        """A pax header declared a GNU sparse map: refuse before tarfile parses it (E6).

        tarfile calls one of these three hooks for the sparse formats 0.0, 0.1 and 1.0. Should a future
        tarfile rename them, `_SdistScan` still refuses any member with GNU.sparse.* pax keys.
        """
        raise _not_accepted("tar", "Sparse members are not allowed")

    _proc_gnusparse_01 = _proc_gnusparse_10 = _proc_gnusparse_00


class _SdistScan:
    """Checks the members of a tar sdist one at a time, keeping only what the final checks need."""

    def __init__(self, tar: tarfile.TarFile, limits: ArchiveLimits, license_files: Sequence[str]):
        self.tar = tar
        self.limits = limits
        self.license_files = license_files
        self.wanted = set(license_files)
        self.count = 0
        self.top: str | None = None
        self.metadata: bytes | None = None
        self.found: set[str] = set()  # License-File values seen, as paths below the top directory

    def add(self, member: tarfile.TarInfo) -> None:
        self.count += 1
        if self.count > self.limits.max_members:
            raise _too_many_members(self.limits)
        self._check_text(member.name)
        if _is_unsafe_path(member.name):
            raise _invalid(f"Member {member.name!r} has an absolute path or a '..' component.")
        parts = [part for part in member.name.split("/") if part not in ("", ".")]
        self._check_kind(member)
        self._check_top(member, parts)
        if member.issym() or member.islnk():
            self._check_link(member, parts)
        if not member.isdir():
            path = "/".join(parts[1:])
            if path == "PKG-INFO":
                self._read_pkg_info(member)
            if path in self.wanted:
                self.found.add(path)

    def _check_text(self, name: str) -> None:
        """Length and characters of a member name or link target (names end up in messages and paths)."""
        try:
            encoded = name.encode("utf-8")
        except UnicodeEncodeError:  # undecodable bytes were kept as surrogates
            raise _not_accepted("tar", "Filename not unicode") from None
        if len(encoded) > self.limits.max_member_name_length:
            raise _name_too_long(self.limits)
        if _UNPRINTABLE.search(name):
            raise _not_accepted("tar", "Invalid character in filename")

    def _check_kind(self, member: tarfile.TarInfo) -> None:
        # pax headers can still declare sparse data (GNU.sparse.*) or a size after frombuf has run.
        if member.issparse() or any(key.startswith("GNU.sparse.") for key in member.pax_headers):
            raise _not_accepted("tar", "Sparse members are not allowed")
        if member.size < 0:
            raise _not_accepted("tar", "Negative offset")
        if not (member.isreg() or member.isdir() or member.issym() or member.islnk()):
            raise _invalid(f"Member {member.name!r} is not a regular file, directory or link.")

    def _check_top(self, member: tarfile.TarInfo, parts: list[str]) -> None:
        if not parts or (len(parts) == 1 and not member.isdir()):
            raise _invalid(TOP_LEVEL)
        if self.top is None:
            self.top = parts[0]
        elif parts[0] != self.top:
            raise _invalid(TOP_LEVEL)

    def _check_link(self, member: tarfile.TarInfo, parts: list[str]) -> None:
        """A link must resolve, lexically, inside the top directory (E19): never absolute, never above it.

        A symbolic link is relative to its own directory, a hard link to the archive root.
        """
        self._check_text(member.linkname)
        start = parts[:-1] if member.issym() else []
        if not _stays_inside(start, member.linkname, self.top):
            raise _invalid(f"Link {member.name!r} points outside the top-level directory.")

    def _read_pkg_info(self, member: tarfile.TarInfo) -> None:
        path = f"{self.top}/PKG-INFO"
        if self.metadata is not None:  # extractors keep the last copy; which one would we have read?
            raise _invalid(f"Archive contains {path} more than once.")
        if not member.isreg():
            raise _invalid(f"{path} is not a regular file.")
        if member.size > MAX_METADATA_BYTES:
            raise _too_large(path)
        self.metadata = self.tar.extractfile(member).read()

    def result(self, filename: str) -> DistributionContents:
        if self.top is None:
            raise _invalid(TOP_LEVEL)
        if self.metadata is None:
            raise _invalid(f"PKG-INFO not found at {self.top}/PKG-INFO")
        for license_file in self.license_files:
            if license_file not in self.found:
                raise _missing_license(license_file, filename, f"{self.top}/{license_file}")
        return DistributionContents(self.metadata, f"{self.top}/PKG-INFO")


def _stays_inside(start: list[str], target: str, top: str | None) -> bool:
    """Resolve `target` from the directory `start` without the file system; stay below `top`."""
    if target.startswith(("/", "\\")) or _DRIVE.match(target):
        return False
    stack = list(start)
    for part in _SEPARATORS.split(target):
        if part == "..":
            if len(stack) <= 1:  # popping the top directory itself leaves the sdist
                return False
            stack.pop()
        elif part not in ("", "."):
            stack.append(part)
    return bool(stack) and stack[0] == top
