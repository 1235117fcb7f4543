"""Tests for archive inspection: every rule of `inspect_distribution`, on archives built in tmp_path.

Messages are asserted in full: they are what the uploader sees (Warehouse's wording where it has one).
"""

import base64
import contextlib
import gzip
import hashlib
import io
import random
import struct
import tarfile
import warnings
import zipfile
from pathlib import Path

import pytest

from registry.exceptions import InvalidArchive
from registry.upload.archives import ArchiveLimits, DistributionContents, inspect_distribution

pytestmark = pytest.mark.unit

WHEEL_NAME = "demo-1.0-py3-none-any.whl"
DIST_INFO = "demo-1.0.dist-info"
METADATA = b"Metadata-Version: 2.4\nName: demo\nVersion: 1.0\nLicense-File: LICENSE\n"
WHEEL = b"Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
TOP = "demo-1.0"
INVALID = "Invalid distribution file. "
SEE = ". See /help/#archives for more information"
SMALL = ArchiveLimits(ratio_threshold=1024 * 1024)


def refusal(path: Path, *, filetype: str, **kwargs) -> str:
    with pytest.raises(InvalidArchive) as error:
        inspect_distribution(path, filename=path.name, filetype=filetype, **kwargs)
    return error.value.message


# --- building wheels ---------------------------------------------------------------------------------


