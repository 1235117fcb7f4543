"""Tests for the ZIP framing checks, on archives assembled byte by byte.

The refused cases mirror the reject corpus of Warehouse's `tests/unit/utils/test_zipfiles.py` (built from
github.com/fastzip/malo) by what each fixture is described to contain, with Warehouse's expected reason.
"""

import io
import struct
import zipfile
import zlib

import pytest

from registry.upload.archives.zipcheck import (
    SIG_CENTRAL_DIRECTORY,
    SIG_END,
    SIG_END64,
    SIG_END64_LOCATOR,
    SIG_LOCAL_FILE,
    CentralEntry,
    EndRecord,
    ZipStructureError,
    find_end_record,
    iter_central_name_lengths,
    validate_structure,
)

pytestmark = pytest.mark.unit

DEFLATED = 8


def local(name: bytes, data: bytes = b"", *, flags=0, method=0, sizes=None, extra=b"") -> bytes:
    """A local file header followed by the member data; `sizes` overrides (compressed, uncompressed)."""
    compressed, size = sizes or (len(data), len(data))
    header = struct.pack(
        "<5H3L2H", 20, flags, method, 0, 0, zlib.crc32(data), compressed, size, len(name), len(extra)
    )
    return SIG_LOCAL_FILE + header + name + extra + data


def central(
    name: bytes, data: bytes = b"", offset=0, *, method=0, sizes=None, extra=b"", comment=b""
) -> bytes:
    compressed, size = sizes or (len(data), len(data))
    fields = (20, 20, 0, method, 0, 0, zlib.crc32(data), compressed, size)
    lengths = (len(name), len(extra), len(comment), 0, 0, 0, offset)
    return SIG_CENTRAL_DIRECTORY + struct.pack("<6H3L5H2L", *fields, *lengths) + name + extra + comment


def end(records: int, size: int, offset: int, *, comment=b"", on_disk=None) -> bytes:
    on_disk = records if on_disk is None else on_disk
    return SIG_END + struct.pack("<4H2LH", 0, 0, on_disk, records, size, offset, len(comment)) + comment


def end64(records: int, size: int, offset: int, *, record_size=44) -> bytes:
    return SIG_END64 + struct.pack("<Q2H2L4Q", record_size, 45, 45, 0, 0, records, records, size, offset)


def locator(end64_offset: int) -> bytes:
    return SIG_END64_LOCATOR + struct.pack("<LQL", 0, end64_offset, 1)


def simple_zip(*members: tuple[bytes, bytes]) -> bytes:
    """A well-formed stored archive of (name, data) members."""
    body, directory = b"", b""
    for name, data in members:
        directory += central(name, data, len(body))
        body += local(name, data)
    return body + directory + end(len(members), len(directory), len(body))


def reason(data: bytes, central_view: dict | None = None) -> str | None:
    """Run the walk; by default against what `zipfile` reads from the same bytes, as the upload does."""
    fp = io.BytesIO(data)
    if central_view is None:
        with zipfile.ZipFile(fp) as archive:
            central_view = {
                info.orig_filename: CentralEntry(
                    info.compress_size, info.file_size, info.header_offset, info.compress_type
                )
                for info in archive.infolist()
            }
    try:
        validate_structure(fp, central_view)
    except ZipStructureError as error:
        return error.reason
    return None


def test_well_formed_archives_pass():
    assert reason(simple_zip((b"a", b"hello"), (b"dir/", b""), (b"dir/b", b"world"))) is None


def test_empty_archive_passes():
    assert reason(end(0, 0, 0)) is None


def test_archive_written_by_zipfile_passes():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("pkg/__init__.py", b"x = 1\n" * 100)
        archive.writestr("pkg/data.bin", bytes(range(256)), compress_type=zipfile.ZIP_STORED)
        archive.comment = b"an archive comment is allowed"
    assert reason(buffer.getvalue()) is None


