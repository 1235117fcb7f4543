"""Tests for `registry.upload.metadata`: the form → core-metadata port of Warehouse (`parse_form_metadata`).

Besides Warehouse's rules and messages (docs/hostile-inputs.md, A and D), these feed the parser what twine
really sends for real-world METADATA/PKG-INFO files, using twine's own field mapping.
"""

import re

import packaging.metadata
import pytest
from hypothesis import given
from hypothesis import strategies as st
from packaging.utils import canonicalize_name, is_normalized_name
from packaging.version import Version

from registry.exceptions import InvalidMetadata, InvalidUpload
from registry.upload import metadata
from registry.upload.metadata import (
    CORE_METADATA_HELP,
    FORM_FIELDS,
    MetadataErrors,
    compare_with_distribution,
    parse_distribution_metadata,
    parse_form_metadata,
    unfold_description,
)
from registry.upload.readme import render_description

pytestmark = pytest.mark.unit

HELP = " " + CORE_METADATA_HELP
NAME_RULE = "Start and end with a letter or numeral containing only ASCII numeric and '.', '_' and '-'."


def form(**fields):
    """The minimal valid form plus `fields`; a str value becomes a one-item list."""
    data = {"metadata_version": ["2.1"], "name": ["spam"], "version": ["2.0"]}
    for key, value in fields.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = [value] if isinstance(value, str) else list(value)
    return data


def error_of(fields) -> MetadataErrors:
    with pytest.raises(MetadataErrors) as caught:
        parse_form_metadata(fields)
    return caught.value


def message_of(fields) -> str:
    return error_of(fields).message


# --- twine: what it really sends ----------------------------------------------------------------------


def twine_form(metadata_text: str) -> dict[str, list[str]]:
    """The metadata form fields twine (installed, 7.x) builds from a METADATA/PKG-INFO file, sanitized."""
    twine_package = pytest.importorskip("twine.package")
    twine_repository = pytest.importorskip("twine.repository")
    raw, unparsed = packaging.metadata.parse_email(metadata_text.encode("utf-8"))
    assert not unparsed, unparsed  # twine refuses the file otherwise
    if Version(raw["metadata_version"]) < Version("2.4"):
        raw.pop("license_files", None)  # twine drops setuptools' premature License-File
    packaging.metadata.Metadata.from_raw(raw)  # twine validates before sending
    data = {}
    for key, value in raw.items():
        if field := twine_package._RAW_TO_PACKAGE_METADATA.get(key):
            data[field] = value
    data["name"] = twine_package._safe_name(raw["name"])
    fields: dict[str, list[str]] = {}
    for key, value in twine_repository.Repository._convert_metadata_to_list_of_tuples(data):
        # The view's sanitizer: distutils' UNKNOWN and empty values are dropped.
        if value.strip() not in ("", "UNKNOWN"):
            fields.setdefault(key, []).append(value)
    return fields


# distutils' rfc822_escape: every continuation line, blank ones too, starts with 8 spaces.
PKG_INFO_1_0 = "\n".join(
    [
        "Metadata-Version: 1.0",
        "Name: old_style",
        "Version: 0.3.1",
        "Summary: A package from the distutils days",
        "Home-page: http://www.example.com/~jane/old_style/",
        "Author: Jane Doe",
        "Author-email: jane@example.com",
        "License: Copyright (c) 2008 Jane Doe",
        "        All rights reserved.",
        "        ",
        "        Redistribution and use in source and binary forms are permitted.",
        "Description: Old Style",
        "        =========",
        "        ",
        "        A description indented by distutils, eight spaces per line.",
        "        ",
        "        Usage::",
        "        ",
        "            import old_style",
        "Platform: UNKNOWN",
        "",
    ]
)

SETUPTOOLS_2_1 = """\
Metadata-Version: 2.1
Name: requests-toolkit
Version: 1.4.0
Summary: Helpers for requests
Home-page: https://github.com/example/requests-toolkit
Author: Jane Doe, Bob Roe
Author-email: "Jane Doe" <jane@example.com>, bob@example.com
License: Apache 2.0
Keywords: http requests toolkit
Platform: UNKNOWN
Classifier: Development Status :: 5 - Production/Stable
Classifier: Programming Language :: Python :: 3
Requires-Python: >=3.8
Description-Content-Type: text/markdown
License-File: LICENSE
Requires-Dist: requests (>=2.0)
Requires-Dist: pytest ; extra == 'test'
Provides-Extra: test

# requests-toolkit

Some *markdown* with a [link](https://example.com/).
"""