def record_row(name: str, data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{name},sha256={digest},{len(data)}\n"


def wheel_files(extra: dict[str, bytes] | None = None) -> dict[str, bytes]:
    files = {
        "demo/__init__.py": b"def main():\n    return 0\n",
        "demo/data/table.json": b"[" + b"1, " * 200 + b"1]",
        f"{DIST_INFO}/METADATA": METADATA,
        f"{DIST_INFO}/WHEEL": WHEEL,
        f"{DIST_INFO}/licenses/LICENSE": b"MIT License\n",
    }
    files.update(extra or {})
    return files


def write_wheel(
    tmp_path: Path,
    files: dict[str, bytes] | None = None,
    *,
    record: str | bytes | None = "auto",
    name: str = WHEEL_NAME,
    compression: int = zipfile.ZIP_DEFLATED,
) -> Path:
    """A wheel as build backends write it: RECORD lists every file with its hash, and itself last."""
    files = wheel_files() if files is None else dict(files)
    if record == "auto":
        record = "".join(record_row(n, d) for n, d in files.items()) + f"{DIST_INFO}/RECORD,,\n"
    if record is not None:
        files[f"{DIST_INFO}/RECORD"] = record.encode() if isinstance(record, str) else record
    path = tmp_path / name
    with zipfile.ZipFile(path, "w", compression) as archive:
        for member, data in files.items():
            archive.writestr(member, data)
    return path


def test_valid_wheel_returns_its_metadata(tmp_path):
    path = write_wheel(tmp_path)
    contents = inspect_distribution(
        path, filename=WHEEL_NAME, filetype="bdist_wheel", license_files=["LICENSE"]
    )
    assert contents == DistributionContents(metadata=METADATA, metadata_path=f"{DIST_INFO}/METADATA")


def test_wheel_tolerates_what_the_spec_allows(tmp_path):
    # Directory entries, an archive comment, signatures of RECORD and a RECORD that omits itself.
    files = wheel_files()
    record = "".join(record_row(n, d) for n, d in files.items())
    files[f"{DIST_INFO}/RECORD.jws"] = b"{}"
    path = tmp_path / WHEEL_NAME
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("demo/", b"")
        for member, data in files.items():
            archive.writestr(member, data)
        archive.writestr(f"{DIST_INFO}/RECORD", record)
        archive.comment = b"built by a test"
    contents = inspect_distribution(path, filename=WHEEL_NAME, filetype="bdist_wheel")
    assert contents.metadata == METADATA


def test_wheel_members_other_than_metadata_are_not_inflated(tmp_path):
    # A member whose deflate data is garbage passes: only METADATA, RECORD and entry_points.txt are read.
    path = write_wheel(tmp_path, wheel_files({"demo/big.bin": b"\0" * 4096}))
    data = bytearray(path.read_bytes())
    start = data.index(b"demo/big.bin") + len(b"demo/big.bin")
    data[start + 2 : start + 10] = b"\xff" * 8
    path.write_bytes(bytes(data))
    assert inspect_distribution(path, filename=WHEEL_NAME, filetype="bdist_wheel").metadata == METADATA


def test_corrupt_metadata_member(tmp_path):
    path = write_wheel(tmp_path, compression=zipfile.ZIP_STORED)
    path.write_bytes(path.read_bytes().replace(b"Name: demo", b"Name: DEMO"))  # CRC no longer matches
    assert refusal(path, filetype="bdist_wheel") == INVALID + f"{DIST_INFO}/METADATA is corrupt."


def test_unparseable_wheel_filename(tmp_path):
    path = write_wheel(tmp_path, name="demo-1.0.whl")
    assert refusal(path, filetype="bdist_wheel") == (
        INVALID + "Unable to parse name and version from wheel filename"
    )


def test_wheel_without_wheel_file(tmp_path):
    files = wheel_files()
    del files[f"{DIST_INFO}/WHEEL"]
    path = write_wheel(tmp_path, files)
    assert refusal(path, filetype="bdist_wheel") == INVALID + f"WHEEL not found at {DIST_INFO}/WHEEL"


def test_wheel_without_metadata(tmp_path):
    files = wheel_files()
    del files[f"{DIST_INFO}/METADATA"]
    path = write_wheel(tmp_path, files)
    assert refusal(path, filetype="bdist_wheel") == (
        f"Wheel '{WHEEL_NAME}' does not contain the required METADATA file: {DIST_INFO}/METADATA"
    )


@pytest.mark.parametrize("record", [None, b"\xff\xfe not utf-8", b"x" * 200_000 + b",,\n"])
def test_wheel_without_usable_record(tmp_path, record):
    path = write_wheel(tmp_path, record=record)
    assert refusal(path, filetype="bdist_wheel") == (
        f"Wheel '{WHEEL_NAME}' does not contain the required RECORD file: {DIST_INFO}/RECORD"
    )


def test_file_not_listed_in_record(tmp_path):
    files = wheel_files()
    record = "".join(record_row(n, d) for n, d in files.items())
    path = write_wheel(tmp_path, {**files, "demo/evil.py": b"import os\n"}, record=record)
    assert refusal(path, filetype="bdist_wheel") == (
        f"Wheel '{WHEEL_NAME}' contains 'demo/evil.py', which its RECORD file does not list."
    )


def test_record_lists_a_missing_file(tmp_path):
    files = wheel_files()
    record = "".join(record_row(n, d) for n, d in files.items()) + "demo/gone.py,,\n"
    path = write_wheel(tmp_path, files, record=record)
    assert refusal(path, filetype="bdist_wheel") == (
        f"Wheel '{WHEEL_NAME}' RECORD lists 'demo/gone.py', which the archive does not contain."
    )


def test_record_signature_listed_but_absent(tmp_path):
    files = wheel_files()
    record = "".join(record_row(n, d) for n, d in files.items()) + f"{DIST_INFO}/RECORD.p7s,,\n"
    path = write_wheel(tmp_path, files, record=record)
    assert refusal(path, filetype="bdist_wheel") == (
        f"Wheel '{WHEEL_NAME}' RECORD lists '{DIST_INFO}/RECORD.p7s', which the archive does not contain."
    )


@pytest.mark.parametrize(
    "listed", ["demo\\__init__.py", "/demo/__init__.py", "demo/../demo/__init__.py", "./demo/x.py", "C:/x"]
)
def test_record_path_must_be_clean(tmp_path, listed):
    files = wheel_files()
    record = "".join(record_row(n, d) for n, d in files.items()) + f"{listed},,\n"
    path = write_wheel(tmp_path, files, record=record)
    assert refusal(path, filetype="bdist_wheel") == (
        f"Wheel '{WHEEL_NAME}' RECORD lists {listed!r}, which is not a valid relative path."
    )


def test_record_rows_written_with_windows_separators(tmp_path):
    # pyqt6_qt6 6.9.2's Windows wheels end RECORD with `<dist-info>\RECORD,,`; wheels built on
    # Windows by older tools use `\` throughout. Installers read `\` as `/` (pypa/installer#152).
    files = wheel_files()
    rows = [record_row(name.replace("/", "\\"), data) for name, data in files.items()]
    record = "".join(rows) + f"{DIST_INFO}\\RECORD,,\n"
    path = write_wheel(tmp_path, files, record=record)
    assert inspect_distribution(path, filename=WHEEL_NAME, filetype="bdist_wheel").metadata == METADATA


def test_record_row_with_dot_segments_naming_a_file(tmp_path):
    files = wheel_files()
    record = "".join(record_row(f"./{name}", data) for name, data in files.items())
    path = write_wheel(tmp_path, files, record=record + f".\\{DIST_INFO}\\RECORD,,\n")
    assert inspect_distribution(path, filename=WHEEL_NAME, filetype="bdist_wheel").metadata == METADATA


@pytest.mark.parametrize("listed", ["demo\\gone.py", "demo\\", "demo/", ".\\", "\\demo\\__init__.py"])
def test_respelled_record_row_must_name_an_unlisted_file(tmp_path, listed):
    # A directory row would make pip's uninstall delete the whole directory (pypa/pip#10118).
    files = wheel_files()
    record = "".join(record_row(n, d) for n, d in files.items()) + f"{listed},,\n"
    path = write_wheel(tmp_path, files, record=record)
    assert refusal(path, filetype="bdist_wheel") == (
        f"Wheel '{WHEEL_NAME}' RECORD lists {listed!r}, which is not a valid relative path."
    )


def test_record_lists_a_path_twice(tmp_path):
    files = wheel_files()
    record = "".join(record_row(n, d) for n, d in files.items()) + "demo/__init__.py,,\n"
    path = write_wheel(tmp_path, files, record=record)
    assert refusal(path, filetype="bdist_wheel") == (
        f"Wheel '{WHEEL_NAME}' RECORD lists 'demo/__init__.py' more than once."
    )


ENTRY_POINTS = f"{DIST_INFO}/entry_points.txt"


def test_valid_entry_points(tmp_path):
    text = (
        "[console_scripts]\ndemo = demo:main\nDemo.Tool_2 = demo:main [extra]\n\n"
        "# pytest plugins refer to a module\n[pytest11]\nany/name = demo.plugin\n"
    )
    path = write_wheel(tmp_path, {**wheel_files(), ENTRY_POINTS: text.encode()})
    assert inspect_distribution(path, filename=WHEEL_NAME, filetype="bdist_wheel").metadata == METADATA


@pytest.mark.parametrize("section", ["console_scripts", "gui_scripts"])
@pytest.mark.parametrize("script", ["/bin/evil", "../x", "../../../../foo", "foo/bar", "foo\\bar", "foo bar"])
def test_entry_point_names_must_be_file_names(tmp_path, section, script):
    text = f"[{section}]\n{script} = demo:main\n"
    path = write_wheel(tmp_path, {**wheel_files(), ENTRY_POINTS: text.encode()})
    assert refusal(path, filetype="bdist_wheel") == (
        f"Wheel '{WHEEL_NAME}' has invalid entry points defined in the entry_points.txt file"
    )


@pytest.mark.parametrize(
    "content",
    [
        b"[console_scripts]\nfoo:main\n",  # ':' is not a delimiter, and 'foo:bar' is not a name either
        b"[console_scripts]\nfoo:bar = demo:main\n",
        b"\xff\xfe\xfd",  # not UTF-8
        b"foo = demo:main\n",  # no section
        b"[console_scripts]\na = x:y\na = x:z\n",  # duplicate
    ],
)
def test_invalid_entry_points_file(tmp_path, content):
    path = write_wheel(tmp_path, {**wheel_files(), ENTRY_POINTS: content})
    assert refusal(path, filetype="bdist_wheel") == (
        f"Wheel '{WHEEL_NAME}' has invalid entry points defined in the entry_points.txt file"
    )


def test_wheel_license_file_missing(tmp_path):
    path = write_wheel(tmp_path)
    assert refusal(path, filetype="bdist_wheel", license_files=["LICENSE", "NOTICE"]) == (
        f"License-File NOTICE does not exist in distribution file {WHEEL_NAME} at {DIST_INFO}/licenses/NOTICE"
    )


def test_metadata_size_is_capped(tmp_path, monkeypatch):
    monkeypatch.setattr("registry.upload.archives.common.MAX_METADATA_BYTES", 16)
    path = write_wheel(tmp_path)
    assert refusal(path, filetype="bdist_wheel") == INVALID + f"{DIST_INFO}/RECORD is larger than 0 MiB."


# --- zip checks shared by wheels and zip sdists ------------------------------------------------------


@pytest.mark.parametrize("content", [b"", b"random bytes " * 100, gzip.compress(b"not a zip")])
@pytest.mark.parametrize("filename", [WHEEL_NAME, "demo-1.0.zip"])
def test_not_a_zipfile(tmp_path, content, filename):
    path = tmp_path / filename
    path.write_bytes(content)
    filetype = "bdist_wheel" if filename.endswith(".whl") else "sdist"
    assert refusal(path, filetype=filetype) == INVALID + "File is not a zipfile"


def test_unsupported_compression(tmp_path):
    path = write_wheel(tmp_path, compression=zipfile.ZIP_BZIP2)
    assert refusal(path, filetype="bdist_wheel") == INVALID + "File does not use a supported compression type"


def test_zip_bomb(tmp_path):
    # 65 MiB of zeros deflates to about 65 KB, a ratio near 1000.
    path = write_wheel(tmp_path, wheel_files({"demo/zeros.bin": bytes(65 * 1024 * 1024)}))
    assert refusal(path, filetype="bdist_wheel") == INVALID + "File exceeds compression ratio of 50"


def test_compressible_data_below_the_threshold_is_fine(tmp_path):
    path = write_wheel(tmp_path, wheel_files({"demo/zeros.bin": bytes(1024 * 1024)}))
    assert inspect_distribution(path, filename=WHEEL_NAME, filetype="bdist_wheel").metadata == METADATA


def test_data_descriptor_wheel(tmp_path):
    class Unseekable(io.RawIOBase):
        def __init__(self, target):
            self.target = target

        def writable(self):
            return True

        def write(self, data):
            return self.target.write(data)

    path = tmp_path / WHEEL_NAME
    files = wheel_files()
    files[f"{DIST_INFO}/RECORD"] = "".join(record_row(n, d) for n, d in files.items()).encode()
    with path.open("wb") as target, zipfile.ZipFile(Unseekable(target), "w") as archive:
        for member, data in files.items():
            archive.writestr(member, data)
    assert refusal(path, filetype="bdist_wheel") == (
        INVALID + "ZIP archive not accepted: ZIP contains a data descriptor" + SEE
    )


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (lambda data: data + b"trailing", "Trailing data"),
        (lambda data: b"prefix" + data, "Unknown record signature"),
    ],
)
def test_zip_framing(tmp_path, change, reason):
    path = write_wheel(tmp_path)
    path.write_bytes(change(path.read_bytes()))
    assert refusal(path, filetype="bdist_wheel") == INVALID + f"ZIP archive not accepted: {reason}" + SEE


