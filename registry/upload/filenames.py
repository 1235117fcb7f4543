"""Distribution filename rules: safe characters, extensions, PEP 625 sdist and PEP 427 wheel names.

A port of the filename checks of Warehouse's `forklift/legacy.py` (`_validate_filename`, the sdist and wheel
name checks, `_valid_platform_tag`), with PEP 427, PEP 625 and PEP 715 behind them; the cases are listed in
docs/hostile-inputs.md (C). Every check raises `InvalidFilename` with Warehouse's message. Pure functions.
"""

import re
from dataclasses import dataclass

from packaging.utils import (
    BuildTag,
    InvalidSdistFilename,
    InvalidWheelFilename,
    canonicalize_name,
    parse_sdist_filename,
    parse_wheel_filename,
)
from packaging.version import InvalidVersion, Version

from registry.exceptions import InvalidFilename, InvalidUpload
from registry.names import wheel_name_part

# Which extensions each `filetype` may carry (Warehouse `forms._filetype_extension_mapping`). `.zip`
# sdists pass here (PEP 527) and are refused later by the PEP 625 name check, as on PyPI.
FILETYPE_EXTENSIONS = {"sdist": (".tar.gz", ".zip"), "bdist_wheel": (".whl",)}
# Case-insensitive like Warehouse: `X-1.0.WHL` gets the "invalid for filetype" message, not this one.
_EXTENSION_RE = re.compile(r".+?(?P<extension>\.(?:tar\.gz|zip|whl))\Z", re.IGNORECASE)
_PEP_527 = "https://www.python.org/dev/peps/pep-0527"

# The wheel's METADATA is stored beside it as `<filename>.metadata` (PEP 658); that name must fit in
# one path component (255 bytes on common filesystems).
MAX_FILENAME_BYTES = 255
METADATA_SUFFIX = ".metadata"

# Platform tags Warehouse accepts (its `_valid_platform_tag`). A new tag needs an ABI specification behind it
# (as the manylinux PEPs are); plain `linux_x86_64` has none, so it is refused.
_STATIC_PLATFORMS = frozenset(
    {
        "any",
        "win32",
        "win_arm64",
        "win_amd64",
        "win_ia64",
        "manylinux1_x86_64",
        "manylinux1_i686",
        "manylinux2010_x86_64",
        "manylinux2010_i686",
        "manylinux2014_x86_64",
        "manylinux2014_i686",
        "manylinux2014_aarch64",
        "manylinux2014_armv7l",
        "manylinux2014_ppc64",
        "manylinux2014_ppc64le",
        "manylinux2014_s390x",
        "linux_armv6l",
        "linux_armv7l",
    }
)
_MACOSX_RE = re.compile(r"macosx_(?P<major>\d+)_(?P<minor>\d+)_(?P<arch>.*)")
_MACOSX_ARCHES = frozenset(
    {"ppc", "ppc64", "i386", "x86_64", "arm64", "intel", "fat", "fat3", "fat64", "universal", "universal2"}
)
# macOS 10.x only ever raised the minor version; from 11 on, wheels are tagged `<major>_0`.
_MACOSX_MAJORS = frozenset({"11", "12", "13", "14", "15", "26"})
_LINUX_RE = re.compile(r"(?P<libc>many|musl)linux_\d+_\d+_(?P<arch>.*)")  # PEP 600, PEP 656
_MUSLLINUX_ARCHES = frozenset({"x86_64", "i686", "aarch64", "armv7l", "ppc64le", "s390x", "riscv64"})
_MANYLINUX_ARCHES = _MUSLLINUX_ARCHES | {"ppc64"}
_IOS_RE = re.compile(r"ios_\d+_\d+_(?P<arch>.*)_(?:iphoneos|iphonesimulator)")  # PEP 730
_IOS_ARCHES = frozenset({"arm64", "x86_64"})
_ANDROID_RE = re.compile(r"android_\d+_(?P<arch>.*)")  # PEP 738
_ANDROID_ARCHES = frozenset({"armeabi_v7a", "arm64_v8a", "x86", "x86_64"})
_PYEMSCRIPTEN_RE = re.compile(r"pyemscripten_\d+_\d+_wasm32")  # PEP 783


@dataclass(frozen=True)
class WheelTags:
    """What a wheel filename says (PEP 427): tags in the order written, build tag `()` when absent."""

    name: str  # normalized project name
    version: Version
    build: BuildTag
    python_tags: tuple[str, ...]
    abi_tags: tuple[str, ...]
    platform_tags: tuple[str, ...]


