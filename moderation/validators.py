"""Pure checks shared by moderation's forms and services."""

import re

from moderation.exceptions import ModerationError

# Tabs, newlines and carriage returns are text; every other control character (NUL included) is refused.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_text(text: str, *, what: str, minimum: int, maximum: int, error=ModerationError) -> str:
    """`text` stripped, or `error` with one sentence when it is too short, too long or has control characters.

    `what` names the field at the start of the sentence ("The reason", "The description").
    """
    text = (text or "").strip()
    if _CONTROL.search(text):
        raise error(f"{what} contains control characters; use plain text.")
    if len(text) < minimum:
        if minimum <= 1:
            raise error(f"{what} is required.")
        raise error(f"{what} must be at least {minimum} characters long.")
    if len(text) > maximum:
        raise error(f"{what} must be {maximum} characters or less.")
    return text