def test_comment_in_central_directory(tmp_path):
    path = tmp_path / WHEEL_NAME
    with zipfile.ZipFile(path, "w") as archive:
        info = zipfile.ZipInfo(f"{DIST_INFO}/WHEEL")
        info.comment = b"hidden"
        archive.writestr(info, WHEEL)
    assert refusal(path, filetype="bdist_wheel") == (
        INVALID + "ZIP archive not accepted: Comment in central directory" + SEE
    )


def test_duplicate_member(tmp_path):
    files = wheel_files()
    path = write_wheel(tmp_path, files)
    with warnings.catch_warnings(), zipfile.ZipFile(path, "a") as archive:
        warnings.simplefilter("ignore")  # zipfile warns about the duplicate name it is asked to write
        archive.writestr("demo/__init__.py", files["demo/__init__.py"])
        archive.writestr("demo/__init__.py", b"a different body, of a different size")
    assert refusal(path, filetype="bdist_wheel") == (
        INVALID + "ZIP archive not accepted: Duplicate filename in central directory" + SEE
    )


def test_central_directory_parse_error(tmp_path):
    path = write_wheel(tmp_path)
    data = path.read_bytes()
    path.write_bytes(data.replace(b"PK\x01\x02", b"PK\x01\x03", 1))
    assert refusal(path, filetype="bdist_wheel") == (
        INVALID + "ZIP archive not accepted: Bad magic number for central directory" + SEE
    )


