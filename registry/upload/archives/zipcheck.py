"""ZIP framing checks for uploaded wheels and zip sdists.

A wheel is read by two kinds of tools: installers that trust the central directory (pip, through
`zipfile`) and streaming readers that walk the local file headers from the start. When the two views
differ, a file can be shown to one and hidden from the other ("archive confusion").
`validate_structure` ports Warehouse's `warehouse/utils/zipfiles.py`: it visits every record in file order
(APPNOTE.TXT 4.3) and checks that it agrees with what `zipfile` parsed. Its reasons are Warehouse's.

`find_end_record` and `iter_central_name_lengths` read the end record and the central directory headers
the way `zipfile` does, so that the caller can cap the member count and name lengths before `zipfile`
builds an object for every entry.
"""

import os
import re
import struct
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import BinaryIO, NamedTuple, Protocol

SIG_LOCAL_FILE = b"PK\x03\x04"
SIG_CENTRAL_DIRECTORY = b"PK\x01\x02"
SIG_END = b"PK\x05\x06"
SIG_END64 = b"PK\x06\x06"
SIG_END64_LOCATOR = b"PK\x06\x07"

# Record bodies after their 4-byte signature (APPNOTE.TXT 4.3.7, 4.3.12, 4.3.14-4.3.16).
# Local: version, flags, method, time, date, crc, compressed size, size, name length, extra length.
_LOCAL = struct.Struct("<5H3L2H")
# Central: made by, version, flags, method, time, date, crc, sizes, name/extra/comment lengths,
# disk, internal attributes, external attributes, local header offset.
_CENTRAL = struct.Struct("<6H3L5H2L")
# End: disk, central directory disk, entries here, entries, size, offset, comment length.
_END = struct.Struct("<4H2LH")
# End64: record size, made by, version, disk, central directory disk, entries here, entries, size, offset.
_END64 = struct.Struct("<Q2H2L4Q")
# Locator: disk of the end64 record, its offset, number of disks.
_LOCATOR = struct.Struct("<LQL")

_MAX_32 = 0xFFFFFFFF
_EXTRA_ZIP64 = 0x0001
_EXTRA_UNICODE_PATH = 0x7075
# Extras that change how a member is read; a second copy could be honoured by one reader only.
_SINGLE_USE_EXTRAS = {_EXTRA_ZIP64, _EXTRA_UNICODE_PATH}
_UNPRINTABLE = re.compile(rb"[\x00-\x1f\x7f]")
_FLAG_DATA_DESCRIPTOR = 0x08
_STORED = 0


