"""Project-level rules and writes: the name policy for new projects, and removing a project.

The name policy is one function, `name_decision`, shared by upload (through `check_new_project_name`), the
public name check page and name claims, so that every way of taking a name applies the same rules
(docs/hostile-inputs.md, G) and says which rule refused it.
"""

from dataclasses import dataclass, field
from enum import StrEnum, nonmember
from urllib.parse import quote

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse

from moderation import policy
from registry import notifications
from registry.exceptions import InvalidUpload, NameConflict
from registry.models import File, Project, Release
from registry.names import StdlibModule, is_valid_project_name, normalize, stdlib_conflicts, ultranormalize
from registry.selectors import user_role_annotation
from registry.services.files import discard_stored_after_commit
from registry.services.journal import journal_record
from registry.services.permissions import require_owner

# Project.name is a 200-character column; longer names are refused rather than truncated.
MAX_NAME_LENGTH = Project._meta.get_field("name").max_length


class NameRule(StrEnum):
    """Why a name is refused."""

    # Templates compare against NameRule.X; without this they would call the class.
    do_not_call_in_templates = nonmember(True)

    INVALID = "invalid"
    STDLIB = "stdlib"
    EXISTS = "exists"
    RESERVED = "reserved"
    PROHIBITED = "prohibited"
    TOO_SIMILAR = "too-similar"


# Each rule as the pages and messages name it ("Rule: ….", "… is not a valid project name, so …").
RULE_LABELS = {
    NameRule.INVALID: "not a valid project name",
    NameRule.STDLIB: "conflicts with the Python standard library",
    NameRule.EXISTS: "an existing project",
    NameRule.RESERVED: "reserved by another account",
    NameRule.PROHIBITED: "prohibited by the administrators",
    NameRule.TOO_SIMILAR: "too similar to an existing project",
}

# HTTP status of each refusal, as PyPI answers an upload (Warehouse's `create_project`). Uploads never meet
# EXISTS or RESERVED: an existing project, with or without releases, takes them to the permission check (403).
STATUS_BY_RULE = {
    NameRule.INVALID: 400,
    NameRule.STDLIB: 400,
    NameRule.EXISTS: 409,
    NameRule.RESERVED: 409,
    NameRule.PROHIBITED: 400,
    NameRule.TOO_SIMILAR: 400,
}


# Refusals a PEP 541 name claim can answer: the project holding the name (existing or reserved), or the one
# the name is too similar to. Standard-library, prohibited and invalid names cannot be claimed.
CLAIMABLE_RULES = frozenset({NameRule.EXISTS, NameRule.RESERVED, NameRule.TOO_SIMILAR})


@dataclass(frozen=True)
class NameDecision:
    """Whether a new project may be called `name`, and if not, the rule that refuses it.

    - `rule`: None when the name is available, else a NameRule value;
    - `reason`: one sentence for the user naming the rule (never a prohibition's private reason);
    - `message`: `reason` followed by a link to the name check page (what upload answers);
    - `project`: the existing project for EXISTS, RESERVED and TOO_SIMILAR;
    - `stdlib`: for STDLIB, each module spelling the name shadows, with its Python versions (typed first);
    - `user_role`: the asking user's role on `project` when a user was given, else None.
    """

    name: str
    normalized_name: str
    rule: str | None
    reason: str
    message: str
    project: Project | None = None
    stdlib: tuple[StdlibModule, ...] = field(default=())
    user_role: str | None = None

    @property
    def available(self) -> bool:
        return self.rule is None

    @property
    def rule_label(self) -> str:
        """The refusing rule in a few words (RULE_LABELS); empty when the name is available."""
        return RULE_LABELS.get(self.rule, "")

    @property
    def claimable(self) -> bool:
        """Whether the asking user may file a name claim against this refusal: its rule is one of
        CLAIMABLE_RULES and they hold no role on the project (an Owner has nothing to claim)."""
        return self.rule in CLAIMABLE_RULES and not self.user_role

    @property
    def status(self) -> int:
        """The HTTP status an API should answer with (200 when the name is available)."""
        return STATUS_BY_RULE.get(self.rule, 200)


def name_check_url(name: str) -> str:
    return f"{reverse('name-check')}?name={quote(name, safe='')}"