def set_flags(data: bytes, flags: int) -> bytes:
    """Set the general purpose flags of every local and central header (offsets 6 and 8)."""
    data = bytearray(data)
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        at = data.find(signature)
        while at >= 0:
            data[at + offset : at + offset + 2] = struct.pack("<H", flags)
            at = data.find(signature, at + 4)
    return bytes(data)


@pytest.mark.parametrize("flags", [0x1, 0x40])
def test_encrypted_members(tmp_path, flags):
    path = write_wheel(tmp_path, compression=zipfile.ZIP_STORED)
    path.write_bytes(set_flags(path.read_bytes(), flags))
    assert refusal(path, filetype="bdist_wheel") == (
        INVALID + "ZIP archive not accepted: Encrypted members are not allowed" + SEE
    )


def test_patched_data_members(tmp_path):
    path = write_wheel(tmp_path, compression=zipfile.ZIP_STORED)
    path.write_bytes(set_flags(path.read_bytes(), 0x20))
    assert refusal(path, filetype="bdist_wheel") == INVALID + "File does not use a supported compression type"


def test_zip_version_beyond_zipfile(tmp_path):
    path = write_wheel(tmp_path)
    data = bytearray(path.read_bytes())
    at = data.find(b"PK\x01\x02")
    data[at + 6 : at + 8] = struct.pack("<H", 99)  # "version needed to extract" 9.9
    path.write_bytes(bytes(data))
    assert (
        refusal(path, filetype="bdist_wheel")
        == INVALID + "ZIP archive not accepted: Unsupported ZIP version" + SEE
    )


def test_name_flagged_utf8_that_is_not(tmp_path):
    path = write_wheel(tmp_path, {**wheel_files(), "demo/caf\xe9.py": b""}, compression=zipfile.ZIP_STORED)
    path.write_bytes(path.read_bytes().replace("caf\xe9".encode(), b"caf\xff\xfe"))
    assert refusal(path, filetype="bdist_wheel") == (
        INVALID + "ZIP archive not accepted: Filename not unicode" + SEE
    )


@pytest.mark.parametrize("member", ["../evil.py", "/etc/evil.py", "demo/../../evil.py", "C:/evil.py"])
def test_unsafe_zip_member_paths(tmp_path, member):
    path = write_wheel(tmp_path, {**wheel_files(), member: b""})
    assert refusal(path, filetype="bdist_wheel") == (
        INVALID + f"Member {member!r} has an absolute path or a '..' component."
    )


def test_member_count_cap(tmp_path):
    path = write_wheel(tmp_path)  # 6 members
    assert refusal(path, filetype="bdist_wheel", limits=ArchiveLimits(max_members=5)) == (
        INVALID + "Archive has more than 5 members."
    )


def test_member_count_cap_ignores_a_lying_end_record(tmp_path):
    path = write_wheel(tmp_path)
    data = bytearray(path.read_bytes())
    end = data.rfind(b"PK\x05\x06")
    data[end + 8 : end + 12] = struct.pack("<HH", 1, 1)  # claims one entry
    path.write_bytes(bytes(data))
    assert refusal(path, filetype="bdist_wheel", limits=ArchiveLimits(max_members=5)) == (
        INVALID + "Archive has more than 5 members."
    )


def test_member_name_cap(tmp_path):
    path = write_wheel(tmp_path, {**wheel_files(), "demo/" + "x" * 40 + ".py": b""})
    assert refusal(path, filetype="bdist_wheel", limits=ArchiveLimits(max_member_name_length=40)) == (
        INVALID + "Archive contains a member name longer than 40 bytes."
    )


