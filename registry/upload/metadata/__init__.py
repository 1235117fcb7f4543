"""Core metadata of an upload: twine's form fields → a validated `packaging.metadata.Metadata`.

A port of Warehouse's `forklift/metadata.py` (`parse_form_metadata`): the form is mapped to
`RawMetadata`, validated by `packaging`, then by the index's own rules. Every problem is collected;
the exception carries all of them (`MetadataErrors.errors`) and shows the uploader the one Warehouse
would show. Also reads the METADATA/PKG-INFO embedded in an archive and checks that it agrees with the
form (PyPI accepts a mismatch: docs/hostile-inputs.md, D). Pure: no Django, no database.

What lives where:
- here: `parse_form_metadata`, which runs the stages in order, and the public names, re-exported.
- `form_fields`: the form → RawMetadata mapping (`FORM_FIELDS`), the form's Name check and
  `unfold_description`.
- `rules`: Warehouse's extra validation rules (`SUPPORTED_METADATA_VERSIONS`, `DYNAMIC_FIELDS`,
  `is_valid_url`, e-mail addresses, classifiers, ...).
- `embedded`: the archive's METADATA/PKG-INFO (`parse_distribution_metadata`) and its comparison with
  the form (`compare_with_distribution`).
- `errors`: `MetadataErrors`, and the ordering and wording of the collected problems.
"""

from collections.abc import Mapping, Sequence

import packaging.metadata
from packaging.metadata import Metadata

from registry.upload.metadata.embedded import compare_with_distribution, parse_distribution_metadata
from registry.upload.metadata.errors import (
    CORE_METADATA_HELP,
    STAGE_INDEX,
    STAGE_PACKAGING,
    STAGE_UNPARSED,
    MetadataErrors,
    Problem,
    flatten,
    stable_choices,
)
from registry.upload.metadata.form_fields import (
    FORM_FIELDS,
    check_form_name,
    raw_from_form,
    unfold_description,
)
from registry.upload.metadata.rules import (
    DYNAMIC_FIELDS,
    SUPPORTED_METADATA_VERSIONS,
    index_rules,
    is_valid_url,
)
from registry.upload.metadata.rules import PROJECT_URL_LABEL_MAX_LENGTH as PROJECT_URL_LABEL_MAX_LENGTH
from registry.upload.metadata.rules import SUMMARY_MAX_LENGTH as SUMMARY_MAX_LENGTH


def parse_form_metadata(fields: Mapping[str, Sequence[str]]) -> Metadata:
    """Turn the upload's metadata form fields into validated core metadata.

    `fields` maps each form field name to the list of its values, already sanitized (UNKNOWN and
    empty values dropped, NUL escaped). A mapping with `getlist` (a Django QueryDict) also works.
    Returns the `Metadata`; its `dynamic` is title-cased the way it is stored. Raises
    `MetadataErrors` (an `InvalidMetadata`) listing every problem, the first one as its message.
    """
    problems: list[Problem] = []
    check_form_name(fields, problems)
    raw, unparsed = raw_from_form(fields)
    if "description" in raw:
        raw["description"] = unfold_description(raw["description"])
    problems += [
        Problem(STAGE_UNPARSED, FORM_FIELDS[key].email, f"{key!r} has invalid data") for key in unparsed
    ]
    skipped = {FORM_FIELDS[key].raw for key in unparsed}

    validated = None
    try:
        validated = Metadata.from_raw(raw, validate=True)
    except ExceptionGroup as group:
        for error in flatten(group):
            if not isinstance(error, packaging.metadata.InvalidMetadata):
                raise
            # A single-valued field sent twice is reported above; don't also call it missing.
            if error.field.replace("-", "_") in skipped and "required field" in str(error):
                continue
            problems.append(Problem(STAGE_PACKAGING, error.field, stable_choices(str(error))))

    # Run the index rules on an unvalidated view, so that they see whatever fields did parse.
    unchecked = Metadata.from_raw(raw, validate=False)
    problems += [Problem(STAGE_INDEX, field, message) for field, message in index_rules(unchecked)]

    if problems or validated is None:
        problems.sort(key=Problem.sort_key)
        raise MetadataErrors([problem.formatted() for problem in problems])

    if validated.dynamic:
        # Header names are case-insensitive; Warehouse stores the title-cased spelling (an enum).
        validated.dynamic = [field.title() for field in validated.dynamic]
    return validated


__all__ = [
    "CORE_METADATA_HELP",
    "DYNAMIC_FIELDS",
    "FORM_FIELDS",
    "SUPPORTED_METADATA_VERSIONS",
    "MetadataErrors",
    "compare_with_distribution",
    "is_valid_url",
    "parse_distribution_metadata",
    "parse_form_metadata",
    "unfold_description",
]
