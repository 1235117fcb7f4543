"""Authors and maintainers of a release as people: names, each with an email address when it has one.

Core metadata has a name field (`Author`, `Maintainer`) and an email field (`Author-email`,
`Maintainer-email`); the email field may hold a list of `Name <address>` entries, which is how PEP 621
tools write `authors = [{name = ..., email = ...}]`. The standard library's `email.utils` reads the list.
"""

import re
from dataclasses import dataclass
from email.utils import getaddresses

# An address worth a mailto link: one @, a dotted domain, nothing that would change a mailto URL's meaning.
_ADDRESS = re.compile(
    r"[^@\s<>()\[\]\"',;:\\?&=#%]+@[^@\s<>()\[\]\"',;:\\?&=#%/]+\.[^@\s<>()\[\]\"',;:\\?&=#%/.]+"
)


@dataclass(frozen=True)
class Person:
    name: str
    email: str = ""  # an address to link to, or ""


def people(names: str, emails: str) -> list[Person]:
    """The people of one role, in the order the metadata gives them: the name field's text first (PEP 621
    tools put there only the people without an address), then each parsed address with its name.

    A lone name and a lone address without a name ("Alice", "alice@example.com": older metadata) are one
    person. Text that is not a list of addresses is shown as it is, never linked.
    """
    names, emails = (names or "").strip(), (emails or "").strip()
    parsed = [(name.strip(), address.strip()) for name, address in getaddresses([emails])] if emails else []
    if parsed and all(_ADDRESS.fullmatch(address) for _, address in parsed):
        found = [Person(name=name or address, email=address) for name, address in parsed]
    else:
        found = [Person(name=emails)] if emails else []
    if names:
        if len(found) == 1 and found[0].email and found[0].name == found[0].email:
            return [Person(name=names, email=found[0].email)]
        if names not in {person.name for person in found}:
            found.insert(0, Person(name=names))
    return found