def test_central_directory_size_cap(tmp_path):
    path = write_wheel(tmp_path)
    data = bytearray(path.read_bytes())
    end = data.rfind(b"PK\x05\x06")
    data[end + 12 : end + 16] = struct.pack("<L", 0x7FFFFFFF)
    path.write_bytes(bytes(data))
    assert refusal(path, filetype="bdist_wheel") == (
        INVALID + "ZIP archive not accepted: Central directory too large" + SEE
    )


# --- zip sdists --------------------------------------------------------------------------------------

PKG_INFO = b"Metadata-Version: 2.4\nName: demo\nVersion: 1.0\n"


def write_zip_sdist(tmp_path: Path, files: dict[str, bytes]) -> Path:
    path = tmp_path / "demo-1.0.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for member, data in files.items():
            archive.writestr(member, data)
    return path


def test_valid_zip_sdist(tmp_path):
    files = {f"{TOP}/": b"", f"{TOP}/PKG-INFO": PKG_INFO, f"{TOP}/LICENSE": b"MIT", f"{TOP}/setup.py": b""}
    path = write_zip_sdist(tmp_path, files)
    contents = inspect_distribution(path, filename=path.name, filetype="sdist", license_files=["LICENSE"])
    assert contents == DistributionContents(PKG_INFO, f"{TOP}/PKG-INFO")


@pytest.mark.parametrize(
    "files",
    [
        {"package/PKG-INFO": PKG_INFO, "notpackage/x.py": b""},
        {"PKG-INFO": PKG_INFO},
        {f"{TOP}": b"", f"{TOP}/PKG-INFO": PKG_INFO},
        {},
    ],
)
def test_zip_sdist_top_level(tmp_path, files):
    path = write_zip_sdist(tmp_path, files)
    assert refusal(path, filetype="sdist") == INVALID + "Incorrect number of top-level directories in sdist"


def test_zip_sdist_without_pkg_info(tmp_path):
    path = write_zip_sdist(tmp_path, {f"{TOP}/setup.py": b""})
    assert refusal(path, filetype="sdist") == INVALID + f"PKG-INFO not found at {TOP}/PKG-INFO"


def test_zip_sdist_license_missing(tmp_path):
    path = write_zip_sdist(tmp_path, {f"{TOP}/PKG-INFO": PKG_INFO})
    assert refusal(path, filetype="sdist", license_files=["COPYING"]) == (
        f"License-File COPYING does not exist in distribution file demo-1.0.zip at {TOP}/COPYING"
    )


# --- tar.gz sdists -----------------------------------------------------------------------------------


def file_member(name: str, data: bytes = b"", **attributes) -> tuple[tarfile.TarInfo, bytes]:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    for key, value in attributes.items():
        setattr(info, key, value)
    return info, data


def dir_member(name: str) -> tuple[tarfile.TarInfo, bytes]:
    return file_member(name, type=tarfile.DIRTYPE, mode=0o755)


def link_member(name: str, target: str, kind: bytes = tarfile.SYMTYPE) -> tuple[tarfile.TarInfo, bytes]:
    return file_member(name, type=kind, linkname=target)


def sdist_members(*extra) -> list[tuple[tarfile.TarInfo, bytes]]:
    return [
        dir_member(TOP),
        file_member(f"{TOP}/PKG-INFO", PKG_INFO),
        file_member(f"{TOP}/LICENSE", b"MIT"),
        dir_member(f"{TOP}/src"),
        file_member(f"{TOP}/src/demo.py", b"print('demo')\n"),
        *extra,
    ]


def tar_bytes(members, *, tar_format=tarfile.PAX_FORMAT) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tar_format) as archive:
        for info, data in members:
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def tar_body(members) -> bytes:
    """Tar bytes without the end-of-archive blocks, so that more can be appended."""
    raw = tar_bytes(members).rstrip(b"\0")
    return raw + bytes(-len(raw) % tarfile.BLOCKSIZE)


def write_sdist(
    tmp_path: Path, members=None, *, raw: bytes | None = None, tar_format=tarfile.PAX_FORMAT
) -> Path:
    """A gzip tar sdist; `raw` gives the uncompressed tar bytes instead of members."""
    raw = (
        tar_bytes(sdist_members() if members is None else members, tar_format=tar_format)
        if raw is None
        else raw
    )
    path = tmp_path / f"{TOP}.tar.gz"
    path.write_bytes(gzip.compress(raw, mtime=0))
    return path


def test_valid_sdist(tmp_path):
    extra = [
        link_member(f"{TOP}/src/alias.py", "demo.py"),
        link_member(f"{TOP}/copy.py", f"{TOP}/src/demo.py", tarfile.LNKTYPE),
    ]
    path = write_sdist(tmp_path, sdist_members(*extra))
    contents = inspect_distribution(path, filename=path.name, filetype="sdist", license_files=["LICENSE"])
    assert contents == DistributionContents(PKG_INFO, f"{TOP}/PKG-INFO")


def test_sdist_made_by_tar_with_dot_prefix(tmp_path):
    members = [file_member(f"./{TOP}/PKG-INFO", PKG_INFO), file_member(f"./{TOP}/setup.py")]
    path = write_sdist(tmp_path, members, tar_format=tarfile.GNU_FORMAT)
    assert inspect_distribution(path, filename=path.name, filetype="sdist").metadata == PKG_INFO


