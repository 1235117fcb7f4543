"""Tests for `registry.upload.filenames`.

Warehouse's `_validate_filename`, PEP 625 and PEP 427 names, `_valid_platform_tag`; the cases are those of
docs/hostile-inputs.md, C.
"""

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st
from packaging.utils import canonicalize_name
from packaging.version import Version

from registry.exceptions import InvalidFilename, InvalidUpload
from registry.upload.filenames import (
    MAX_FILENAME_BYTES,
    WheelTags,
    check_filename,
    check_sdist_filename,
    check_wheel_filename,
    is_supported_platform,
)

pytestmark = pytest.mark.unit

PEP_527 = "https://www.python.org/dev/peps/pep-0527"


def refusal(check, *args, **kwargs) -> str:
    with pytest.raises(InvalidFilename) as caught:
        check(*args, **kwargs)
    return caught.value.message


# --- check_filename ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("filename", "filetype"),
    [("foo-1.0.tar.gz", "sdist"), ("foo-1.0.zip", "sdist"), ("foo-1.0-py3-none-any.whl", "bdist_wheel")],
)
def test_acceptable_filenames(filename, filetype):
    check_filename(filename, filetype=filetype)


@pytest.mark.parametrize("ordinal", [*range(32), 127])
def test_non_printable_characters(ordinal):
    # All 33 characters, as Warehouse's test parametrises them.
    message = refusal(check_filename, f"foo{chr(ordinal)}-1.0.tar.gz", filetype="sdist")
    assert message == (
        "Cannot upload a file with non-printable characters (ordinals 0-31) "
        "or the DEL character (ordinal 127) in the name."
    )


@pytest.mark.parametrize(
    "filename", ["../../etc/x-1.0.tar.gz", "/x-1.0.tar.gz", "..\\x-1.0.tar.gz", "dir/foo-1.0.tar.gz"]
)
def test_path_separators(filename):
    assert (
        refusal(check_filename, filename, filetype="sdist")
        == "Cannot upload a file with '/' or '\\' in the name."
    )


@pytest.mark.parametrize(
    "filename",
    [
        "foo-1.0.tar.bz2",
        "foo-1.0.tgz",
        "foo-1.0.egg",
        "foo-1.0.exe",
        "foo-1.0.tar.wat",
        ".whl",
        "foo-1.0.whl.txt",
    ],
)
def test_unknown_extensions(filename):
    assert refusal(check_filename, filename, filetype="sdist") == (
        "Invalid file extension: Use .tar.gz, .whl or .zip extension. "
        f"See {PEP_527} and https://peps.python.org/pep-0715/ for more information"
    )


@pytest.mark.parametrize(
    ("filename", "filetype", "extension"),
    [
        ("foo-1.0-py3-none-any.whl", "sdist", ".whl"),
        ("foo-1.0.tar.gz", "bdist_wheel", ".tar.gz"),
        ("foo-1.0.zip", "bdist_wheel", ".zip"),
        ("foo-1.0-py3-none-any.WHL", "bdist_wheel", ".WHL"),  # matched case-insensitively, compared exactly
        ("foo-1.0.TAR.GZ", "sdist", ".TAR.GZ"),
    ],
)
def test_extension_must_fit_the_filetype(filename, filetype, extension):
    assert refusal(check_filename, filename, filetype=filetype) == (
        f"Invalid file extension: Extension {extension} is invalid for filetype {filetype}. "
        f"See {PEP_527} for more information."
    )


@pytest.mark.parametrize("filetype", ["bdist_egg", "bdist_dumb", "bdist_wininst", "bdist_wat", ""])
def test_unknown_filetype(filetype):
    # Normally caught by the form first.
    with pytest.raises(InvalidUpload) as caught:
        check_filename("foo-1.0.tar.gz", filetype=filetype)
    assert caught.value.message == "Invalid value for filetype. Error: Use a known file type."


