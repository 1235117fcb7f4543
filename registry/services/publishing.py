"""Trusted publishing: Owners register the CI workflows allowed to publish a project, verified users register
*pending* publishers for projects that do not exist yet, and a CI job trades its OpenID Connect ID token for
a project-scoped upload token valid 15 minutes (`token_mint`, behind `POST /_/oidc/mint-token`).

The first token minted for a pending publisher creates its project, with the user who registered it as Owner,
and turns it into the project's publisher; other users' pending publishers for that name are discarded and
their owners told. Every change is journaled and emailed to the Owners (`registry.notifications`).
"""

import logging
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import ApiToken, User
from accounts.services import require_verified_email
from accounts.tokens import new_token, token_digest
from moderation import policy
from registry import notifications, ratelimits, signals
from registry.enums import PublisherKind, RoleName
from registry.exceptions import ManageError
from registry.models import Project, Role, TrustedPublisher, UsedJwtId
from registry.names import normalize
from registry.oidc import issuers, matching
from registry.oidc.verify import TokenRefused, verify
from registry.services.journal import journal_record
from registry.services.permissions import require_owner
from registry.services.projects import name_decision

logger = logging.getLogger(__name__)

TOKEN_LIFETIME = timedelta(minutes=15)
# PyPI's limit on pending publishers (per user and per IP address, a day).
PENDING_RATE = "100/day"
MAX_FIELD = 255

_GITHUB_OWNER = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})\Z")
_REPOSITORY = re.compile(r"[A-Za-z0-9_.-]{1,100}\Z")
_NAMESPACE = re.compile(r"[A-Za-z0-9_.-]+(?:/[A-Za-z0-9_.-]+)*\Z")
_WORKFLOW_FILE = re.compile(r"[^/\\\x00-\x1f]+\.ya?ml\Z")
_CI_FILE = re.compile(r"[^\\\x00-\x1f]+\.ya?ml\Z")
_CLAIM_NAME = re.compile(r"[A-Za-z0-9_.:-]{1,100}\Z")
# Claims every token of an issuer carries or that change with each token: they identify no workflow.
UNIDENTIFYING_CLAIMS = {"iss", "aud", "exp", "nbf", "iat", "jti"}


@dataclass(frozen=True)
class PublisherFields:
    """What a user typed to describe a publisher, before `publisher_fields` checks it."""

    issuer: str
    owner: str = ""
    repository: str = ""
    workflow: str = ""
    environment: str = ""
    claims: dict | None = None


def publisher_fields(fields: PublisherFields) -> dict:
    """The checked model fields of a publisher; ManageError naming the field that is wrong."""
    issuer = issuers.by_name(fields.issuer)
    if issuer is None:
        names = ", ".join(item.name for item in issuers.configured()) or "none is configured"
        raise ManageError(f"'{fields.issuer}' is not a trusted publishing issuer of this index ({names}).")
    owner, repository = fields.owner.strip(), fields.repository.strip()
    workflow, environment = fields.workflow.strip(), fields.environment.strip()
    values = {"issuer": issuer.name, "kind": issuer.kind, "environment": environment, "claims": {}}
    if len(environment) > MAX_FIELD or any(ord(char) < 32 for char in environment):
        raise ManageError("The environment name is at most 255 printable characters.")
    if issuer.kind == PublisherKind.GITHUB:
        if not _GITHUB_OWNER.match(owner):
            raise ManageError(f"'{owner}' is not a GitHub user or organization name.")
        if not _REPOSITORY.match(repository) or repository in (".", ".."):
            raise ManageError(f"'{repository}' is not a repository name.")
        workflow = workflow.removeprefix(".github/workflows/")
        if not _WORKFLOW_FILE.match(workflow) or len(workflow) > MAX_FIELD:
            raise ManageError(
                f"'{workflow}' is not a workflow file name: give the file's name under .github/workflows/, "
                "such as release.yml."
            )
        return {**values, "owner": owner, "repository": repository, "workflow": workflow}
    if issuer.kind == PublisherKind.GITLAB:
        if not _NAMESPACE.match(owner) or len(owner) > MAX_FIELD or ".." in owner.split("/"):
            raise ManageError(f"'{owner}' is not a GitLab namespace (a group, subgroups or a user).")
        if not _REPOSITORY.match(repository) or repository in (".", ".."):
            raise ManageError(f"'{repository}' is not a GitLab project name.")
        workflow = workflow.lstrip("/")
        if not _CI_FILE.match(workflow) or ".." in workflow.split("/") or len(workflow) > MAX_FIELD:
            raise ManageError(
                f"'{workflow}' is not a CI file path: give its path in the repository (.gitlab-ci.yml)."
            )
        return {**values, "owner": owner, "repository": repository, "workflow": workflow}
    claims = {str(key).strip(): str(value).strip() for key, value in (fields.claims or {}).items()}
    for name, value in claims.items():
        if not _CLAIM_NAME.match(name):
            raise ManageError(f"'{name}' is not a claim name (letters, digits, '_', '.', ':' and '-').")
        if not value or len(value) > 500:
            raise ManageError(f"The claim '{name}' needs a value of at most 500 characters.")
    if not set(claims) - UNIDENTIFYING_CLAIMS:
        raise ManageError(
            "Name at least one claim that identifies the workflow, such as 'sub' or 'repository'; "
            f"{', '.join(sorted(UNIDENTIFYING_CLAIMS))} identify none."
        )
    return {**values, "environment": "", "claims": claims}