HATCHLING_2_4 = """\
Metadata-Version: 2.4
Name: modern-pkg
Version: 2.0.0rc1
Summary: A package built by a current backend
Project-URL: Source Code, https://github.com/example/modern-pkg
Project-URL: Bug Tracker, https://github.com/example/modern-pkg/issues
Project-URL: Release notes, https://example.com/changes
Author-email: Jane Doe <jane@example.com>
Maintainer-email: "Roe, Bob" <bob@example.org>
License-Expression: MIT OR Apache-2.0
License-File: LICENSE-MIT
License-File: licenses/LICENSE-APACHE
Keywords: packaging,index
Classifier: Programming Language :: Python :: 3.12
Requires-Python: >=3.9
Requires-Dist: packaging>=24; python_version >= "3.9"
Requires-Dist: tomli; python_version < "3.11"
Provides-Extra: docs
Requires-Dist: sphinx; extra == "docs"
Description-Content-Type: text/markdown

# modern-pkg

```python
import modern_pkg
```
"""

SETUPTOOLS_2_2_DYNAMIC = """\
Metadata-Version: 2.2
Name: dyn_pkg
Version: 0.1
Summary: Setuptools 75 style
Author-email: Jane Doe <jane@example.invalid>
License: BSD-3-Clause
Classifier: License :: OSI Approved :: BSD License
Requires-Python: >=3.9
Description-Content-Type: text/x-rst
License-File: LICENSE
Dynamic: author-email
Dynamic: license-file
Dynamic: summary

dyn_pkg
=======

Plain reStructuredText.
"""

IMPORT_NAMES_2_5 = """\
Metadata-Version: 2.5
Name: importer
Version: 1.0
Import-Name: importer
Import-Name: _importer_speedups; private
Import-Namespace: importer_plugins
"""


@pytest.mark.parametrize(
    ("text", "name", "version"),
    [
        (PKG_INFO_1_0, "old-style", "0.3.1"),
        (SETUPTOOLS_2_1, "requests-toolkit", "1.4.0"),
        (HATCHLING_2_4, "modern-pkg", "2.0.0rc1"),
        (SETUPTOOLS_2_2_DYNAMIC, "dyn-pkg", "0.1"),
        (IMPORT_NAMES_2_5, "importer", "1.0"),
    ],
)
def test_real_world_metadata_as_twine_sends_it_is_accepted(text, name, version):
    fields = twine_form(text)
    parsed = parse_form_metadata(fields)
    assert parsed.name == name  # twine's "safe name": `_` becomes `-`
    assert parsed.version == Version(version)


def test_twine_fields_keep_their_meaning():
    parsed = parse_form_metadata(twine_form(SETUPTOOLS_2_1))
    assert parsed.author_email == '"Jane Doe" <jane@example.com>, bob@example.com'
    assert parsed.keywords == ["http requests toolkit"]  # spaces are not separators
    assert parsed.license_files is None  # twine drops License-File below Metadata-Version 2.4
    assert parsed.platforms is None  # `Platform: UNKNOWN` was sanitized away
    assert [str(r) for r in parsed.requires_dist] == ["requests>=2.0", 'pytest; extra == "test"']
    assert parsed.description.startswith("# requests-toolkit")

    modern = parse_form_metadata(twine_form(HATCHLING_2_4))
    assert modern.project_urls == {
        "Source Code": "https://github.com/example/modern-pkg",
        "Bug Tracker": "https://github.com/example/modern-pkg/issues",
        "Release notes": "https://example.com/changes",
    }
    assert modern.license_expression == "MIT OR Apache-2.0"
    assert modern.license_files == ["LICENSE-MIT", "licenses/LICENSE-APACHE"]
    assert modern.keywords == ["packaging", "index"]

    old = parse_form_metadata(twine_form(PKG_INFO_1_0))
    assert "All rights reserved." in old.license  # multi-line License text

    dynamic = parse_form_metadata(twine_form(SETUPTOOLS_2_2_DYNAMIC))
    assert dynamic.dynamic == ["Author-Email", "License-File", "Summary"]  # stored title-cased