def test_filename_length_limit():
    # `<filename>.metadata` must fit in 255 bytes.
    longest = "a" * (MAX_FILENAME_BYTES - len(".metadata") - len(".whl")) + ".whl"
    check_filename(longest, filetype="bdist_wheel")
    too_long = "a" + longest
    assert refusal(check_filename, too_long, filetype="bdist_wheel") == f"Filename is too long: '{too_long}'"


def test_filename_length_counts_utf8_bytes():
    name = "é" * 122 + ".whl"  # 122 characters but 244 bytes, plus 4 + 9
    assert len(name) < 200
    assert refusal(check_filename, name, filetype="bdist_wheel") == f"Filename is too long: '{name}'"


@given(st.text(max_size=300), st.sampled_from(["sdist", "bdist_wheel"]))
def test_check_filename_only_refuses_cleanly(filename, filetype):
    try:
        check_filename(filename, filetype=filetype)
    except InvalidFilename as error:
        assert error.message
    else:
        assert not any(ord(char) < 32 or ord(char) == 127 for char in filename)
        assert "/" not in filename and "\\" not in filename
        assert len(filename.encode("utf-8")) + len(".metadata") <= MAX_FILENAME_BYTES


# --- check_sdist_filename ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("project", "version", "filename"),
    [
        ("some-thing", "1.0", "some_thing-1.0.tar.gz"),
        ("Some.Thing", "1.0", "some_thing-1.0.tar.gz"),
        ("some_thing", "1.0.post9", "some_thing-1.0.post9.tar.gz"),
        ("some_thing", "1.0-9", "some_thing-1.0.post9.tar.gz"),  # the version as normalized
        ("x", "2!1.0rc1", "x-2!1.0rc1.tar.gz"),
    ],
)
def test_pep_625_sdist_names(project, version, filename):
    check_sdist_filename(filename, project_name=project, version=version)


@pytest.mark.parametrize(
    ("filename", "version"),
    [
        ("some_thing-1.0.zip", "1.0"),  # allowed by PEP 527, not by PEP 625
        ("Some_Thing-1.0.tar.gz", "1.0"),  # not normalized
        ("some-thing-1.0.tar.gz", "1.0"),
        ("some.thing-1.0.tar.gz", "1.0"),
        ("some_thing-1.02.3.tar.gz", "1.2.3"),
        ("some_thing-1.0.0.tar.gz", "1.0"),
        ("some_thing-1.0-9.tar.gz", "1.0.post9"),  # a hyphen in the version
        ("some_thing-v1.0.tar.gz", "1.0"),
    ],
)
def test_sdist_names_must_be_normalized(filename, version):
    expected = f"some_thing-{Version(version)}.tar.gz"
    message = refusal(check_sdist_filename, filename, project_name="some-thing", version=version)
    assert message == f"Filename {filename!r} is invalid, should be {expected!r}."


@pytest.mark.parametrize("filename", ["something.tar.gz", "something.zip"])
def test_unparsable_sdist_name(filename):
    message = refusal(check_sdist_filename, filename, project_name="something", version="1.0")
    assert message == f"Invalid source distribution filename: {filename}"


def test_sdist_of_another_project():
    message = refusal(check_sdist_filename, "other-1.0.tar.gz", project_name="Some.Thing", version="1.0")
    assert message == "Start filename for 'Some.Thing' with 'some_thing'."


# --- check_wheel_filename ------------------------------------------------------------------------


def test_wheel_tags_are_returned_in_written_order():
    tags = check_wheel_filename(
        "foo_bar-1.0-7build-cp311.cp312-abi3-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
        project_name="Foo.Bar",
        version="1.0",
    )
    assert tags == WheelTags(
        name="foo-bar",
        version=Version("1.0"),
        build=(7, "build"),
        python_tags=("cp311", "cp312"),
        abi_tags=("abi3",),
        platform_tags=("manylinux_2_17_x86_64", "manylinux2014_x86_64"),
    )