class ZipStructureError(Exception):
    """The archive's framing is refused; `reason` is Warehouse's wording for it."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class CentralView(Protocol):
    """What `zipfile` read from the central directory for one member; a `zipfile.ZipInfo` is one."""

    @property
    def compress_size(self) -> int: ...
    @property
    def file_size(self) -> int: ...
    @property
    def header_offset(self) -> int: ...
    @property
    def compress_type(self) -> int: ...


class CentralEntry(NamedTuple):
    """A CentralView built by hand (tests, or a caller without ZipInfo objects)."""

    compress_size: int
    file_size: int
    header_offset: int
    compress_type: int


@dataclass(frozen=True)
class EndRecord:
    """The end-of-central-directory values `zipfile` will use (ZIP64 ones when present)."""

    position: int
    entries: int
    cd_size: int
    cd_offset: int
    zip64: bool

    @property
    def cd_start(self) -> int:
        """Where `zipfile` starts reading the central directory: just before the end records."""
        return self.position - self.cd_size - (_END64.size + 4 + _LOCATOR.size + 4 if self.zip64 else 0)


def find_end_record(fp: BinaryIO) -> EndRecord | None:
    """Locate the end record as `zipfile` does (its absence is "not a zip"); None when there is none."""
    size = fp.seek(0, os.SEEK_END)
    record_size = 4 + _END.size
    if size < record_size:
        return None
    fp.seek(size - record_size)
    record = fp.read(record_size)
    position = size - record_size
    if not (record.startswith(SIG_END) and record.endswith(b"\0\0")):
        # An archive comment may follow the record: take the last signature in the final 64 KiB.
        window = max(size - 65536 - record_size, 0)
        fp.seek(window)
        data = fp.read()
        found = data.rfind(SIG_END)
        record = data[found : found + record_size]
        if found < 0 or len(record) != record_size:
            return None
        position = window + found
    _, _, _, entries, cd_size, cd_offset, _ = _END.unpack_from(record, 4)
    return _with_zip64(fp, EndRecord(position, entries, cd_size, cd_offset, zip64=False))


def _with_zip64(fp: BinaryIO, end: EndRecord) -> EndRecord:
    """Swap in the ZIP64 values when a locator and record sit right before the end record."""
    locator_at = end.position - 4 - _LOCATOR.size
    record_at = locator_at - 4 - _END64.size
    if record_at < 0:
        return end
    fp.seek(record_at)
    data = fp.read(4 + _END64.size + 4 + _LOCATOR.size)
    if data[-20:-16] != SIG_END64_LOCATOR or not data.startswith(SIG_END64):
        return end
    *_, entries, cd_size, cd_offset = _END64.unpack_from(data, 4)
    return EndRecord(end.position, entries, cd_size, cd_offset, zip64=True)


def iter_central_name_lengths(fp: BinaryIO, end: EndRecord) -> Iterator[int]:
    """Yield the name length of each central directory header, reading headers only, in order."""
    if end.cd_start < 0:
        raise ZipStructureError("Bad offset for central directory")
    fp.seek(end.cd_start)
    consumed = 0
    while consumed < end.cd_size:
        header = fp.read(4 + _CENTRAL.size)
        if len(header) != 4 + _CENTRAL.size:
            raise ZipStructureError("Truncated central directory")
        if not header.startswith(SIG_CENTRAL_DIRECTORY):
            raise ZipStructureError("Bad magic number for central directory")
        name_length, extra_length, comment_length = _CENTRAL.unpack_from(header, 4)[9:12]
        yield name_length
        fp.seek(name_length + extra_length + comment_length, os.SEEK_CUR)
        consumed += len(header) + name_length + extra_length + comment_length


def validate_structure(fp: BinaryIO, central: Mapping[str, CentralView]) -> None:
    """Walk every record from offset 0 and raise ZipStructureError at the first disagreement.

    `central` maps each `ZipInfo.orig_filename` to what `zipfile` read for it (the ZipInfo itself).
    """
    _Walk(fp, central).run()


class _Walk:
    """One pass over the records of an archive, remembering what the later records must agree with."""

    def __init__(self, fp: BinaryIO, central: Mapping[str, CentralView]):
        self.fp = fp
        self.central = central
        self.local: dict[bytes, tuple[int, int]] = {}  # name -> (header offset, method)
        self.central_names: set[bytes] = set()
        self.cd_start: int | None = None
        self.cd_records = 0
        self.cd_size = 0
        self.end64_at: int | None = None
        self.locator_seen = False
        self.declared = (0, 0, 0)  # records, size, offset from the ZIP64 end record

    def run(self) -> None:
        handlers = {
            SIG_LOCAL_FILE: self._local_file,
            SIG_CENTRAL_DIRECTORY: self._central_directory,
            SIG_END64: self._end64,
            SIG_END64_LOCATOR: self._locator,
        }
        self.fp.seek(0)
        while True:
            at = self.fp.tell()
            signature = self._read(4)
            self._check_order(signature)
            if signature == SIG_END:
                self._end(at)
                break
            handler = handlers.get(signature)
            if handler is None:
                # Also catches prefix data: the first record must start at offset 0.
                raise ZipStructureError("Unknown record signature")
            handler(at)
        if self.central_names != set(self.local):  # pragma: no cover - each record is checked as it comes
            raise ZipStructureError("Mis-matched local headers and central directory")
        end = self.fp.tell()
        if self.fp.seek(0, os.SEEK_END) != end:
            raise ZipStructureError("Trailing data")
        self._check_local_positions()

    def _read(self, size: int) -> bytes:
        data = self.fp.read(size)
        if len(data) != size:
            raise ZipStructureError("Malformed zip file")
        return data

    def _check_order(self, signature: bytes) -> None:
        """After a ZIP64 end record only its locator, then the classic end record, may follow."""
        if self.end64_at is None:
            if signature == SIG_END64_LOCATOR:
                raise ZipStructureError("Malformed zip file")
        elif signature == SIG_END64_LOCATOR:
            if self.locator_seen:
                raise ZipStructureError("Malformed zip file")
        elif signature != SIG_END or not self.locator_seen:
            raise ZipStructureError("Malformed zip file")

    def _local_file(self, at: int) -> None:
        _, flags, method, _, _, _, compress_size, file_size, name_length, extra_length = _LOCAL.unpack(
            self._read(_LOCAL.size)
        )
        variable = self._read(name_length + extra_length)
        name, extra = variable[:name_length], variable[name_length:]
        if _UNPRINTABLE.search(name):
            raise ZipStructureError("Invalid character in filename")
        compress_size, file_size = _local_extra_sizes(extra, method, compress_size, file_size)
        # With a data descriptor the sizes come after the data, so a streaming reader has to guess.
        if flags & _FLAG_DATA_DESCRIPTOR:
            raise ZipStructureError("ZIP contains a data descriptor")
        try:
            entry = self.central.get(name.decode("utf-8"))
        except UnicodeDecodeError:
            raise ZipStructureError("Filename not unicode") from None
        if entry is None:
            raise ZipStructureError("Filename not in central directory")
        if entry.compress_size != compress_size:
            raise ZipStructureError("Mis-matched data size")
        if entry.file_size != file_size:
            raise ZipStructureError("Mis-matched file size")
        if name in self.local:
            raise ZipStructureError("Duplicate filename in local headers")
        self.local[name] = (at, method)
        self.fp.seek(compress_size, os.SEEK_CUR)

    def _central_directory(self, at: int) -> None:
        if self.cd_start is None:
            self.cd_start = at
        self.cd_records += 1
        fields = _CENTRAL.unpack(self._read(_CENTRAL.size))
        name_length, extra_length, comment_length = fields[9:12]
        # A comment is a place to hide records from parsers that scan for signatures.
        if comment_length:
            raise ZipStructureError("Comment in central directory")
        name = self._read(name_length + extra_length)[:name_length]
        if _UNPRINTABLE.search(name):
            raise ZipStructureError("Invalid character in filename")
        self.cd_size += 4 + _CENTRAL.size + name_length + extra_length
        if name in self.central_names:
            raise ZipStructureError("Duplicate filename in central directory")
        if name not in self.local:
            raise ZipStructureError("Missing filename in local headers")
        self.central_names.add(name)

    def _end64(self, at: int) -> None:
        self.end64_at = at
        record_size, _, _, _, _, on_disk, entries, size, offset = _END64.unpack(self._read(_END64.size))
        if on_disk != entries:
            raise ZipStructureError("Malformed zip file")
        if record_size != _END64.size - 8:
            raise ZipStructureError("ZIP64 extensible data not allowed")
        self.declared = (entries, size, offset)

    def _locator(self, at: int) -> None:
        _, end64_offset, _ = _LOCATOR.unpack(self._read(_LOCATOR.size))
        self.locator_seen = True
        if end64_offset != self.end64_at:
            raise ZipStructureError("Mis-matched EOCD64 record and locator offset")

    def _end(self, at: int) -> None:
        if self.cd_start is None:  # an empty archive: the directory is empty and starts here
            self.cd_start = at
        _, _, on_disk, entries, size, offset, comment_length = _END.unpack(self._read(_END.size))
        if on_disk != entries:
            raise ZipStructureError("Malformed zip file")
        self.fp.seek(comment_length, os.SEEK_CUR)
        # In a ZIP64 archive (locator seen) the classic record may only hold placeholders.
        records, size, offset = self.declared if self.locator_seen else (entries, size, offset)
        if records != self.cd_records:
            raise ZipStructureError("Mismatched central directory records")
        if offset != self.cd_start:
            raise ZipStructureError("Mismatched central directory offset")
        if size != self.cd_size:
            raise ZipStructureError("Mismatched central directory size")

    def _check_local_positions(self) -> None:
        """Beyond Warehouse: the directory must point at the header the walk read, with its method.

        Otherwise a second, differently compressed copy of a member could sit inside another member's
        data and be what `zipfile` extracts. Checked last so that Warehouse's reasons keep priority.
        """
        for name, (at, method) in self.local.items():
            entry = self.central[name.decode("utf-8")]
            if entry.header_offset != at:
                raise ZipStructureError("Mis-matched local header offset")
            if entry.compress_type != method:
                raise ZipStructureError("Mis-matched compression method")


def _local_extra_sizes(extra: bytes, method: int, compress_size: int, file_size: int) -> tuple[int, int]:
    """Validate a local header's extra fields; return the sizes once ZIP64 values are applied."""
    seen: set[int] = set()
    while extra:
        if len(extra) < 4:
            raise ZipStructureError("Malformed zip file")
        kind, size = struct.unpack_from("<HH", extra)
        if size + 4 > len(extra):
            raise ZipStructureError("Malformed zip file")
        if kind in seen and kind in _SINGLE_USE_EXTRAS:
            raise ZipStructureError("Invalid duplicate extra in local file")
        seen.add(kind)
        body = extra[4 : 4 + size]
        if kind == _EXTRA_ZIP64:
            compress_size, file_size = _zip64_sizes(body, method, compress_size, file_size)
        elif kind == _EXTRA_UNICODE_PATH:
            _check_unicode_path(body)
        extra = extra[4 + size :]
    return compress_size, file_size