def test_header_descriptions_are_unfolded_and_render():
    # Metadata 1.x files carry Description as a header indented by 8 spaces; twine >= 6 sends it as
    # is (pypa/twine#1218), and reStructuredText would not render without unfolding it.
    parsed = parse_form_metadata(twine_form(PKG_INFO_1_0))
    assert parsed.description.startswith("Old Style\n=========\n\nA description indented by distutils")
    html = render_description(parsed.description, parsed.description_content_type)
    assert html is not None and "<h1>Old Style" in html and "import old_style</pre>" in html


@pytest.mark.parametrize(
    ("text", "unfolded"),
    [
        ("Title\n        =====\n        \n        Body\n            code", "Title\n=====\n\nBody\n    code"),
        ("Title\n       |=====\n       |\n       |  indented", "Title\n=====\n\n  indented"),
        ("\n        Title\n        =====", "\nTitle\n====="),
        ("Title\n=====\n\n        code", "Title\n=====\n\n        code"),  # a body: left alone
        ("one line", "one line"),
        ("a\n\n", "a\n\n"),
    ],
)
def test_unfold_description(text, unfolded):
    assert unfold_description(text) == unfolded


def test_import_names_sent_as_form_fields():
    # twine 7 does not send Import-Name; Warehouse's form names are `import_name`/`import_namespace`.
    parsed = parse_form_metadata(
        form(
            metadata_version="2.5",
            import_name=["widget", "_widget_speedups; private"],
            import_namespace=["gadget"],
        )
    )
    assert parsed.import_names == ["widget", "_widget_speedups; private"]
    assert parsed.import_namespaces == ["gadget"]


def test_form_fields_cover_every_core_metadata_field():
    # If packaging learns a new field, this fails until the form mapping knows it too.
    assert {spec.raw for spec in FORM_FIELDS.values()} == set(packaging.metadata._RAW_TO_EMAIL_MAPPING)
    renamed = {key: spec.raw for key, spec in FORM_FIELDS.items() if key != spec.raw}
    assert renamed == {
        "license_file": "license_files",
        "platform": "platforms",
        "supported_platform": "supported_platforms",
        "import_name": "import_names",
        "import_namespace": "import_namespaces",
    }


# --- form parsing -------------------------------------------------------------------------------------


@pytest.mark.parametrize("metadata_version", ["1.0", "1.1", "1.2", "2.1", "2.2", "2.3", "2.4", "2.5"])
def test_minimal_form_of_every_supported_metadata_version(metadata_version):
    parsed = parse_form_metadata(form(metadata_version=metadata_version))
    assert (parsed.metadata_version, parsed.name, parsed.version) == (
        metadata_version,
        "spam",
        Version("2.0"),
    )


def test_unknown_and_misspelled_fields_are_ignored():
    parsed = parse_form_metadata(
        form(**{"unknown": "lol", "Description-Content-Type": "text/html", "platforms": "x", ":action": "y"})
    )
    assert parsed.description_content_type is None
    assert parsed.platforms is None


def test_keywords_are_split_on_commas():
    assert parse_form_metadata(form(keywords="foo, bar,baz")).keywords == ["foo", "bar", "baz"]


def test_empty_strings_are_ignored():
    assert parse_form_metadata(form(description_content_type="")).description_content_type is None
    assert parse_form_metadata(form(classifiers=["", "Topic :: Utilities"])).classifiers == [
        "Topic :: Utilities"
    ]


def test_a_mapping_with_getlist_is_read_whole():
    class MultiValue(dict):
        def getlist(self, key):
            return ["one", "two"] if key == "summary" else [self[key]]

    data = MultiValue(metadata_version="2.1", name="spam", version="2.0", summary="one")
    assert message_of(data) == "'summary' has invalid data." + HELP


def test_a_plain_string_value_is_one_value():
    assert parse_form_metadata({"metadata_version": "2.1", "name": "spam", "version": "2.0"}).name == "spam"


@pytest.mark.parametrize("key", ["summary", "name", "version", "metadata_version", "keywords", "license"])
def test_single_valued_field_sent_twice(key):
    # Warehouse reads every value so that a second `name=` cannot slip through.
    values = {"metadata_version": ["2.1", "2.1"], "name": ["spam", "eggs"], "version": ["1.0", "2.0"]}
    fields = form(**{key: values.get(key, ["one", "two"])})
    assert message_of(fields) == f"'{key}' has invalid data." + HELP


def test_project_url_labels_must_be_unique():
    fields = form(project_urls=["one, https://example.com/1/", "one, https://example.com/2/"])
    assert message_of(fields) == "'project_urls' has invalid data." + HELP


