"""What mirrors ask over XML-RPC: serials, the changelog, roles. Quarantined projects are not listed."""

from registry.enums import QUARANTINED
from registry.models import JournalEntry, Project, Release, Role
from registry.names import normalize
from registry.selectors import last_serial, public_projects, public_q

CHANGELOG_LIMIT = 50_000  # Warehouse's `changelog_since_serial` returns at most this many rows


class MirrorCallError(Exception):
    """A call with parameters of the wrong type or value."""


def _require(value, kind: type, name: str):
    if not isinstance(value, kind) or isinstance(value, bool):
        raise MirrorCallError(f"{name}: expected {kind.__name__}, got {type(value).__name__}")
    return value


def changelog_last_serial() -> int:
    return last_serial()


def changelog_since_serial(since) -> list[list]:
    """`[name, version, unix time, action, serial]` for each entry after `since`, oldest first.

    A quarantined project's history is hidden, except the entry that quarantined it: a mirror must learn
    that the project changed, and then finds it gone from the JSON API.
    """
    _require(since, int, "serial")
    rows = list(
        JournalEntry.objects.filter(id__gt=since)
        .order_by("id")
        .values_list("name", "normalized_name", "version", "submitted", "action", "id")[:CHANGELOG_LIMIT]
    )
    # Only the projects these entries name are looked up (by their unique index), never every hidden one.
    named = {row[1] for row in rows}
    hidden = set(
        Project.objects.exclude(public_q())
        .filter(normalized_name__in=named)
        .values_list("normalized_name", flat=True)
    )
    return [
        [name, version, int(submitted.timestamp()), action, serial]
        for name, normalized, version, submitted, action, serial in rows
        if normalized not in hidden or action == QUARANTINED
    ]


def list_packages_with_serial() -> dict[str, int]:
    return dict(public_projects().values_list("name", "last_serial"))


def package_roles(name) -> list[list[str]]:

    _require(name, str, "package_name")
    roles = Role.objects.filter(public_q("project__"), project__normalized_name=normalize(name)).values_list(
        "role_name", "user__username"
    )
    return sorted([list(role) for role in roles], key=lambda role: (role[0] != "Owner", role[1].lower()))


def user_packages(username) -> list[list[str]]:
    _require(username, str, "username")
    roles = Role.objects.filter(public_q("project__"), user__username__iexact=username).values_list(
        "role_name", "project__name"
    )
    return sorted([list(role) for role in roles], key=lambda role: role[1].lower())


def browse(classifiers) -> list[list[str]]:
    """`[name, version]` of the releases that carry every classifier given."""
    _require(classifiers, list, "classifiers")
    wanted = {_require(item, str, "classifier") for item in classifiers}
    releases = Release.objects.filter(public_q("project__")).values_list(
        "project__name", "version", "classifiers"
    )
    return [[name, version] for name, version, found in releases if wanted <= set(found)]
