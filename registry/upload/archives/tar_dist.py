"""tar.gz sdists, read once as a forward-only stream whose inflated size is capped.

`_GunzipReader` inflates the gzip member with a cap on the bytes produced (tar bombs) and refuses data
after it; `_GuardedTarInfo` refuses hostile headers before `tarfile` acts on them (sparse members, negative
sizes, oversized extension headers); `_SdistScan` checks each member as it streams by (member and name caps,
unsafe names, links escaping the top directory, the single top-level directory) and keeps only PKG-INFO. A
stream can never be sent backwards by a header (tarfile once looped on a negative size).

`is_also_tar` is here too: the ZIP reader uses it to refuse files that are both a zip and a tar.
"""

import re
import tarfile
import zlib
from collections.abc import Sequence
from typing import BinaryIO

from registry.exceptions import InvalidArchive
from registry.upload.archives import zipcheck
from registry.upload.archives.common import (
    DRIVE,
    MAX_TAR_EXTENSION_BYTES,
    NOT_A_TARFILE,
    POLYGLOT,
    READ_ERRORS,
    SEPARATORS,
    TOP_LEVEL,
    ArchiveLimits,
    DistributionContents,
    check_member_size,
    file_size,
    invalid,
    is_unsafe_path,
    missing_license,
    name_too_long,
    not_accepted,
    too_many_members,
)

_GZIP_MAGIC = b"\x1f\x8b"
_CHUNK = 64 * 1024
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f]")
_TAR_EXTENSIONS = (
    tarfile.XHDTYPE,
    tarfile.XGLTYPE,
    tarfile.SOLARIS_XHDTYPE,
    tarfile.GNUTYPE_LONGNAME,
    tarfile.GNUTYPE_LONGLINK,
)


def inspect_tar(
    fp: BinaryIO, filename: str, license_files: Sequence[str], limits: ArchiveLimits
) -> DistributionContents:
    if zipcheck.find_end_record(fp) is not None:  # a zip appended to a tar.gz (a polyglot)
        raise invalid(POLYGLOT if is_also_tar(fp, limits) else NOT_A_TARFILE)
    with _open_tar(fp, limits) as tar:
        scan = _SdistScan(tar, limits, license_files)
        try:
            while (member := tar.next()) is not None:
                scan.add(member)
                tar.members.clear()  # in stream mode tarfile would otherwise keep every header
            _check_tar_end(tar)
        except tarfile.TarError as exc:
            raise invalid("The tar archive is truncated or malformed.") from exc
    return scan.result(filename)


def is_also_tar(fp: BinaryIO, limits: ArchiveLimits) -> bool:
    """Whether the file also reads as a tar (plain, or gzip-compressed), as `tarfile.is_tarfile` would."""
    fp.seek(0)
    head = fp.read(tarfile.BLOCKSIZE)
    try:
        if head.startswith(_GZIP_MAGIC):
            with _open_tar(fp, limits):
                return True
        tarfile.TarInfo.frombuf(head, "utf-8", "surrogateescape")
        return True
    except (InvalidArchive, *READ_ERRORS):
        return False


def _open_tar(fp: BinaryIO, limits: ArchiveLimits) -> tarfile.TarFile:
    """Open a gzip tar as a forward-only stream whose inflated size is capped (a tar.gz bomb)."""
    fp.seek(0)
    if fp.read(2) != _GZIP_MAGIC:
        raise invalid(NOT_A_TARFILE)
    fp.seek(0)
    cap = max(limits.ratio_threshold, limits.max_ratio * file_size(fp))
    reader = _GunzipReader(fp, cap=cap, max_ratio=limits.max_ratio)
    try:
        return tarfile.open(
            fileobj=reader, mode="r|", tarinfo=_GuardedTarInfo, encoding="utf-8", errors="surrogateescape"
        )
    except tarfile.TarError as exc:
        raise invalid(NOT_A_TARFILE) from exc


def _check_tar_end(tar: tarfile.TarFile) -> None:
    """After the end-of-archive block only zero padding may follow; else a second tar could hide there.

    This also reads the gzip stream to its end, so that its checksum is verified.
    """
    while chunk := tar.fileobj.read(_CHUNK):
        if chunk.count(0) != len(chunk):
            raise not_accepted("tar", "Trailing data")


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
                raise invalid("The gzip stream is truncated or corrupt.") from exc
            if data:
                self._produced += len(data)
                if self._produced > self._cap:
                    raise invalid(f"File exceeds compression ratio of {self._max_ratio}")
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
                raise not_accepted("tar", "Trailing data")
            rest = self._raw.read(_CHUNK)