# --- Metadata-Version ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (None, "None"),
        ("-1", "'-1'"),
        ("9.9", "'9.9'"),
        ("100000.0", "'100000.0'"),
        ("2.0", "'2.0'"),
        ("2.6", "'2.6'"),
    ],
)
def test_unsupported_metadata_versions(value, shown):
    assert message_of(form(metadata_version=value)) == f"{shown} is not a valid metadata version." + HELP


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (dict(license_expression="MIT"), "license-expression introduced in metadata version 2.4, not 2.1"),
        (
            dict(metadata_version="2.1", dynamic="author"),
            "dynamic introduced in metadata version 2.2, not 2.1",
        ),
        (
            dict(metadata_version="1.0", classifiers="Topic :: Utilities"),
            "classifier introduced in metadata version 1.1, not 1.0",
        ),
        (
            dict(metadata_version="1.1", requires_dist="foo"),
            "requires-dist introduced in metadata version 1.2, not 1.1",
        ),
        (
            dict(metadata_version="2.4", import_name="foo"),
            "import-name introduced in metadata version 2.5, not 2.4",
        ),
    ],
)
def test_fields_newer_than_the_declared_metadata_version(fields, message):
    assert message_of(form(**fields)) == message + "." + HELP


# --- Name ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "foo-",
        "_z",
        ".,;",
        "-foo",
        "foo bar",
        "foo\n",  # `$` would match before a trailing newline; `\Z` does not
        "\u212aelvin",  # KELVIN SIGN case-folds to `k`: IGNORECASE would let it in
        "r\u0435quests",  # CYRILLIC SMALL LETTER IE
        "flywheel<img src=x onerror=alert(1)>",  # markup in a name (docs/hostile-inputs.md, H)
    ],
)
def test_invalid_names(name):
    expected = f"{name!r} is an invalid value for Name. Error: {NAME_RULE}" + HELP
    assert message_of(form(name=name)) == expected


def test_missing_name():
    assert (
        message_of(form(name=None))
        == "'' is an invalid value for Name. Error: This field is required." + HELP
    )


def test_long_invalid_name_is_shortened_like_warehouse():
    name = "a" * 40 + "!" + "b" * 40
    expected = f"'{'a' * 30}...{'b' * 30}' is an invalid value for Name. Error: {NAME_RULE}" + HELP
    assert message_of(form(name=name)) == expected


_VALID_NAME = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?\Z")


@given(st.from_regex(_VALID_NAME, fullmatch=True))
def test_every_name_of_the_ascii_pattern_is_accepted(name):
    parsed = parse_form_metadata(form(name=name))
    assert parsed.name == name
    assert is_normalized_name(canonicalize_name(parsed.name))


@given(st.text(min_size=1, max_size=20))
def test_name_accepted_exactly_when_ascii_pattern_matches(name):
    valid = bool(_VALID_NAME.match(name))
    try:
        parse_form_metadata(form(name=name))
    except MetadataErrors as error:
        assert not valid
        assert "is an invalid value for Name" in error.message
    else:
        assert valid
        canonicalize_name(name, validate=True)  # agrees with packaging


# --- Version ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("version", ["dog", "1.0.dev.a1", "1.0-", "v"])
def test_invalid_versions(version):
    assert message_of(form(version=version)) == f"{version!r} is invalid for 'version'." + HELP


def test_missing_version():
    assert message_of(form(version=None)) == "'version' is a required field." + HELP


def test_local_versions_are_refused():
    assert (
        message_of(form(version="1.0+local"))
        == "The use of local versions in '1.0+local' is not allowed." + HELP
    )


def test_versions_are_parsed_not_kept_as_text():
    assert parse_form_metadata(form(version="v1.0.0-9")).version == Version("1.0.0.post9")


# --- Summary, Description-Content-Type ----------------------------------------------------------------


def test_summary_length_limit():
    assert parse_form_metadata(form(summary="a" * 512)).summary == "a" * 512
    assert message_of(form(summary="a" * 513)) == "'summary' field must be 512 characters or less." + HELP


def test_summary_must_be_one_line():
    assert message_of(form(summary="A\nB")) == "'summary' must be a single line." + HELP


@pytest.mark.parametrize(
    "content_type",
    [
        "text/plain",
        "text/x-rst",
        "text/markdown",
        "text/markdown; variant=CommonMark",
        "text/markdown; charset=UTF-8",
    ],
)
def test_valid_description_content_types(content_type):
    assert (
        parse_form_metadata(form(description_content_type=content_type)).description_content_type
        == content_type
    )