def test_zip64_end_records_pass():
    body = local(b"a", b"data")
    directory = central(b"a", b"data", 0)
    at = len(body) + len(directory)
    data = body + directory + end64(1, len(directory), len(body)) + locator(at)
    data += end(0xFFFF, 0xFFFFFFFF, 0xFFFFFFFF)
    assert reason(data) is None


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        # prefix.zip: bytes before the first record.
        (b"junk" + simple_zip((b"a", b"x")), "Unknown record signature"),
        # suffix_not_comment.zip: bytes after the end record that its comment length does not cover.
        (simple_zip((b"a", b"x")) + b"junk", "Trailing data"),
        # A second archive appended (concatenated zips).
        (simple_zip((b"a", b"x")) + simple_zip((b"b", b"y")), "Trailing data"),
        # Truncated in the middle of a record.
        (simple_zip((b"a", b"x"))[:-5], "Malformed zip file"),
    ],
)
def test_framing_outside_the_records(data, expected):
    central_view = {"a": CentralEntry(1, 1, 0, 0), "b": CentralEntry(1, 1, 0, 0)}
    assert reason(data, central_view) == expected


def test_data_descriptor_is_refused():
    # data_descriptor*.zip: general purpose flag bit 3, sizes after the data.
    body = local(b"a", b"x", flags=0x08)
    data = body + central(b"a", b"x", 0) + end(1, 47, len(body))
    assert reason(data) == "ZIP contains a data descriptor"


def test_data_descriptor_written_by_zipfile_is_refused():
    class Unseekable(io.RawIOBase):
        def __init__(self):
            self.written = io.BytesIO()

        def writable(self):
            return True

        def write(self, data):
            return self.written.write(data)

    stream = Unseekable()
    with zipfile.ZipFile(stream, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("a.py", b"print(1)\n")
    assert reason(stream.written.getvalue()) == "ZIP contains a data descriptor"


def test_member_missing_from_central_directory():
    # cd_missing_entry.zip / zipinzip.zip: a local header the central directory does not list.
    first, hidden = local(b"a", b"x"), local(b"hidden", b"y")
    directory = central(b"a", b"x", 0)
    data = first + hidden + directory + end(1, len(directory), len(first + hidden))
    assert reason(data) == "Filename not in central directory"


def test_central_entry_without_local_header():
    # missing_local_file.zip
    body = local(b"a", b"x")
    directory = central(b"a", b"x", 0) + central(b"b", b"y", 0)
    data = body + directory + end(2, len(directory), len(body))
    assert reason(data, {"a": CentralEntry(1, 1, 0, 0), "b": CentralEntry(1, 1, 0, 0)}) == (
        "Missing filename in local headers"
    )


def test_duplicate_central_entry():
    # cd_extra_entry.zip: the directory lists the same member twice.
    body = local(b"a", b"x")
    directory = central(b"a", b"x", 0) * 2
    data = body + directory + end(2, len(directory), len(body))
    assert reason(data) == "Duplicate filename in central directory"


def test_duplicate_local_header():
    # reject/wheel-1.0-py3-none-any.whl: two local headers with one name.
    first, second = local(b"a", b"x"), local(b"a", b"x")
    directory = central(b"a", b"x", 0) + central(b"a", b"x", len(first))
    data = first + second + directory + end(2, len(directory), len(first + second))
    assert reason(data) == "Duplicate filename in local headers"


def test_comment_in_central_directory():
    # cd_comment.zip
    body = local(b"a", b"x")
    directory = central(b"a", b"x", 0, comment=b"hi")
    data = body + directory + end(1, len(directory), len(body))
    assert reason(data) == "Comment in central directory"


@pytest.mark.parametrize(
    ("local_sizes", "expected"),
    [((2, 1), "Mis-matched data size"), ((1, 2), "Mis-matched file size")],
)
def test_local_sizes_must_match_central(local_sizes, expected):
    body = local(b"a", b"x", sizes=local_sizes) + b"x"  # keep the walk aligned for (2, 1)
    directory = central(b"a", b"x", 0)
    data = body + directory + end(1, len(directory), len(body))
    assert reason(data, {"a": CentralEntry(1, 1, 0, 0)}) == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (b"bad\x00name", "Invalid character in filename"),
        (b"new\nline", "Invalid character in filename"),
        (b"del\x7f", "Invalid character in filename"),
        (b"caf\xe9", "Filename not unicode"),  # non_ascii_original_name.zip: not UTF-8
    ],
)
def test_member_names(name, expected):
    assert reason(simple_zip((name, b"x"))) == expected