def test_sdist_zero_padding_after_gzip_is_tolerated(tmp_path):
    path = write_sdist(tmp_path)
    path.write_bytes(path.read_bytes() + bytes(512))
    assert inspect_distribution(path, filename=path.name, filetype="sdist").metadata == PKG_INFO


@pytest.mark.parametrize(
    "content",
    [
        b"",  # an empty file
        b"random bytes " * 100,
        tar_bytes(sdist_members()),  # a tar, but not gzip-compressed
        gzip.compress(b"a gzip file that is no tar " * 40),
    ],
)
def test_not_a_tarfile(tmp_path, content):
    path = tmp_path / f"{TOP}.tar.gz"
    path.write_bytes(content)
    assert refusal(path, filetype="sdist") == INVALID + "File is not a tarfile"


def test_truncated_gzip(tmp_path):
    # A valid start whose body is cut off.
    path = write_sdist(tmp_path, sdist_members(file_member(f"{TOP}/big.bin", bytes(range(256)) * 400)))
    path.write_bytes(path.read_bytes()[:-200])
    assert refusal(path, filetype="sdist") == INVALID + "The gzip stream is truncated or corrupt."


def test_corrupt_gzip_checksum(tmp_path):
    path = write_sdist(tmp_path)
    data = bytearray(path.read_bytes())
    data[-8] ^= 0xFF  # the CRC-32 in the gzip trailer
    path.write_bytes(bytes(data))
    assert refusal(path, filetype="sdist") == INVALID + "The gzip stream is truncated or corrupt."


def test_tar_bomb(tmp_path):
    # Beyond Warehouse (a tar.gz bomb): 4 MiB of zeros compress to ~4 KB; the cap is max(1 MiB, 50 x size).
    path = write_sdist(tmp_path, sdist_members(file_member(f"{TOP}/zeros.bin", bytes(4 * 1024 * 1024))))
    assert refusal(path, filetype="sdist", limits=SMALL) == INVALID + "File exceeds compression ratio of 50"


def test_tar_below_the_cap_is_fine(tmp_path):
    path = write_sdist(tmp_path, sdist_members(file_member(f"{TOP}/zeros.bin", bytes(512 * 1024))))
    assert inspect_distribution(path, filename=path.name, filetype="sdist", limits=SMALL).metadata == PKG_INFO


def test_gnu_sparse_member(tmp_path):
    members = sdist_members(file_member(f"{TOP}/sparse.bin", b"x" * 512, type=tarfile.GNUTYPE_SPARSE))
    path = write_sdist(tmp_path, members, tar_format=tarfile.GNU_FORMAT)
    assert refusal(path, filetype="sdist") == (
        INVALID + "tar archive not accepted: Sparse members are not allowed" + SEE
    )


@pytest.mark.parametrize(
    "headers",
    [
        {"GNU.sparse.map": "0,10", "GNU.sparse.size": "10"},  # format 0.1
        {"GNU.sparse.major": "1", "GNU.sparse.minor": "0", "GNU.sparse.realsize": "10"},
        {"GNU.sparse.name": f"{TOP}/other.bin"},
    ],
)
def test_pax_sparse_member(tmp_path, headers):
    members = sdist_members(file_member(f"{TOP}/sparse.bin", b"\0" * 10, pax_headers=headers))
    path = write_sdist(tmp_path, members)
    assert refusal(path, filetype="sdist") == (
        INVALID + "tar archive not accepted: Sparse members are not allowed" + SEE
    )


@pytest.mark.parametrize(
    "name", ["../evil.py", "/etc/passwd", f"{TOP}/../../evil.py", f"{TOP}/..", "C:/evil.py", "\\evil.py"]
)
def test_tar_traversal_and_absolute_members(tmp_path, name):
    path = write_sdist(tmp_path, sdist_members(file_member(name, b"x")))
    assert (
        refusal(path, filetype="sdist")
        == INVALID + f"Member {name!r} has an absolute path or a '..' component."
    )


@pytest.mark.parametrize(
    ("name", "target", "kind"),
    [
        (f"{TOP}/link", "/etc/passwd", tarfile.SYMTYPE),
        (f"{TOP}/link", "..", tarfile.SYMTYPE),
        (f"{TOP}/src/link", "../../other/x", tarfile.SYMTYPE),
        (f"{TOP}/src/link", "sub/../../../x", tarfile.SYMTYPE),
        (f"{TOP}/link", "C:\\Windows", tarfile.SYMTYPE),
        (f"{TOP}/hard", "/etc/passwd", tarfile.LNKTYPE),
        (f"{TOP}/hard", "other/file", tarfile.LNKTYPE),
        (f"{TOP}/hard", f"{TOP}/../other/file", tarfile.LNKTYPE),
    ],
)
def test_links_escaping_the_top_directory(tmp_path, name, target, kind):
    path = write_sdist(tmp_path, sdist_members(link_member(name, target, kind)))
    assert (
        refusal(path, filetype="sdist") == INVALID + f"Link {name!r} points outside the top-level directory."
    )