@pytest.mark.parametrize(
    ("content_type", "message"),
    [
        (
            "text/html",
            "'description-content-type' must be one of ['text/markdown', 'text/x-rst', 'text/plain'], "
            "not 'text/html'",
        ),
        (
            "text/markdown; variant=evil",
            "valid Markdown variants for 'description-content-type' are ['GFM', 'CommonMark'], not 'evil'",
        ),
        (
            "text/markdown; charset=latin-1",
            "'description-content-type' can only specify the UTF-8 charset, not 'latin-1'",
        ),
    ],
)
def test_invalid_description_content_types(content_type, message):
    assert message_of(form(description_content_type=content_type)) == message + "." + HELP


# --- Classifiers --------------------------------------------------------------------------------------


def test_valid_classifiers():
    parsed = parse_form_metadata(
        form(classifiers=["Topic :: Utilities", "Programming Language :: Python :: 3"])
    )
    assert parsed.classifiers == ["Topic :: Utilities", "Programming Language :: Python :: 3"]


@pytest.mark.parametrize("classifier", ["Foo :: Bar", "Private :: Do Not Upload", "private :: x"])
def test_unknown_and_private_classifiers(classifier):
    assert message_of(form(classifiers=classifier)) == f"{classifier!r} is not a valid classifier." + HELP


def test_deprecated_classifier_with_replacements():
    expected = (
        "The classifier 'Natural Language :: Ukranian' has been deprecated, "
        "use one of ['Natural Language :: Ukrainian'] instead." + HELP
    )
    assert message_of(form(classifiers="Natural Language :: Ukranian")) == expected


def test_deprecated_classifier_without_replacement():
    classifier = "License :: OSI Approved :: Intel Open Source License"
    expected = f"The classifier {classifier!r} has been deprecated." + HELP
    assert message_of(form(classifiers=classifier)) == expected


# --- Emails -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "test@example.com",
        '"Jane Doe" <jane@example.com>, bob@example.com',
        "Jane Doe <jane@example.com>",
        '"Doe, Jane" <jane@example.com>',
        "jane@example.com (Jane Doe)",
        "Foo <>",  # a display name alone has no address to check
        "jane@example.invalid",  # RFC 2606 names are common in test packages
        "jane@example.test",
        "jane@mail.example",
        "jane@localhost",
        "élève@exemple.fr",
    ],
)
@pytest.mark.parametrize("field", ["author_email", "maintainer_email"])
def test_valid_emails(field, value):
    fields = form(metadata_version="1.2", **{field: value})
    assert getattr(parse_form_metadata(fields), field) == value


@pytest.mark.parametrize(
    ("value", "address"),
    [
        ("Foo <test>", "test"),
        ("not-an-address@", "not-an-address@"),
        ("Foo <a..b@example.com>", "a..b@example.com"),
    ],
)
@pytest.mark.parametrize("field", ["author_email", "maintainer_email"])
def test_invalid_emails(field, value, address):
    message = message_of(form(metadata_version="1.2", **{field: value}))
    assert message.startswith(f"{address!r} is not a valid email address: ")
    assert message.endswith(HELP)


def test_each_address_of_a_list_is_checked():
    message = message_of(form(author_email="jane@example.com, bob@example..com"))
    assert message.startswith("'bob@example..com' is not a valid email address")


# --- URLs ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "https://example.com/",
        "http://example.com",
        "HTTPS://Example.com/a?b=c#d",
        "https://[::1]:8080/",
        "http://localhost:8000/x",
    ],
)
@pytest.mark.parametrize("field", ["home_page", "download_url"])
def test_valid_urls(field, url):
    assert getattr(parse_form_metadata(form(**{field: url})), field) == url


@pytest.mark.parametrize(
    "url",
    [
        "irc://example.com/",
        "javascript:alert(1)",
        "file:///etc/passwd",
        "data:text/html,hi",
        "https:foo",  # no host: Warehouse lets this through, this index does not
        "https:///foo",
        "example.com",
        "https://exa mple.com/",
        "https://example.com:99999/",
        "https://example.com/\r\nX-Injected: 1",
        "https://<script>/",
    ],
)
@pytest.mark.parametrize("field", ["home_page", "download_url"])
def test_invalid_urls(field, url):
    assert message_of(form(**{field: url})) == f"{url!r} is not a valid url." + HELP