def test_unprintable_name_in_central_directory():
    body = local(b"a", b"x")
    directory = central(b"\x01", b"x", 0)
    data = body + directory + end(1, len(directory), len(body))
    assert reason(data, {"a": CentralEntry(1, 1, 0, 0)}) == "Invalid character in filename"


def unicode_path_extra(name: bytes) -> bytes:
    return struct.pack("<HHB", 0x7075, 5 + len(name), 1) + b"\0\0\0\0" + name


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        (b"\x01\x00\x00", "Malformed zip file"),  # extra3byte.zip
        (struct.pack("<HH", 0x5455, 10) + b"\0" * 4, "Malformed zip file"),  # longer than the field
        (unicode_path_extra(b"a") * 2, "Invalid duplicate extra in local file"),  # second_unicode_extra.zip
        (unicode_path_extra(b"a\x00"), "Invalid character in filename"),
        (unicode_path_extra(b"\xf7"), "Filename not valid UTF-8"),
        (struct.pack("<HH", 0x0001, 4) + b"\0" * 4, "Malformed zip file"),  # ZIP64 extra of odd length
        (unicode_path_extra(b"a") + struct.pack("<HH", 0x5455, 1) + b"\0", None),  # several extras: fine
    ],
)
def test_local_extra_fields(extra, expected):
    body = local(b"a", b"x", extra=extra)
    directory = central(b"a", b"x", 0)
    assert reason(body + directory + end(1, len(directory), len(body))) == expected


def test_zip64_extra_with_only_the_size_requires_stored_data():
    # zip64_extra_usize.zip / _csize.zip: an 8-byte ZIP64 extra only carries the uncompressed size.
    extra = struct.pack("<HHQ", 0x0001, 8, 1)
    stored = local(b"a", b"x", sizes=(0xFFFFFFFF, 0xFFFFFFFF), extra=extra)
    deflated = local(b"a", b"x", method=DEFLATED, sizes=(0xFFFFFFFF, 0xFFFFFFFF), extra=extra)
    for body, method, expected in ((stored, 0, None), (deflated, DEFLATED, "Malformed zip file")):
        directory = central(b"a", b"x", 0, method=method)
        data = body + directory + end(1, len(directory), len(body))
        assert reason(data, {"a": CentralEntry(1, 1, 0, method)}) == expected


def test_zip64_extra_placeholder_without_values():
    extra = struct.pack("<HH", 0x0001, 0)
    body = local(b"a", b"x", sizes=(0xFFFFFFFF, 1), extra=extra)
    directory = central(b"a", b"x", 0)
    data = body + directory + end(1, len(directory), len(body))
    assert reason(data, {"a": CentralEntry(1, 1, 0, 0)}) == "Malformed zip file"


def test_zip64_extra_sizes_are_applied():
    extra = struct.pack("<HHQQ", 0x0001, 16, 1, 1)
    body = local(b"a", b"x", sizes=(0xFFFFFFFF, 0xFFFFFFFF), extra=extra)
    directory = central(b"a", b"x", 0)
    assert reason(body + directory + end(1, len(directory), len(body))) is None


@pytest.mark.parametrize(
    ("declared", "expected"),
    [
        ((0, None), "Mismatched central directory records"),
        ((2, None), "Mismatched central directory records"),
        ((1, -1), "Mismatched central directory offset"),
        ((1, +1), "Mismatched central directory offset"),
    ],
)
def test_end_record_must_describe_the_directory(declared, expected):
    records, offset_shift = declared
    body = local(b"a", b"x")
    directory = central(b"a", b"x", 0)
    data = body + directory + end(records, len(directory), len(body) + (offset_shift or 0))
    assert reason(data, {"a": CentralEntry(1, 1, 0, 0)}) == expected


def test_end_record_directory_size():
    body = local(b"a", b"x")
    directory = central(b"a", b"x", 0)
    data = body + directory + end(1, len(directory) + 1, len(body))
    assert reason(data, {"a": CentralEntry(1, 1, 0, 0)}) == "Mismatched central directory size"


def test_end_record_disk_counts_must_agree():
    data = simple_zip((b"a", b"x"))
    data = data[:-22] + end(1, 47, 32, on_disk=2)
    assert reason(data, {"a": CentralEntry(1, 1, 0, 0)}) == "Malformed zip file"