@pytest.mark.parametrize(
    ("filename", "message"),
    [
        ("foo-1.0.whl", "Invalid wheel filename (wrong number of parts): 'foo-1.0'"),
        ("foo-1.0-q-py3-none-any.whl", "Invalid build number: q in 'foo-1.0-q-py3-none-any'"),
        (
            "foo-0.0.4test1-py3-none-any.whl",
            "Invalid wheel filename (invalid version): 'foo-0.0.4test1-py3-none-any'",
        ),
        ("foo__bar-1.0-py3-none-any.whl", "Invalid project name: 'foo__bar-1.0-py3-none-any'"),
    ],
)
def test_unparsable_wheel_names(filename, message):
    # packaging's own message
    assert refusal(check_wheel_filename, filename, project_name="foo", version="1.0") == message


@pytest.mark.parametrize(
    ("platform", "bad"),
    [
        ("linux_x86_64", "linux_x86_64"),
        ("linux_x86_64.win32", "linux_x86_64"),
        ("win32.linux_x86_64", "linux_x86_64"),
        ("macosx_9_2_x86_64", "macosx_9_2_x86_64"),
        ("macosx_11_2_arm64", "macosx_11_2_arm64"),
        ("macosx_16_2_arm64", "macosx_16_2_arm64"),
        ("macosx_27_0_arm64", "macosx_27_0_arm64"),
        ("macosx_10_15_amd64", "macosx_10_15_amd64"),
    ],
)
def test_unsupported_platform_tags(platform, bad):
    filename = f"foo-1.0-cp311-cp311-{platform}.whl"
    message = refusal(check_wheel_filename, filename, project_name="foo", version="1.0")
    assert message == f"Binary wheel '{filename}' has an unsupported platform tag '{bad}'."


@pytest.mark.parametrize(
    "name",
    ["Some_Thing", "some.thing", "Some.Thing", "SOME_THING"],
)
def test_wheel_names_must_be_normalized(name):
    filename = f"{name}-1.0-py3-none-any.whl"
    message = refusal(check_wheel_filename, filename, project_name="some-thing", version="1.0")
    assert (
        message
        == f"Filename {filename!r} should contain the normalized project name 'some_thing', not {name!r}."
    )


def test_wheel_of_another_project():
    message = refusal(check_wheel_filename, "bar-1.0-py3-none-any.whl", project_name="Foo", version="1.0")
    assert message == "Start filename for 'Foo' with 'foo'."


@pytest.mark.parametrize(("filename_version", "version"), [("2.0", "1.0"), ("1.0.post1", "1.0")])
def test_wheel_version_must_match(filename_version, version):
    message = refusal(
        check_wheel_filename, f"foo-{filename_version}-py3-none-any.whl", project_name="foo", version=version
    )
    assert message == f"Version in filename should be '{version}' not '{filename_version}'."


def test_wheel_version_compared_as_versions():
    check_wheel_filename("foo-1.0.0-py3-none-any.whl", project_name="foo", version="1.0")
    check_wheel_filename("foo-1.0-py3-none-any.whl", project_name="foo", version=Version("1.0.0"))


# --- platform tags (Warehouse's `_valid_platform_tag`) -------------------------------------------


@pytest.mark.parametrize(
    "tag",
    [
        "any",
        "win32",
        "win_arm64",
        "win_amd64",
        "win_ia64",
        "manylinux1_x86_64",
        "manylinux1_i686",
        "manylinux2010_x86_64",
        "manylinux2010_i686",
        *(
            f"manylinux2014_{arch}"
            for arch in ["x86_64", "i686", "aarch64", "armv7l", "ppc64", "ppc64le", "s390x"]
        ),
        "linux_armv6l",
        "linux_armv7l",
        "macosx_10_9_x86_64",
        "macosx_10_4_ppc",
        "macosx_10_13_universal2",
        "macosx_10_6_intel",
        "macosx_10_10_fat3",
        *(f"macosx_{major}_0_arm64" for major in [11, 12, 13, 14, 15, 26]),
        "macosx_11_0_universal2",
        *(
            f"manylinux_2_17_{arch}"
            for arch in ["x86_64", "i686", "aarch64", "armv7l", "ppc64le", "s390x", "riscv64", "ppc64"]
        ),
        "manylinux_2_39_riscv64",
        *(
            f"musllinux_1_2_{arch}"
            for arch in ["x86_64", "i686", "aarch64", "armv7l", "ppc64le", "s390x", "riscv64"]
        ),
        "ios_13_0_arm64_iphoneos",
        "ios_13_0_arm64_iphonesimulator",
        "ios_12_0_x86_64_iphonesimulator",
        *(f"android_21_{arch}" for arch in ["armeabi_v7a", "arm64_v8a", "x86", "x86_64"]),
        "pyemscripten_2025_0_wasm32",
    ],
)
def test_supported_platform_tags(tag):
    assert is_supported_platform(tag)
    check_wheel_filename(f"foo-1.0-cp311-cp311-{tag}.whl", project_name="foo", version="1.0")


