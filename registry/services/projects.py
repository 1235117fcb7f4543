"""Project-level rules and writes."""

from registry.exceptions import InvalidUpload
from registry.names import is_valid_project_name


def check_new_project_name(name: str) -> None:
    """Refuse a name a new project may not take, with one sentence naming the rule.

    The name policy (standard library, prohibited and too-similar names) extends this function, so that
    upload, the name check page and name claims share one set of rules.
    """
    if not is_valid_project_name(name):
        raise InvalidUpload(f"The name '{name}' is invalid. See /help/#project-name for more information.")