def _duplicate(queryset, values: dict) -> bool:
    return any(all(getattr(existing, key) == value for key, value in values.items()) for existing in queryset)


@transaction.atomic
def publisher_add(*, project: Project, actor: User, fields: PublisherFields) -> TrustedPublisher:
    """An Owner lets a CI workflow publish `project`; journal `add trusted publisher ...`, email Owners."""
    require_owner(project=project, user=actor)
    values = publisher_fields(fields)
    Project.objects.select_for_update().filter(pk=project.pk).first()
    if _duplicate(TrustedPublisher.objects.filter(project=project), values):
        raise ManageError(f"Project '{project.name}' already has this trusted publisher.")
    publisher = TrustedPublisher.objects.create(project=project, added_by=actor, **values)
    _journal(project, f"add trusted publisher {publisher.describe()}", actor)
    notifications.project_event(project, "publisher_added", actor=actor, publisher=publisher.describe())
    return publisher


@transaction.atomic
def publisher_remove(*, publisher: TrustedPublisher, actor: User) -> None:
    """An Owner removes a publisher (its live upload tokens go with it); journaled and emailed."""
    project = publisher.project
    require_owner(project=project, user=actor)
    description = publisher.describe()
    publisher.delete()
    _journal(project, f"remove trusted publisher {description}", actor)
    notifications.project_event(project, "publisher_removed", actor=actor, publisher=description)


def _journal(project: Project, action: str, actor) -> None:
    journal_record(project, (action[:400], None), actor=actor)


def _pending_limits() -> tuple[ratelimits.SlidingWindow, ratelimits.SlidingWindow]:
    rate = ratelimits.parse_rate(PENDING_RATE)
    return ratelimits.SlidingWindow("pending-publisher-user", rate), ratelimits.SlidingWindow(
        "pending-publisher-ip", rate
    )


@transaction.atomic
def pending_publisher_add(
    *, user: User, project_name: str, fields: PublisherFields, ip_address: str | None = None
) -> TrustedPublisher:
    """A verified user registers a publisher for a project that does not exist yet.

    Raises EmailNotVerified, ManageError when the name could not be a new project's (the name policy's
    sentence), the publisher is already registered, or the user or address registered too many today.
    """
    require_verified_email(user)
    values = publisher_fields(fields)
    decision = name_decision(project_name.strip())
    if not decision.available:
        raise ManageError(decision.reason)
    by_user, by_ip = _pending_limits()
    if not by_user.allowed(str(user.pk)) or (ip_address and not by_ip.allowed(ip_address)):
        raise ManageError("Too many pending publishers registered today; try again tomorrow.")
    normalized = normalize(project_name)
    mine = TrustedPublisher.objects.filter(project__isnull=True, pending_normalized_name=normalized)
    if _duplicate(mine, values):
        raise ManageError(f"A pending publisher like this one is already registered for '{project_name}'.")
    publisher = TrustedPublisher.objects.create(
        pending_name=project_name.strip(), pending_normalized_name=normalized, added_by=user, **values
    )

    def count():
        by_user.hit(str(user.pk))
        if ip_address:
            by_ip.hit(ip_address)

    transaction.on_commit(count)
    notifications.account_event(
        user, "pending_publisher_added", project_name=publisher.pending_name, publisher=publisher.describe()
    )
    return publisher


@transaction.atomic
def pending_publisher_remove(*, publisher: TrustedPublisher, user: User) -> None:
    if not publisher.is_pending or publisher.added_by_id != user.pk:
        raise ManageError("This pending publisher is not yours.")
    publisher.delete()


# --- minting upload tokens ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class MintedUploadToken:
    raw: str
    expires: datetime
    publisher: TrustedPublisher