class _GuardedTarInfo(tarfile.TarInfo):
    """Refuses hostile headers as tarfile reads them, before it acts on them.

    tarfile (3.11-3.13) builds every header, extension headers included, through `frombuf`.
    """

    @classmethod
    def frombuf(cls, buf: bytes, encoding: str, errors: str) -> "_GuardedTarInfo":
        info = super().frombuf(buf, encoding, errors)
        if info.type == tarfile.GNUTYPE_SPARSE:  # sparse members hide data (Warehouse refuses them)
            raise not_accepted("tar", "Sparse members are not allowed")
        if info.size < 0:  # a negative size moved tarfile backwards forever
            raise not_accepted("tar", "Negative offset")
        if info.type in _TAR_EXTENSIONS and info.size > MAX_TAR_EXTENSION_BYTES:
            raise not_accepted("tar", "Extended header too large")
        return info

    def _proc_gnusparse_00(self, *args: object) -> None:
        """A pax header declared a GNU sparse map: refuse before tarfile parses it.

        tarfile calls one of these three hooks for the sparse formats 0.0, 0.1 and 1.0. Should a future
        tarfile rename them, `_SdistScan` still refuses any member with GNU.sparse.* pax keys.
        """
        raise not_accepted("tar", "Sparse members are not allowed")

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
            raise too_many_members(self.limits)
        self._check_text(member.name)
        if is_unsafe_path(member.name):
            raise invalid(f"Member {member.name!r} has an absolute path or a '..' component.")
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
            raise not_accepted("tar", "Filename not unicode") from None
        if len(encoded) > self.limits.max_member_name_length:
            raise name_too_long(self.limits)
        if _UNPRINTABLE.search(name):
            raise not_accepted("tar", "Invalid character in filename")

    def _check_kind(self, member: tarfile.TarInfo) -> None:
        # pax headers can still declare sparse data (GNU.sparse.*) or a size after frombuf has run.
        if member.issparse() or any(key.startswith("GNU.sparse.") for key in member.pax_headers):
            raise not_accepted("tar", "Sparse members are not allowed")
        if member.size < 0:
            raise not_accepted("tar", "Negative offset")
        if not (member.isreg() or member.isdir() or member.issym() or member.islnk()):
            raise invalid(f"Member {member.name!r} is not a regular file, directory or link.")

    def _check_top(self, member: tarfile.TarInfo, parts: list[str]) -> None:
        if not parts or (len(parts) == 1 and not member.isdir()):
            raise invalid(TOP_LEVEL)
        if self.top is None:
            self.top = parts[0]
        elif parts[0] != self.top:
            raise invalid(TOP_LEVEL)

    def _check_link(self, member: tarfile.TarInfo, parts: list[str]) -> None:
        """A link must resolve, lexically, inside the top directory: never absolute, never above it.

        A symbolic link is relative to its own directory, a hard link to the archive root.
        """
        self._check_text(member.linkname)
        start = parts[:-1] if member.issym() else []
        if not _stays_inside(start, member.linkname, self.top):
            raise invalid(f"Link {member.name!r} points outside the top-level directory.")

    def _read_pkg_info(self, member: tarfile.TarInfo) -> None:
        path = f"{self.top}/PKG-INFO"
        if self.metadata is not None:  # extractors keep the last copy; which one would we have read?
            raise invalid(f"Archive contains {path} more than once.")
        if not member.isreg():
            raise invalid(f"{path} is not a regular file.")
        check_member_size(path, member.size)
        self.metadata = self.tar.extractfile(member).read()

    def result(self, filename: str) -> DistributionContents:
        if self.top is None:
            raise invalid(TOP_LEVEL)
        if self.metadata is None:
            raise invalid(f"PKG-INFO not found at {self.top}/PKG-INFO")
        for license_file in self.license_files:
            if license_file not in self.found:
                raise missing_license(license_file, filename, f"{self.top}/{license_file}")
        return DistributionContents(self.metadata, f"{self.top}/PKG-INFO")


def _stays_inside(start: list[str], target: str, top: str | None) -> bool:
    """Resolve `target` from the directory `start` without the file system; stay below `top`."""
    if target.startswith(("/", "\\")) or DRIVE.match(target):
        return False
    stack = list(start)
    for part in SEPARATORS.split(target):
        if part == "..":
            if len(stack) <= 1:  # popping the top directory itself leaves the sdist
                return False
            stack.pop()
        elif part not in ("", "."):
            stack.append(part)
    return bool(stack) and stack[0] == top