def test_links_inside_the_top_directory(tmp_path):
    links = [
        link_member(f"{TOP}/src/up", "../LICENSE"),
        link_member(f"{TOP}/src/here", "."),
        link_member(f"{TOP}/src/deep/x", "../../src/demo.py"),
    ]
    path = write_sdist(tmp_path, sdist_members(*links))
    assert inspect_distribution(path, filename=path.name, filetype="sdist").metadata == PKG_INFO


@pytest.mark.parametrize(
    "members",
    [
        [file_member("package/PKG-INFO", PKG_INFO), file_member("notpackage/setup.py")],
        [file_member("PKG-INFO", PKG_INFO)],
        [dir_member("."), file_member(f"{TOP}/PKG-INFO", PKG_INFO)],
        [],
    ],
)
def test_sdist_top_level(tmp_path, members):
    path = write_sdist(tmp_path, members)
    assert refusal(path, filetype="sdist") == INVALID + "Incorrect number of top-level directories in sdist"


def test_sdist_without_pkg_info(tmp_path):
    path = write_sdist(tmp_path, [dir_member(TOP), file_member(f"{TOP}/setup.py")])
    assert refusal(path, filetype="sdist") == INVALID + f"PKG-INFO not found at {TOP}/PKG-INFO"


def test_sdist_with_two_pkg_infos(tmp_path):
    path = write_sdist(tmp_path, sdist_members(file_member(f"{TOP}/PKG-INFO", b"Name: other\n")))
    assert refusal(path, filetype="sdist") == INVALID + f"Archive contains {TOP}/PKG-INFO more than once."


def test_sdist_pkg_info_as_a_link(tmp_path):
    members = [dir_member(TOP), file_member(f"{TOP}/real", PKG_INFO), link_member(f"{TOP}/PKG-INFO", "real")]
    path = write_sdist(tmp_path, members)
    assert refusal(path, filetype="sdist") == INVALID + f"{TOP}/PKG-INFO is not a regular file."


def test_sdist_pkg_info_size_cap(tmp_path, monkeypatch):
    monkeypatch.setattr("registry.upload.archives.common.MAX_METADATA_BYTES", 10)
    path = write_sdist(tmp_path)
    assert refusal(path, filetype="sdist") == INVALID + f"{TOP}/PKG-INFO is larger than 0 MiB."


def test_sdist_device_member(tmp_path):
    path = write_sdist(tmp_path, sdist_members(file_member(f"{TOP}/dev", type=tarfile.CHRTYPE)))
    assert refusal(path, filetype="sdist") == (
        INVALID + f"Member '{TOP}/dev' is not a regular file, directory or link."
    )


def test_sdist_license_files(tmp_path):
    path = write_sdist(tmp_path)
    assert refusal(path, filetype="sdist", license_files=["LICENSE", "src"]) == (
        f"License-File src does not exist in distribution file {TOP}.tar.gz at {TOP}/src"
    )


def test_sdist_member_count_cap(tmp_path):
    path = write_sdist(tmp_path)
    assert refusal(path, filetype="sdist", limits=ArchiveLimits(max_members=4)) == (
        INVALID + "Archive has more than 4 members."
    )


def test_sdist_member_name_cap(tmp_path):
    path = write_sdist(tmp_path, sdist_members(file_member(f"{TOP}/" + "x" * 100)))
    assert refusal(path, filetype="sdist", limits=ArchiveLimits(max_member_name_length=100)) == (
        INVALID + "Archive contains a member name longer than 100 bytes."
    )


def test_sdist_link_target_length_cap(tmp_path):
    path = write_sdist(tmp_path, sdist_members(link_member(f"{TOP}/l", "x/" * 60)))
    assert refusal(path, filetype="sdist", limits=ArchiveLimits(max_member_name_length=100)) == (
        INVALID + "Archive contains a member name longer than 100 bytes."
    )


@pytest.mark.parametrize(
    ("name", "reason"),
    [(f"{TOP}/new\nline", "Invalid character in filename"), (f"{TOP}/caf\udce9", "Filename not unicode")],
)
def test_sdist_member_name_characters(tmp_path, name, reason):
    path = write_sdist(tmp_path, sdist_members(file_member(name)), tar_format=tarfile.GNU_FORMAT)
    assert refusal(path, filetype="sdist") == INVALID + f"tar archive not accepted: {reason}" + SEE


def header_block(name: str, *, size_field: bytes, kind: bytes = tarfile.REGTYPE) -> bytes:
    """A raw ustar header whose 12-byte size field is given as is (e.g. base-256 negative)."""
    info = tarfile.TarInfo(name)
    block = bytearray(info.tobuf(tarfile.USTAR_FORMAT))
    block[124:136] = size_field
    block[156:157] = kind
    block[148:156] = b" " * 8
    checksum = sum(block)
    block[148:156] = b"%06o\0 " % checksum
    return bytes(block)