def name_decision(name: str, *, user=None) -> NameDecision:
    """Decide whether a new project may take `name`. Reads only; at most two queries.

    Rules, in PyPI's order (Warehouse's `check_project_name`): invalid name → standard-library module → an
    existing project of the same PEP 503 name (EXISTS, or RESERVED when it has no release yet) → prohibited by
    the admins → too similar (same ultranormalized form) to an existing project. Quarantined projects count: a
    hidden project still owns its name.
    """
    normalized = normalize(name) if is_valid_project_name(name) else ""
    see = f"See {name_check_url(name)} for more information."

    def refuse(rule: str, reason: str, **details) -> NameDecision:
        return NameDecision(
            name=name,
            normalized_name=normalized,
            rule=rule,
            reason=reason,
            message=f"{reason} {see}",
            **details,
        )

    if not normalized:
        return refuse(
            NameRule.INVALID,
            f"The name '{name}' is invalid: project names use only ASCII letters, digits, '.', '_' and '-', "
            "and start and end with a letter or digit.",
        )
    if len(name) > MAX_NAME_LENGTH:
        return refuse(
            NameRule.INVALID,
            f"The name '{name}' is invalid: project names have at most {MAX_NAME_LENGTH} characters.",
        )
    modules = stdlib_conflicts(name)
    if modules:
        first = modules[0]
        return refuse(
            NameRule.STDLIB,
            f"The name '{name}' isn't allowed: it conflicts with the Python standard library module "
            f"'{first.module}' ({first.versions_text}).",
            stdlib=tuple(modules),
        )

    exact, similar = _projects_claiming(normalized, user=user)
    if exact is not None:
        role = getattr(exact, "user_role", None)
        if exact.has_releases:
            # "The name 'x' conflicts with the existing project 'x'" reads oddly when both are spelled alike.
            exists = (
                f"A project named '{exact.name}' already exists."
                if name == exact.name
                else f"The name '{name}' conflicts with the existing project '{exact.name}'."
            )
            return refuse(
                NameRule.EXISTS,
                exists,
                project=exact,
                user_role=role,
            )
        return refuse(
            NameRule.RESERVED,
            f"The name '{name}' is reserved: the project '{exact.name}' was registered by an account that "
            "has not published a release yet.",
            project=exact,
            user_role=role,
        )
    if policy.prohibited_project_name(normalized):
        return refuse(
            NameRule.PROHIBITED,
            f"The name '{name}' isn't allowed: the administrators of this index prohibited it.",
        )
    if similar is not None:
        return refuse(
            NameRule.TOO_SIMILAR,
            f"The name '{name}' is too similar to the existing project '{similar.name}': names that differ "
            "only in '.', '_', '-', case, 'l' or 'i' for '1', or 'o' for '0' count as the same.",
            project=similar,
            user_role=getattr(similar, "user_role", None),
        )
    available = f"The name '{name}' is available."
    return NameDecision(name=name, normalized_name=normalized, rule=None, reason=available, message=available)


def _projects_claiming(normalized: str, *, user) -> tuple[Project | None, Project | None]:
    """(the project of this exact normal form, another of the same ultranormalized form); one query."""
    projects = Project.objects.filter(
        Q(normalized_name=normalized) | Q(ultranormalized_name=ultranormalize(normalized))
    ).annotate(has_releases=Exists(Release.objects.filter(project=OuterRef("pk"))))
    if user is not None and user.is_authenticated:
        projects = projects.annotate(user_role=user_role_annotation(user))
    found = list(projects.order_by("normalized_name"))
    exact = next((project for project in found if project.normalized_name == normalized), None)
    similar = next((project for project in found if project.normalized_name != normalized), None)
    return exact, similar


def check_new_project_name(name: str) -> None:
    """Refuse a name a new project may not take: InvalidUpload (400) or NameConflict (409), one sentence."""
    decision = name_decision(name)
    if decision.available:
        return
    if decision.status == 409:
        raise NameConflict(decision.message)
    raise InvalidUpload(decision.message)


@transaction.atomic
def project_remove(*, project: Project, actor, check_role: bool = True) -> None:
    """Delete a project with its releases, files, roles and invitations; journal `remove project`.

    Filenames stay used (UsedFilename rows are kept), so nobody can later upload different bytes under a
    deleted file's name. The stored files are deleted by a Celery task after the commit. `check_role=False`
    is for administrators acting through the admin site (they hold no role on the project).
    Raises ManageNotPermitted when `actor` is not an Owner.
    """
    if check_role:
        require_owner(project=project, user=actor)
    paths = list(File.objects.filter(release__project=project).values_list("path", flat=True))
    journal_record(project, ("remove project", None), actor=actor)
    if check_role:  # the moderators' removals send their own email, with their reason
        notifications.project_event(project, "project_deleted", actor=actor)
    project.delete()
    discard_stored_after_commit(paths)
