"""How metadata problems are collected, ordered and worded for the uploader.

Warehouse validates in stages and stops at the first stage that fails, so the error it shows comes from
the earliest failing stage. We run every stage to collect every error, then sort by stage, then by field
(Metadata-Version, Name and Version first, as Warehouse's `_error_message_order` does), and show the
first. Each message ends with a pointer to the core-metadata specification and holds no line break.
"""

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from registry.exceptions import InvalidMetadata

CORE_METADATA_HELP = "See https://packaging.python.org/specifications/core-metadata for more information."

STAGE_FORM = 0  # the upload form's Name check (Warehouse's `UploadForm`)
STAGE_UNPARSED = 1  # form data that cannot become RawMetadata
STAGE_PACKAGING = 2  # Metadata.from_raw(validate=True)
STAGE_INDEX = 3  # this index's own rules (Warehouse's `_validate_metadata`)

_LINE_BREAKS = re.compile(r"\s*[\r\n]+\s*")
# Warehouse reports these fields first because they influence every other error (`_error_message_order`).
_FIRST_FIELDS = ("metadata-version", "name", "version")


class MetadataErrors(InvalidMetadata):
    """Invalid upload metadata: `message` is the error Warehouse would show, `errors` lists them all."""

    def __init__(self, errors: Sequence[str]):
        super().__init__(errors[0])
        self.errors = list(errors)


@dataclass(frozen=True)
class Problem:
    stage: int
    field: str
    message: str

    def sort_key(self) -> tuple[int, int, str]:
        rank = _FIRST_FIELDS.index(self.field) if self.field in _FIRST_FIELDS else len(_FIRST_FIELDS)
        return (self.stage, rank, self.field)

    def formatted(self) -> str:
        # The message becomes an HTTP reason phrase, which cannot hold a line break.
        message = _LINE_BREAKS.sub(" ", self.message)
        if self.stage == STAGE_FORM:
            return message  # already complete, like Warehouse's form error
        end = "" if message.endswith(".") else "."
        return f"{message}{end} {CORE_METADATA_HELP}"


# packaging prints the allowed Description-Content-Type values from a set, so their order changes from
# one process to the next; show them in one fixed order (Warehouse's).
_CHOICE_ORDER = (["text/markdown", "text/x-rst", "text/plain"], ["GFM", "CommonMark"])
_CHOICES_RE = re.compile(r"\[('[^'\]]*'(?:, '[^'\]]*')*)\]")


def stable_choices(message: str) -> str:
    def reorder(match: re.Match[str]) -> str:
        items = {item.strip("'") for item in match.group(1).split(", ")}
        for order in _CHOICE_ORDER:
            if items == set(order):
                return repr(order)
        return match.group(0)

    return _CHOICES_RE.sub(reorder, message)


def flatten(group: BaseExceptionGroup) -> Iterable[BaseException]:
    for error in group.exceptions:
        if isinstance(error, BaseExceptionGroup):
            yield from flatten(error)
        else:
            yield error