def test_project_urls():
    urls = ["Source Code, https://github.com/example/x", "Home page, https://example.com/"]
    assert parse_form_metadata(form(metadata_version="1.2", project_urls=urls)).project_urls == {
        "Source Code": "https://github.com/example/x",
        "Home page": "https://example.com/",
    }


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (",", "Must have a label"),
        (", https://example.com/", "Must have a label"),
        ("a" * 33 + ", https://example.com/", f"'{'a' * 33}' must be 32 characters or less."),
        ("IRC,", "Must have a URL"),
        ("IRC", "Must have a URL"),
        ("IRC, irc://example.com/", "'irc://example.com/' is not a valid url"),
    ],
)
def test_invalid_project_urls(value, message):
    assert message_of(form(metadata_version="1.2", project_urls=value)) == message.rstrip(".") + "." + HELP


def test_project_url_label_of_32_characters():
    parsed = parse_form_metadata(
        form(metadata_version="1.2", project_urls="a" * 32 + ", https://example.com/")
    )
    assert list(parsed.project_urls) == ["a" * 32]


# --- Dependencies -------------------------------------------------------------------------------------


def test_valid_dependencies():
    parsed = parse_form_metadata(
        form(
            requires_dist=["foo>=1.0", 'bar[extra]; python_version < "3.11"', "baz (>=1.0,<2)"],
            provides_dist="foo>=1.0",
            obsoletes_dist="oldfoo",
            requires_python=">=3.8, !=3.9.*",
            provides_extra=["test", "Docs_Extra"],
            requires_external="libxml2 (>=2.9)",
        )
    )
    assert [str(r) for r in parsed.requires_dist] == [
        "foo>=1.0",
        'bar[extra]; python_version < "3.11"',
        "baz<2,>=1.0",
    ]
    assert parsed.provides_extra == ["test", "docs-extra"]


def test_direct_references_are_refused_in_requires_dist():
    message = message_of(form(requires_dist="foo @ https://evil.example/foo.tar.gz"))
    assert message == "Can't have direct dependency: foo @ https://evil.example/foo.tar.gz." + HELP


@pytest.mark.parametrize("field", ["provides_dist", "obsoletes_dist"])
def test_direct_references_are_refused_in_provides_and_obsoletes(field):
    message = message_of(form(**{field: "foo @ https://example.com/foo-1.0.tar.gz"}))
    assert message == "Can't have direct dependency: 'foo @ https://example.com/foo-1.0.tar.gz'." + HELP


@pytest.mark.parametrize("field", ["provides_dist", "obsoletes_dist"])
def test_unparsable_provides_and_obsoletes(field):
    message = message_of(form(**{field: "foo >= dog"}))
    assert message.startswith("'foo >= dog' is invalid: ")
    assert "\n" not in message  # it becomes an HTTP reason phrase


@pytest.mark.parametrize("requirement", ["foo >= dog", "foo; python_version >> '3'"])
def test_unparsable_requires_dist(requirement):
    assert (
        message_of(form(requires_dist=requirement))
        == f"{requirement!r} is invalid for 'requires-dist'." + HELP
    )


def test_invalid_requires_python_and_extra():
    assert message_of(form(requires_python=">=3.x")) == "'>=3.x' is invalid for 'requires-python'." + HELP
    assert (
        message_of(form(provides_extra="Bad Extra!"))
        == "'Bad Extra!' is invalid for 'provides-extra'." + HELP
    )


# --- Dynamic ------------------------------------------------------------------------------------------


def test_dynamic_fields_are_title_cased():
    parsed = parse_form_metadata(form(metadata_version="2.2", dynamic=["keywords", "AUTHOR", "license-file"]))
    assert parsed.dynamic == ["Keywords", "Author", "License-File"]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("Name", "'name' is not allowed as a dynamic field"),
        ("Version", "'version' is not allowed as a dynamic field"),
        ("Invalid", "'invalid' is not a valid dynamic field"),
        ("Dynamic", "Dynamic field 'dynamic' is not a valid dynamic field."),  # Warehouse's allow-list
    ],
)
def test_invalid_dynamic_fields(value, message):
    assert message_of(form(metadata_version="2.2", dynamic=value)) == message.rstrip(".") + "." + HELP


# --- Licenses (PEP 639) -------------------------------------------------------------------------------


def test_license_expression_is_normalized():
    assert parse_form_metadata(
        form(metadata_version="2.4", license_expression="mit or apache-2.0")
    ).license_expression == ("MIT OR Apache-2.0")


