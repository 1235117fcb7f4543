"""Which trusted publisher a verified ID token stands for, by the claims each kind of publisher names.

GitHub Actions: `repository` (owner/name) and `repository_owner`, `repository_owner_id` once learned, the
workflow file from `job_workflow_ref` (or `workflow_ref`: `owner/repo/.github/workflows/<file>@<ref>`),
`environment` when the publisher names one. GitLab CI/CD: `project_path` (namespace/project),
`ci_config_ref_uri` (`<host>/<namespace>/<project>//<file>@<ref>`), `environment`. Generic: each claim of
the publisher equals the token's. Names and paths compare without regard to case, as both forges treat them;
workflow file names exactly.

A refusal says which claim did not match, as the CI job can show its own claims beside it.
"""

from django.db.models import Q

from registry.enums import PublisherKind
from registry.models import TrustedPublisher
from registry.oidc.verify import TokenRefused, VerifiedToken

GITHUB_WORKFLOWS = "/.github/workflows/"


def no_publisher(reason: str) -> TokenRefused:
    return TokenRefused("invalid-publisher", f"valid token, but no corresponding publisher ({reason})")


def find_publisher(token: VerifiedToken) -> TrustedPublisher:
    """The publisher (of a project, else a pending one) `token` matches; TokenRefused naming the claim."""
    issuer, claims = token.issuer, token.claims
    candidates = _candidates(issuer.name, issuer.kind, claims)
    if not candidates:
        raise no_publisher(_identity_refusal(issuer.kind, claims))
    # Publishers of existing projects first; among equals, the oldest.
    candidates.sort(key=lambda publisher: (publisher.is_pending, publisher.created, publisher.pk))
    mismatches = []
    for publisher in candidates:
        mismatch = _mismatch(publisher, claims, issuer_host=issuer.host)
        if mismatch is None:
            return publisher
        mismatches.append(mismatch)
    raise no_publisher(mismatches[0])


def _claim(claims: dict, name: str) -> str:
    value = claims.get(name)
    return value if isinstance(value, str) else ""


def _candidates(issuer_name: str, kind: str, claims: dict) -> list[TrustedPublisher]:
    publishers = TrustedPublisher.objects.filter(issuer=issuer_name, kind=kind).select_related("project")
    if kind == PublisherKind.GITHUB:
        owner, _, repository = _claim(claims, "repository").partition("/")
        if not owner or not repository:
            return []
        publishers = publishers.filter(owner__iexact=owner, repository__iexact=repository)
    elif kind == PublisherKind.GITLAB:
        namespace, _, project = _claim(claims, "project_path").rpartition("/")
        if not namespace or not project:
            return []
        publishers = publishers.filter(owner__iexact=namespace, repository__iexact=project)
    return list(publishers.filter(Q(project__isnull=False) | ~Q(pending_name="")))


def _identity_refusal(kind: str, claims: dict) -> str:
    if kind == PublisherKind.GITHUB:
        repository = _claim(claims, "repository")
        return f"no trusted publisher is registered for the repository {repository!r} (claim 'repository')"
    if kind == PublisherKind.GITLAB:
        path = _claim(claims, "project_path")
        return f"no trusted publisher is registered for the project {path!r} (claim 'project_path')"
    return "no trusted publisher of this issuer is registered"


def _mismatch(publisher: TrustedPublisher, claims: dict, *, issuer_host: str) -> str | None:
    """None when `claims` satisfy `publisher`, else which claim did not."""
    if publisher.kind == PublisherKind.GITHUB:
        return _github_mismatch(publisher, claims)
    if publisher.kind == PublisherKind.GITLAB:
        return _gitlab_mismatch(publisher, claims, issuer_host)
    return _generic_mismatch(publisher, claims)


def _environment_mismatch(publisher: TrustedPublisher, claims: dict) -> str | None:
    if publisher.environment and _claim(claims, "environment").lower() != publisher.environment.lower():
        return (
            f"the claim 'environment' is {_claim(claims, 'environment')!r}, but the publisher expects "
            f"{publisher.environment!r}"
        )
    return None


def _github_mismatch(publisher: TrustedPublisher, claims: dict) -> str | None:
    owner = _claim(claims, "repository_owner")
    if owner.lower() != publisher.owner.lower():
        return f"the claim 'repository_owner' is {owner!r}, but the publisher expects {publisher.owner!r}"
    owner_id = str(claims.get("repository_owner_id") or "")
    if publisher.owner_id and owner_id != publisher.owner_id:
        return (
            f"the claim 'repository_owner_id' is {owner_id!r}, but the publisher was first used by owner id "
            f"{publisher.owner_id!r} (was the account re-created?)"
        )
    prefix = f"{publisher.owner}/{publisher.repository}{GITHUB_WORKFLOWS}{publisher.workflow}@".lower()
    refs = [_claim(claims, "job_workflow_ref"), _claim(claims, "workflow_ref")]
    if not any(ref.lower().startswith(prefix) for ref in refs):
        shown = refs[0] or refs[1]
        return (
            f"the claim 'job_workflow_ref' is {shown!r}, but the publisher expects the workflow "
            f"{publisher.workflow!r} of {publisher.owner}/{publisher.repository}"
        )
    return _environment_mismatch(publisher, claims)


def _gitlab_mismatch(publisher: TrustedPublisher, claims: dict, issuer_host: str) -> str | None:
    namespace = _claim(claims, "namespace_path")
    if namespace.lower() != publisher.owner.lower():
        return f"the claim 'namespace_path' is {namespace!r}, but the publisher expects {publisher.owner!r}"
    uri = _claim(claims, "ci_config_ref_uri")
    expected = f"{issuer_host}/{publisher.owner}/{publisher.repository}//".lower()
    path, at, _ref = uri.rpartition("@")
    if not at or not path.lower().startswith(expected) or path[len(expected) :] != publisher.workflow:
        return (
            f"the claim 'ci_config_ref_uri' is {uri!r}, but the publisher expects the CI file "
            f"{publisher.workflow!r} of {publisher.owner}/{publisher.repository}"
        )
    return _environment_mismatch(publisher, claims)


def _generic_mismatch(publisher: TrustedPublisher, claims: dict) -> str | None:
    for claim, expected in sorted(publisher.claims.items()):
        actual = claims.get(claim)
        if actual is None or str(actual) != expected:
            # Publishers of other projects share these candidates: say which claim, never what they expect.
            return f"the claim {claim!r} is {actual!r}, which no trusted publisher of this issuer expects"
    return None
