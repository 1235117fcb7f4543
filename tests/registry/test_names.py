"""Name rules that need no database: validity, normal forms, the standard-library data (unit + properties)."""

import json
import re
import string

import pytest
import stdlib_list
from hypothesis import given
from hypothesis import strategies as st
from packaging.utils import canonicalize_name

from registry.management.commands.build_stdlib_modules import DATA_FILE, build, ranges
from registry.names import (
    StdlibModule,
    is_valid_project_name,
    normalize,
    stdlib_conflicts,
    stdlib_versions,
    ultranormalize,
)

pytestmark = pytest.mark.unit

ALNUM = string.ascii_letters + string.digits
SEPARATORS = "._-"
# What the rule allows, written independently of the implementation's regular expression.
valid_names = st.builds(
    lambda first, middle, last: first + middle + last,
    st.sampled_from(ALNUM),
    st.text(alphabet=ALNUM + SEPARATORS, max_size=30),
    st.sampled_from(ALNUM),
) | st.sampled_from(ALNUM)


@given(valid_names)
def test_every_name_the_rule_allows_is_valid(name):
    assert is_valid_project_name(name)


@given(valid_names, st.sampled_from(["\n", "\r\n", " ", "\x00", "\t"]))
def test_trailing_newline_or_whitespace_is_invalid(name, tail):
    # `$` would accept "name\n"; the rule is anchored with \Z.
    assert not is_valid_project_name(name + tail)


@given(valid_names, st.sampled_from(SEPARATORS))
def test_separator_at_either_end_is_invalid(name, separator):
    assert not is_valid_project_name(separator + name)
    assert not is_valid_project_name(name + separator)


@given(valid_names, st.characters(codec="utf-8").filter(lambda char: char not in ALNUM + SEPARATORS))
def test_any_other_character_anywhere_is_invalid(name, char):
    middle = len(name) // 2
    assert not is_valid_project_name(name[:middle] + char + name[middle:])


@pytest.mark.parametrize(
    "name",
    [
        "\u212aelvin",  # KELVIN SIGN: case-folds to "k" under re.IGNORECASE
        "stra\u00dfe",
        "\u0131mport",  # dotless i
        "ｄｅｍｏ",  # noqa: RUF001 (fullwidth letters are the point)
        "flywheel<img src=x onerror=alert(1)>",  # markup in a name (docs/hostile-inputs.md, H)
        "",
        "-",
        "a b",
    ],
)
def test_look_alikes_and_markup_are_invalid(name):
    assert not is_valid_project_name(name)


# --- ultranormalization (Warehouse's `ultranormalize_name`) ----------------------------------------------


@pytest.mark.parametrize(
    "name",
    ["toast1ng", "toastlng", "t0asting", "toast-ing", "toast.ing", "toast_ing", "TOASTING", "T0ASTlNG"],
)
def test_toasting_variants_share_one_form(name):
    assert ultranormalize(name) == ultranormalize("toasting") == "t0ast1ng"


def _confuse(name: str, choices: list[int]) -> str:
    """Apply the changes ultranormalization forgives: case, l/i/1, o/0, separators between characters."""
    swaps = {"l": "1Ii", "i": "1lL", "1": "lLiI", "o": "0O", "0": "oO"}
    out = []
    for char, choice in zip(name, choices, strict=False):
        options = swaps.get(char.lower(), char.swapcase())
        out.append(options[choice % len(options)] if choice % 3 else char)
        if choice % 5 == 0:
            out.append(SEPARATORS[choice % 3])
    return "".join(out) + name[len(choices) :]


@given(valid_names, st.lists(st.integers(min_value=0, max_value=60), max_size=40))
def test_forgiven_changes_keep_the_ultranormalized_form(name, choices):
    confused = _confuse(name, choices)
    assert ultranormalize(confused) == ultranormalize(name)


@given(valid_names)
def test_ultranormalized_form_has_no_separator_and_no_confusable(name):
    form = ultranormalize(name)
    assert not set(form) & set("-_.loiLOI") and form == form.lower()
    assert ultranormalize(form) == form  # idempotent