def test_invalid_license_expression():
    message = message_of(form(metadata_version="2.4", license_expression="MIT OR Evil-License-1.0"))
    assert message == "'MIT OR Evil-License-1.0' is invalid for 'license-expression'." + HELP


def test_license_and_license_expression_are_exclusive():
    message = message_of(form(metadata_version="2.4", license="MIT", license_expression="MIT"))
    assert message == (
        "License is deprecated when License-Expression is present. "
        "Only License-Expression should be present." + HELP
    )


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("../LICENSE", "parent directory indicators are not allowed"),
        ("LICENSE*", "paths must be resolved"),
        ("/etc/passwd", "paths must be relative"),
        ("C:\\LICENSE", "paths must be relative"),
        ("licenses\\LICENSE", "paths must use '/' delimiter"),
    ],
)
def test_invalid_license_files(path, reason):
    assert (
        message_of(form(metadata_version="2.4", license_file=path))
        == f"{path!r} is invalid for 'license-file', {reason}." + HELP
    )


def test_valid_license_files():
    parsed = parse_form_metadata(
        form(metadata_version="2.4", license_file=["LICENSE", "licenses/NOTICE.txt"])
    )
    assert parsed.license_files == ["LICENSE", "licenses/NOTICE.txt"]


# --- Import-Name (PEP 794) ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("foo-bar", "'foo-bar' is invalid for 'import-name'; 'foo-bar' is not a valid identifier"),
        ("foo.class", "'foo.class' is invalid for 'import-name'; 'class' is a keyword"),
        ("foo; public", "'foo; public' is invalid for 'import-name'; the only valid option is 'private'"),
    ],
)
def test_invalid_import_names(value, message):
    assert message_of(form(metadata_version="2.5", import_name=value)) == message + "." + HELP


# --- Which error is shown -----------------------------------------------------------------------------


def test_all_errors_are_collected_and_the_first_is_the_message():
    error = error_of(
        form(
            summary="a" * 600,
            classifiers="Foo :: Bar",
            home_page="irc://x",
            author_email="nope@",
        )
    )
    assert error.message == error.errors[0]
    assert error.errors == [
        "'nope@' is not a valid email address: There must be something after the @-sign." + HELP,
        "'Foo :: Bar' is not a valid classifier." + HELP,
        "'irc://x' is not a valid url." + HELP,
        "'summary' field must be 512 characters or less." + HELP,
    ]


def test_metadata_version_name_and_version_come_first():
    error = error_of(form(metadata_version="9.9", version="dog", classifiers="Foo :: Bar"))
    assert error.message == "'9.9' is not a valid metadata version." + HELP
    error = error_of(form(version="1.0+local", classifiers="Foo :: Bar", author_email="x@"))
    assert error.message == "The use of local versions in '1.0+local' is not allowed." + HELP


def test_name_form_error_comes_before_metadata_errors():
    # Warehouse's upload form checks Name before the metadata is parsed (its `UploadForm`).
    error = error_of(form(name="foo-", metadata_version="9.9"))
    assert error.message.startswith("'foo-' is an invalid value for Name.")
    assert "'9.9' is not a valid metadata version." + HELP in error.errors


def test_packaging_errors_come_before_index_rules():
    # Warehouse only applies its own rules once packaging accepted the metadata.
    error = error_of(form(classifiers="Foo :: Bar", requires_python=">=3.x"))
    assert error.message == "'>=3.x' is invalid for 'requires-python'." + HELP
    assert error.errors[1] == "'Foo :: Bar' is not a valid classifier." + HELP


def test_metadata_errors_is_an_invalid_upload():
    error = error_of(form(version="dog"))
    assert isinstance(error, InvalidMetadata)
    assert isinstance(error, InvalidUpload)


@given(
    st.dictionaries(
        st.sampled_from([*FORM_FIELDS, "other"]),
        st.lists(st.text(max_size=30), min_size=1, max_size=3),
        max_size=8,
    )
)
def test_any_form_input_is_parsed_or_refused_cleanly(fields):
    try:
        parse_form_metadata(fields)
    except MetadataErrors as error:
        assert error.errors
        assert all("\n" not in message and "\r" not in message for message in error.errors)


# --- Embedded METADATA --------------------------------------------------------------------------------