@pytest.mark.parametrize(
    "tag",
    [
        "linux_x86_64",
        "linux_i686",
        "linux_aarch64",
        "macosx_10_9_amd64",
        "macosx_11_1_arm64",
        "macosx_16_0_arm64",
        "macosx_9_0_x86_64",
        "musllinux_1_2_ppc64",  # only manylinux has ppc64
        "manylinux_2_17_sparc",
        "manylinux_x_y_x86_64",
        "manylinux2014_riscv64",
        "ios_13_0_armv7_iphoneos",
        "ios_13_0_arm64_ipados",
        "android_21_mips",
        "pyemscripten_2025_0_wasm64",
        "emscripten_3_1_wasm32",
        "win_x86",
        "ANY",
        "cygwin",
    ],
)
def test_refused_platform_tags(tag):
    assert not is_supported_platform(tag)


# --- round trips (hypothesis) --------------------------------------------------------------------

names = st.from_regex(re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9._-]{0,20}[A-Za-z0-9])?\Z"), fullmatch=True)
versions = st.builds(
    lambda epoch, release, pre, post, dev: Version(
        (f"{epoch}!" if epoch else "")
        + ".".join(map(str, release))
        + (f"{pre[0]}{pre[1]}" if pre else "")
        + (f".post{post}" if post is not None else "")
        + (f".dev{dev}" if dev is not None else "")
    ),
    st.integers(0, 3),
    st.lists(st.integers(0, 2000), min_size=1, max_size=4),
    st.none() | st.tuples(st.sampled_from(["a", "b", "rc"]), st.integers(0, 20)),
    st.none() | st.integers(0, 20),
    st.none() | st.integers(0, 20),
)


def _normalized(name: str) -> str:
    return canonicalize_name(name).replace("-", "_")


@given(names, versions)
def test_sdist_filename_round_trip(name, version):
    filename = f"{_normalized(name)}-{version}.tar.gz"
    check_filename(filename, filetype="sdist")
    check_sdist_filename(filename, project_name=name, version=str(version))


@given(names, versions, st.sampled_from(["any", "win_amd64", "manylinux_2_28_aarch64", "macosx_14_0_arm64"]))
def test_wheel_filename_round_trip(name, version, platform):
    filename = f"{_normalized(name)}-{version}-py3-none-{platform}.whl"
    check_filename(filename, filetype="bdist_wheel")
    tags = check_wheel_filename(filename, project_name=name, version=str(version))
    assert (tags.name, tags.version, tags.platform_tags) == (canonicalize_name(name), version, (platform,))


@given(names, versions)
def test_unnormalized_sdist_names_are_refused_with_the_expected_name(name, version):
    written = f"{name}-{version}.tar.gz"
    expected = f"{_normalized(name)}-{version}.tar.gz"
    if written == expected:
        check_sdist_filename(written, project_name=name, version=str(version))
    else:
        message = refusal(check_sdist_filename, written, project_name=name, version=str(version))
        assert message == f"Filename {written!r} is invalid, should be {expected!r}."


@given(st.text(max_size=80))
def test_any_wheel_name_is_checked_cleanly(filename):
    try:
        check_wheel_filename(filename + ".whl", project_name="foo", version="1.0")
    except InvalidFilename as error:
        assert error.message