def test_negative_member_size(tmp_path):
    # tarfile once looped forever on a negative size; a stream can only go forward anyway.
    negative = b"\xff" * 11 + b"\x00"  # base-256 for -256
    raw = tar_body(sdist_members()) + header_block(f"{TOP}/neg", size_field=negative) + bytes(1024)
    path = write_sdist(tmp_path, raw=raw)
    assert refusal(path, filetype="sdist") == INVALID + "tar archive not accepted: Negative offset" + SEE


def test_negative_size_from_a_pax_header(tmp_path):
    members = sdist_members(file_member(f"{TOP}/neg", pax_headers={"size": "-1024"}))
    path = write_sdist(tmp_path, members)
    assert refusal(path, filetype="sdist") == INVALID + "tar archive not accepted: Negative offset" + SEE


def test_oversized_extension_header(tmp_path):
    members = sdist_members(file_member(f"{TOP}/x", pax_headers={"comment": "x" * 100_000}))
    path = write_sdist(tmp_path, members)
    assert (
        refusal(path, filetype="sdist")
        == INVALID + "tar archive not accepted: Extended header too large" + SEE
    )


def test_data_after_the_end_of_the_tar(tmp_path):
    hidden = tar_bytes([file_member(f"{TOP}/hidden.py", b"evil")])
    path = write_sdist(tmp_path, raw=tar_bytes(sdist_members()) + hidden)
    assert refusal(path, filetype="sdist") == INVALID + "tar archive not accepted: Trailing data" + SEE


def test_members_after_a_corrupt_header(tmp_path):
    # tarfile stops quietly at a bad header after the first; a lenient extractor would resync and go on.
    raw = tar_body(sdist_members()) + b"garbage".ljust(512, b"\1") + tar_bytes([file_member(f"{TOP}/x")])
    path = write_sdist(tmp_path, raw=raw)
    assert refusal(path, filetype="sdist") == INVALID + "tar archive not accepted: Trailing data" + SEE


def test_second_gzip_member(tmp_path):
    path = write_sdist(tmp_path)
    path.write_bytes(path.read_bytes() + gzip.compress(tar_bytes([file_member(f"{TOP}/x")])))
    assert refusal(path, filetype="sdist") == INVALID + "tar archive not accepted: Trailing data" + SEE


def test_truncated_tar_inside_a_complete_gzip(tmp_path):
    big = file_member(f"{TOP}/big.bin", bytes(range(256)) * 40)
    raw = tar_bytes(sdist_members(big))
    path = write_sdist(tmp_path, raw=raw[: raw.index(bytes(range(256))) + 1000])
    assert refusal(path, filetype="sdist") == INVALID + "The tar archive is truncated or malformed."


# --- polyglots ------------------------------------------------------------------------------------


def small_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("payload.py", b"print('hidden')\n")
    return buffer.getvalue()


@pytest.mark.parametrize("filename", [f"{TOP}.tar.gz", f"{TOP}.zip"])
def test_tar_gz_with_a_zip_appended(tmp_path, filename):
    path = tmp_path / filename
    path.write_bytes(gzip.compress(tar_bytes(sdist_members()), mtime=0) + small_zip())
    assert refusal(path, filetype="sdist") == INVALID + "File is both a zip and a tar file"


def test_plain_tar_with_a_zip_appended(tmp_path):
    path = tmp_path / WHEEL_NAME
    path.write_bytes(tar_bytes(sdist_members()) + small_zip())
    assert refusal(path, filetype="bdist_wheel") == INVALID + "File is both a zip and a tar file"


def test_zip_appended_to_something_that_is_not_a_tar(tmp_path):
    path = tmp_path / f"{TOP}.tar.gz"
    path.write_bytes(gzip.compress(b"not a tar " * 100) + small_zip())
    assert refusal(path, filetype="sdist") == INVALID + "File is not a tarfile"


# --- the call itself ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("filename", "filetype"),
    [(WHEEL_NAME, "sdist"), ("demo-1.0.tar.gz", "bdist_wheel"), ("demo-1.0.tar.bz2", "sdist")],
)
def test_filename_and_filetype_must_agree(tmp_path, filename, filetype):
    path = tmp_path / filename
    path.write_bytes(b"")
    with pytest.raises(ValueError, match="cannot inspect"):
        inspect_distribution(path, filename=filename, filetype=filetype)


@pytest.mark.parametrize("seed", range(40))
def test_random_damage_never_escapes_as_another_error(tmp_path, seed):
    """Flip bytes in valid archives: the result is a refusal or a success, never a crash (no 500)."""
    rng = random.Random(seed)
    wheel = write_wheel(tmp_path).read_bytes()
    sdist = write_sdist(tmp_path).read_bytes()
    raw_tar = tar_bytes(sdist_members())
    for name, filetype, original in (
        (WHEEL_NAME, "bdist_wheel", wheel),
        (f"{TOP}.tar.gz", "sdist", sdist),
        (f"{TOP}.tar.gz", "sdist", gzip.compress(bytes(b ^ (rng.random() < 0.01) for b in raw_tar))),
    ):
        data = bytearray(original)
        for _ in range(rng.randint(1, 8)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        path = tmp_path / name
        path.write_bytes(bytes(data))
        with contextlib.suppress(InvalidArchive):
            inspect_distribution(path, filename=name, filetype=filetype)