def zip64_archive(*, record_size=44, locator_at=None, between=b"", with_locator=True) -> bytes:
    body = local(b"a", b"x")
    directory = central(b"a", b"x", 0)
    at = len(body) + len(directory)
    tail = end64(1, len(directory), len(body), record_size=record_size)
    tail += b"\0" * (record_size - 44) + between
    if with_locator:
        tail += locator(at if locator_at is None else locator_at)
    return body + directory + tail + end(0xFFFF, 0xFFFFFFFF, 0xFFFFFFFF)


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (zip64_archive(with_locator=False), "Malformed zip file"),  # eocd64_without_locator.zip
        (zip64_archive(locator_at=3), "Mis-matched EOCD64 record and locator offset"),  # _locator_mismatch
        (zip64_archive(between=local(b"b", b"y")), "Malformed zip file"),  # eocd64_non_locator.zip
        (zip64_archive(record_size=48), "ZIP64 extensible data not allowed"),
        (simple_zip((b"a", b"x"))[:-22] + locator(0) + end(1, 47, 32), "Malformed zip file"),
    ],
)
def test_zip64_end_records(data, expected):
    assert reason(data, {"a": CentralEntry(1, 1, 0, 0), "b": CentralEntry(1, 1, 0, 0)}) == expected


def test_directory_must_point_at_the_header_the_walk_read():
    # Beyond Warehouse: a second header for "b" hidden in "a"'s stored data, which the directory uses.
    fake = local(b"b", b"evil")
    first = local(b"a", fake)
    real = local(b"b", b"good")
    directory = central(b"a", fake, 0) + central(b"b", b"good", 30 + 1)
    data = first + real + directory + end(2, len(directory), len(first + real))
    assert reason(data) == "Mis-matched local header offset"


def test_directory_and_header_must_agree_on_the_method():
    body = local(b"a", b"x", method=0)
    directory = central(b"a", b"x", 0, method=DEFLATED)
    data = body + directory + end(1, len(directory), len(body))
    assert reason(data, {"a": CentralEntry(1, 1, 0, DEFLATED)}) == "Mis-matched compression method"


def test_find_end_record_plain_and_with_comment():
    data = simple_zip((b"a", b"x"))
    record = find_end_record(io.BytesIO(data))
    assert (record.position, record.entries, record.cd_size, record.cd_offset) == (len(data) - 22, 1, 47, 32)
    assert record.cd_start == 32
    commented = data[:-22] + end(1, 47, 32, comment=b"PK comment")
    assert find_end_record(io.BytesIO(commented)).position == len(data) - 22


def test_find_end_record_zip64():
    data = zip64_archive()
    record = find_end_record(io.BytesIO(data))
    assert (record.zip64, record.entries, record.cd_size, record.cd_offset, record.cd_start) == (
        True,
        1,
        47,
        32,
        32,
    )


@pytest.mark.parametrize("data", [b"", b"PK\x05\x06", b"not a zip at all" * 100, SIG_END + b"\0" * 10])
def test_find_end_record_absent(data):
    assert find_end_record(io.BytesIO(data)) is None


def test_iter_central_name_lengths():
    data = simple_zip((b"a", b"x"), (b"abc/def", b"y"))
    assert list(iter_central_name_lengths(io.BytesIO(data), find_end_record(io.BytesIO(data)))) == [1, 7]


def test_iter_central_name_lengths_errors():
    body = local(b"a", b"x")
    cases = [
        # The directory would start before the file does.
        (body, EndRecord(position=10, entries=1, cd_size=47, cd_offset=0, zip64=False), "Bad offset"),
        (body + b"X" * 47, EndRecord(len(body) + 47, 1, 47, 32, zip64=False), "Bad magic number"),
        (body + central(b"a", b"x")[:40], EndRecord(len(body) + 40, 1, 40, 32, zip64=False), "Truncated"),
    ]
    for data, end_record, expected in cases:
        with pytest.raises(ZipStructureError) as error:
            list(iter_central_name_lengths(io.BytesIO(data), end_record))
        assert error.value.reason.startswith(expected)