def check_filename(filename: str, *, filetype: str) -> None:
    """Refuse an unsafe or badly formed distribution filename (Warehouse's `_validate_filename`).

    `filetype` is the form's `sdist` or `bdist_wheel`; any other value is refused with the form's
    message. Raises `InvalidFilename`.
    """
    if filetype not in FILETYPE_EXTENSIONS:
        raise InvalidUpload("Invalid value for filetype. Error: Use a known file type.")
    # Object storage refuses some of these, and a name with a line break or escape sequence can only
    # be a mistake or an attack on whoever reads a log or a listing.
    if any(ord(char) < 32 or ord(char) == 127 for char in filename):
        raise InvalidFilename(
            "Cannot upload a file with non-printable characters (ordinals 0-31) "
            "or the DEL character (ordinal 127) in the name."
        )
    if "/" in filename or "\\" in filename:
        raise InvalidFilename("Cannot upload a file with '/' or '\\' in the name.")
    match = _EXTENSION_RE.match(filename)
    if match is None:
        raise InvalidFilename(
            "Invalid file extension: Use .tar.gz, .whl or .zip extension. "
            f"See {_PEP_527} and https://peps.python.org/pep-0715/ for more information"
        )
    extension = match.group("extension")
    if extension not in FILETYPE_EXTENSIONS[filetype]:
        raise InvalidFilename(
            f"Invalid file extension: Extension {extension} is invalid for filetype {filetype}. "
            f"See {_PEP_527} for more information."
        )
    if len(filename.encode("utf-8")) + len(METADATA_SUFFIX) > MAX_FILENAME_BYTES:
        raise InvalidFilename(f"Filename is too long: '{filename}'")


def check_sdist_filename(filename: str, *, project_name: str, version: str | Version) -> None:
    """Require the PEP 625 name `<normalized_name>-<normalized version>.tar.gz` (Warehouse's wording).

    `project_name` is the project's name and `version` the release version. Raises `InvalidFilename`.
    """
    try:
        name_in_file, _ = parse_sdist_filename(filename)
    except InvalidSdistFilename:
        raise InvalidFilename(f"Invalid source distribution filename: {filename}") from None
    expected_version = version if isinstance(version, Version) else Version(version)

    # parse_sdist_filename splits at the last `-`, which cuts a post-release spelled `1.0-9` in two;
    # Warehouse retries at the second-to-last `-` before deciding the name is wrong.
    if (
        expected_version.is_postrelease
        and name_in_file != canonicalize_name(project_name)
        and filename.count("-") >= 2
    ):
        stem = filename.removesuffix(".tar.gz").removesuffix(".zip")
        candidate = stem.rpartition("-")[0].rpartition("-")[0]
        try:
            Version(stem[len(candidate) + 1 :])
        except InvalidVersion:
            pass
        else:
            name_in_file = canonicalize_name(candidate)

    if name_in_file != canonicalize_name(project_name):
        raise InvalidFilename(f"Start filename for {project_name!r} with {wheel_name_part(project_name)!r}.")

    expected = f"{wheel_name_part(project_name)}-{expected_version}.tar.gz"
    if filename != expected:
        raise InvalidFilename(f"Filename {filename!r} is invalid, should be {expected!r}.")


def check_wheel_filename(filename: str, *, project_name: str, version: str | Version) -> WheelTags:
    """Check a wheel filename against the project and release (PEP 427).

    Returns the parsed `WheelTags`. Raises `InvalidFilename` with packaging's message for an
    unparsable name, or Warehouse's for a platform tag, project name or version that does not fit.
    """
    try:
        name, file_version, build, _ = parse_wheel_filename(filename)
    except InvalidWheelFilename as error:
        raise InvalidFilename(str(error)) from None

    # parse_wheel_filename returns a set of tags; keep the order written so the message is stable.
    python_part, abi_part, platform_part = filename.removesuffix(".whl").split("-")[-3:]
    tags = WheelTags(
        name=name,
        version=file_version,
        build=build,
        python_tags=tuple(python_part.split(".")),
        abi_tags=tuple(abi_part.split(".")),
        platform_tags=tuple(platform_part.split(".")),
    )
    for platform in tags.platform_tags:
        if not is_supported_platform(platform):
            raise InvalidFilename(f"Binary wheel '{filename}' has an unsupported platform tag '{platform}'.")

    if name != canonicalize_name(project_name):
        raise InvalidFilename(f"Start filename for {project_name!r} with {wheel_name_part(project_name)!r}.")
    # PEP 427 escaping: the name must be written normalized, lower case with `_`.
    written = filename.split("-", 1)[0]
    if written != wheel_name_part(project_name):
        raise InvalidFilename(
            f"Filename {filename!r} should contain the normalized project name "
            f"{wheel_name_part(project_name)!r}, not {written!r}."
        )
    expected_version = version if isinstance(version, Version) else Version(version)
    if file_version != expected_version:
        raise InvalidFilename(f"Version in filename should be '{expected_version}' not '{file_version}'.")
    return tags


def is_supported_platform(tag: str) -> bool:
    """Whether the index accepts wheels for this platform tag (Warehouse `_valid_platform_tag`)."""
    if tag in _STATIC_PLATFORMS:
        return True
    if match := _MACOSX_RE.fullmatch(tag):
        if match["arch"] not in _MACOSX_ARCHES:
            return False
        return match["major"] == "10" or (match["major"] in _MACOSX_MAJORS and match["minor"] == "0")
    if match := _LINUX_RE.fullmatch(tag):
        arches = _MUSLLINUX_ARCHES if match["libc"] == "musl" else _MANYLINUX_ARCHES
        return match["arch"] in arches
    if match := _IOS_RE.fullmatch(tag):
        return match["arch"] in _IOS_ARCHES
    if match := _ANDROID_RE.fullmatch(tag):
        return match["arch"] in _ANDROID_ARCHES
    return bool(_PYEMSCRIPTEN_RE.fullmatch(tag))