@given(valid_names, valid_names)
def test_names_of_different_ultranormalized_forms_really_differ(a, b):
    # Contrapositive of the forgiveness property: equal PEP 503 names always share the ultranormalized form.
    if normalize(a) == normalize(b):
        assert ultranormalize(a) == ultranormalize(b)


# --- the standard library -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "module", "versions"),
    [
        ("xml", "xml", "Python 2.6 to 3.14"),
        ("XML", "xml", "Python 2.6 to 3.14"),
        ("PiCKle", "pickle", "Python 2.6 to 3.14"),
        ("main", "__main__", "Python 2.6 to 3.14"),
        ("future", "__future__", "Python 2.6 to 3.14"),
        ("test", "test", "Python 2.6 to 3.9"),
        ("encodings.idna", "encodings.idna", "Python 2.6 to 3.14"),
        ("encodings-idna", "encodings.idna", "Python 2.6 to 3.14"),
        ("xml.etree.ElementTree", "xml.etree.ElementTree", "Python 2.6 to 3.14"),
        ("CGIHTTPServer", "CGIHTTPServer", "Python 2.6 to 2.7"),
        ("asynchat", "asynchat", "Python 2.6 to 3.11"),
        ("distutils", "distutils", "Python 2.6 to 3.11"),
        ("imp", "imp", "Python 2.6 to 3.11"),
        ("gopherlib", "gopherlib", "Python 2.5"),
        ("thread", "thread", "Python 2.6 to 2.7"),
    ],
)
def test_stdlib_conflicts_name_the_module_and_versions(name, module, versions):
    first = stdlib_conflicts(name)[0]
    assert (first.module, first.versions_text) == (module, versions)


def test_every_spelling_is_listed():
    # The typed spelling (any case) first, then the others, newest Python first.
    assert [m.module for m in stdlib_conflicts("queue")] == ["queue", "Queue", "_queue"]
    assert [m.module for m in stdlib_conflicts("thread")] == ["thread", "_thread"]


@pytest.mark.parametrize("name", ["requests", "django", "xmlx", "toasting", "pickle2"])
def test_ordinary_names_do_not_conflict(name):
    assert stdlib_conflicts(name) == []


def test_versions_text_joins_several_ranges():
    module = StdlibModule(module="_io", ranges=(("2.7", "2.7"), ("3.4", "3.14")))
    assert module.versions_text == "Python 2.7 and 3.4 to 3.14"
    three = StdlibModule(module="x", ranges=(("2.5", "2.5"), ("2.7", "3.2"), ("3.4", "3.14")))
    assert three.versions_text == "Python 2.5, 2.7 to 3.2 and 3.4 to 3.14"


def test_ranges_are_runs_over_the_known_versions():
    universe = ["2.5", "2.6", "2.7", "3.2", "3.3", "3.4"]
    assert ranges({"2.7", "3.2", "3.3"}, universe) == [["2.7", "3.3"]]
    assert ranges({"2.6", "3.4"}, universe) == [["2.6", "2.6"], ["3.4", "3.4"]]


def test_the_data_covers_every_module_and_prefix_of_stdlib_list():
    """The committed data file holds every module (and dotted prefix) of every version stdlib-list knows."""
    data = json.loads(DATA_FILE.read_text())
    assert data["versions"] == stdlib_versions()
    assert data["versions"][0] == "2.5" and data["versions"][-1] == "3.14"
    missing = []
    for version in stdlib_list.short_versions:
        for module in stdlib_list.stdlib_list(version):
            parts = module.split(".")
            for depth in range(1, len(parts) + 1):
                spelling = ".".join(parts[:depth])
                key = canonicalize_name(spelling.strip("-_."))
                runs = dict(data["modules"].get(key, []))
                if not _covers(runs.get(spelling, []), version, data["versions"]):
                    missing.append((version, spelling))
    assert missing == []


def _covers(runs, version, universe):
    index = universe.index(version)
    return any(universe.index(first) <= index <= universe.index(last) for first, last in runs)


def test_the_committed_data_is_what_the_command_builds():
    """Regenerating gives the committed file (same stdlib-list pin), so the data never drifts unnoticed."""
    assert build()["modules"] == json.loads(DATA_FILE.read_text())["modules"]


def test_the_data_keys_are_normal_forms():
    data = json.loads(DATA_FILE.read_text())["modules"]
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", key) for key in data)