def _zip64_sizes(body: bytes, method: int, compress_size: int, file_size: int) -> tuple[int, int]:
    """Apply a ZIP64 extra (APPNOTE 4.5.3) the way Warehouse reads it."""
    if len(body) not in (0, 8, 16, 24, 28):
        raise ZipStructureError("Malformed zip file")
    if not body:
        if _MAX_32 in (compress_size, file_size):
            raise ZipStructureError("Malformed zip file")
        return compress_size, file_size
    if len(body) == 8:
        # Only the uncompressed size is given, which is also the compressed one only when stored.
        if method != _STORED:
            raise ZipStructureError("Malformed zip file")
        (size,) = struct.unpack("<Q", body)
        return size, size if file_size == _MAX_32 else file_size
    size, compressed = struct.unpack_from("<QQ", body)
    return compressed, size if file_size == _MAX_32 else file_size


def _check_unicode_path(body: bytes) -> None:
    """Info-ZIP Unicode Path extra: version (1 byte), CRC of the header name (4), then the name."""
    name = body[5:]
    if _UNPRINTABLE.search(name):
        raise ZipStructureError("Invalid character in filename")
    try:
        name.decode("utf-8")
    except UnicodeDecodeError:
        raise ZipStructureError("Filename not valid UTF-8") from None