def test_parse_distribution_metadata():
    raw = parse_distribution_metadata(HATCHLING_2_4.encode())
    assert raw["name"] == "modern-pkg"
    assert raw["requires_dist"][0] == 'packaging>=24; python_version >= "3.9"'
    assert raw["description"].startswith("# modern-pkg")


def test_parse_distribution_metadata_is_lenient():
    raw = parse_distribution_metadata(
        b"\xef\xbb\xbfMetadata-Version: 2.1\nName: a\nName: b\nVersion: 1\nX-Custom: y\n"
    )
    assert raw["version"] == "1"
    assert "name" not in raw  # repeated: unparsable, dropped


def test_parse_distribution_metadata_refuses_non_utf8():
    with pytest.raises(InvalidMetadata) as caught:
        parse_distribution_metadata(b"Metadata-Version: 1.0\nName: foo\nVersion: 1.0\nAuthor: J\xfcrgen\n")
    assert caught.value.message == "The distribution's metadata file is not valid UTF-8 (byte 54)."


@given(st.binary(max_size=300))
def test_parse_distribution_metadata_never_crashes(data):
    try:
        parse_distribution_metadata(data)
    except InvalidMetadata as error:
        assert error.message.startswith("The distribution's metadata file is not valid UTF-8")


def embedded(**fields) -> packaging.metadata.RawMetadata:
    return {"metadata_version": "2.1", "name": "spam", "version": "2.0", **fields}


def test_matching_embedded_metadata_passes():
    uploaded = parse_form_metadata(
        form(name="Spam", version="2.0.0", requires_dist=["Foo >= 1, <2", "bar[B,a]"])
    )
    compare_with_distribution(uploaded, embedded(name="spam", requires_dist=["bar[a,b]", "foo<2,>=1"]))
    compare_with_distribution(parse_form_metadata(form()), embedded())  # no Requires-Dist on both sides
    compare_with_distribution(parse_form_metadata(form()), embedded(requires_dist=[]))


def test_twine_safe_name_matches_the_file():
    compare_with_distribution(
        parse_form_metadata(twine_form(PKG_INFO_1_0)), parse_distribution_metadata(PKG_INFO_1_0.encode())
    )


def test_requires_dist_mismatch():
    with pytest.raises(InvalidMetadata) as caught:
        compare_with_distribution(
            parse_form_metadata(form(requires_dist="foo>=2")), embedded(requires_dist=["foo>=1"])
        )
    assert caught.value.message == (
        "The Requires-Dist in the distribution's METADATA file ('foo>=1') does not match the uploaded "
        "metadata ('foo>=2'); upload the file with the metadata it was built with."
    )


def test_hidden_requirement_is_refused():
    with pytest.raises(InvalidMetadata) as caught:
        compare_with_distribution(
            parse_form_metadata(form(requires_dist="foo")),
            embedded(requires_dist=["foo", "evil; sys_platform == 'linux'"]),
            metadata_file="PKG-INFO",
        )
    assert caught.value.message == (
        "The Requires-Dist in the distribution's PKG-INFO file ('evil; sys_platform == \"linux\"') does not "
        "match the uploaded metadata (none); upload the file with the metadata it was built with."
    )


def test_duplicate_requirements_count():
    with pytest.raises(InvalidMetadata):
        compare_with_distribution(
            parse_form_metadata(form(requires_dist=["foo", "foo"])), embedded(requires_dist=["foo"])
        )


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (
            dict(name="eggs"),
            "The Name in the distribution's METADATA file ('eggs') does not match "
            "the uploaded metadata ('spam')",
        ),
        (
            dict(name=None),
            "The Name in the distribution's METADATA file ('') does not match the uploaded metadata ('spam')",
        ),
        (
            dict(version="2.1"),
            "The Version in the distribution's METADATA file ('2.1') does not match "
            "the uploaded metadata ('2.0')",
        ),
        (
            dict(version="dog"),
            "The Version in the distribution's METADATA file ('dog') does not match "
            "the uploaded metadata ('2.0')",
        ),
    ],
)
def test_name_and_version_mismatch(fields, message):
    raw = embedded(**fields)
    raw = {key: value for key, value in raw.items() if value is not None}
    with pytest.raises(InvalidMetadata) as caught:
        compare_with_distribution(parse_form_metadata(form()), raw)
    assert caught.value.message == message + "; upload the file with the metadata it was built with."


def test_package_has_no_django_imports():
    from pathlib import Path

    for module in Path(metadata.__file__).parent.glob("*.py"):
        assert "django" not in module.read_text(encoding="utf-8"), module.name
