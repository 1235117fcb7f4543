"""The OpenID Connect issuers an operator trusts (WHARF_OIDC_ISSUERS), as `Issuer` values."""

from dataclasses import dataclass

from django.conf import settings

from registry.enums import PublisherKind

# Where each kind's public issuer lives; the form and the docs suggest it, a self-hosted one sets its own.
PUBLIC_ISSUERS = {
    PublisherKind.GITHUB: "https://token.actions.githubusercontent.com",
    PublisherKind.GITLAB: "https://gitlab.com",
}


@dataclass(frozen=True)
class Issuer:
    name: str
    url: str  # the tokens' `iss`, exactly
    audience: str
    kind: str
    jwks_url: str = ""  # empty: found through the issuer's OpenID discovery document

    @property
    def host(self) -> str:
        """The issuer URL without its scheme: GitLab's `ci_config_ref_uri` starts with it."""
        return self.url.split("://", 1)[-1].rstrip("/")


def configured() -> list[Issuer]:
    return [
        Issuer(
            name=entry["name"],
            url=entry["issuer"],
            audience=entry["audience"],
            kind=entry["kind"],
            jwks_url=entry.get("jwks_url") or "",
        )
        for entry in settings.WHARF_OIDC_ISSUERS
    ]


def enabled() -> bool:
    return bool(settings.WHARF_OIDC_ISSUERS)


def by_url(url: str) -> Issuer | None:
    """The issuer whose `iss` is `url` (compared exactly, as the token will be)."""
    return next((issuer for issuer in configured() if issuer.url == url), None)


def by_name(name: str) -> Issuer | None:
    return next((issuer for issuer in configured() if issuer.name == name), None)


def audience() -> str | None:
    """What `GET /_/oidc/audience` answers: the first issuer's audience (list it first, or give every issuer
    the same one, as CI asks for a token before it says which issuer it is)."""
    issuers = configured()
    return issuers[0].audience if issuers else None