def token_mint(*, raw_jwt: str, ip_address: str | None = None) -> MintedUploadToken:
    """Trade a CI job's ID token for an upload token scoped to its publisher's project, valid 15 minutes.

    Raises TokenRefused (PyPI's error codes): `not-enabled`, `invalid-payload`, `invalid-token` (signature,
    `iss`, `aud`, `exp`, `nbf`, `iat`), `invalid-reuse-token` (a `jti` seen before), `invalid-publisher`
    (no publisher matches, naming the claim), `invalid-pending-publisher` (the project a pending publisher
    would create exists now). A refusal stores nothing.
    """
    if not issuers.enabled():
        raise TokenRefused("not-enabled", "trusted publishing functionality not enabled")
    token = verify(raw_jwt)  # reads the keys over HTTP: before any transaction is opened
    with transaction.atomic():
        publisher = matching.find_publisher(token)
        _remember_jti(token)
        if publisher.is_pending:
            publisher = _create_pending_project(publisher, ip_address=ip_address)
        _learn_owner_id(publisher, token.claims)
        now = timezone.now()
        # One token per CI run: the publisher's expired ones go, so they do not pile up.
        ApiToken.objects.filter(publisher=publisher, expires__lt=now).delete()
        raw = new_token()
        stamp = now.strftime("%Y-%m-%d %H:%M:%S")
        ApiToken.objects.create(
            user=None,
            publisher=publisher,
            project=publisher.project,
            description=f"Trusted publishing {stamp}: {publisher.describe()}"[:200],
            digest=token_digest(raw),
            expires=now + TOKEN_LIFETIME,
        )
    logger.info("upload token minted for %s (project %s)", publisher.describe(), publisher.project.name)
    return MintedUploadToken(raw=raw, expires=now + TOKEN_LIFETIME, publisher=publisher)


def _remember_jti(token) -> None:
    """A token is traded once: its `jti` is kept until it expires; a second use is refused."""
    jti = token.claims.get("jti")
    if jti is None:
        return
    UsedJwtId.objects.filter(expires__lt=timezone.now()).delete()
    expires = datetime.fromtimestamp(int(token.claims["exp"]), tz=UTC)
    try:
        with transaction.atomic():
            UsedJwtId.objects.create(issuer=token.issuer.name, jti=str(jti)[:255], expires=expires)
    except IntegrityError:
        raise TokenRefused(
            "invalid-reuse-token", "invalid token: already used (the claim 'jti' was seen before)"
        ) from None


def _learn_owner_id(publisher: TrustedPublisher, claims: dict) -> None:
    owner_id = str(claims.get("repository_owner_id") or "")
    if publisher.kind == PublisherKind.GITHUB and owner_id and not publisher.owner_id:
        TrustedPublisher.objects.filter(pk=publisher.pk).update(owner_id=owner_id[:40])


def _create_pending_project(pending: TrustedPublisher, *, ip_address: str | None) -> TrustedPublisher:
    """The first use of a pending publisher: its project, with the registering user as Owner."""
    user = pending.added_by
    decision = name_decision(pending.pending_name)
    if not decision.available or user is None or not user.is_active:
        reason = decision.reason if not decision.available else "the user who registered it is gone"
        raise TokenRefused("invalid-pending-publisher", f"valid token, but project already exists ({reason})")
    refusal = policy.flag_refusal(policy.FlagId.DISALLOW_NEW_PROJECT_REGISTRATION)
    if refusal:
        raise TokenRefused("invalid-payload", refusal)
    try:
        with transaction.atomic():
            project = Project.objects.create(
                name=pending.pending_name, normalized_name=pending.pending_normalized_name
            )
    except IntegrityError:  # another job of the same workflow created it a moment ago
        raise TokenRefused("invalid-pending-publisher", "valid token, but project already exists") from None
    Role.objects.create(user=user, project=project, role_name=RoleName.OWNER)
    discarded = list(
        TrustedPublisher.objects.filter(project__isnull=True, pending_normalized_name=project.normalized_name)
        .exclude(pk=pending.pk)
        .select_related("added_by")
    )
    TrustedPublisher.objects.filter(pk__in=[item.pk for item in discarded]).delete()
    TrustedPublisher.objects.filter(pk=pending.pk).update(
        project=project, pending_name="", pending_normalized_name=""
    )
    pending.project, pending.pending_name, pending.pending_normalized_name = project, "", ""
    journal_record(
        project,
        ("create", None),
        (f"add {RoleName.OWNER} {user.username}", None),
        (f"add trusted publisher {pending.describe()}"[:400], None),
        actor=user,
    )
    transaction.on_commit(
        lambda: signals.project_created.send(
            sender=Project, project_id=project.pk, user_id=user.pk, ip_address=ip_address
        )
    )
    notifications.project_event(project, "publisher_added", actor=user, publisher=pending.describe())
    for other in discarded:
        if other.added_by is not None and other.added_by_id != user.pk:
            notifications.account_event(
                other.added_by,
                "pending_publisher_discarded",
                project_name=project.name,
                publisher=other.describe(),
            )
    return pending
