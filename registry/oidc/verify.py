"""Verifying an ID token: the issuer from its `iss`, the signature against that issuer's keys, then `iss`,
`aud`, `exp`, `nbf` and `iat` (PyJWT, with a small leeway for clock skew). Every refusal names the claim.
"""

from dataclasses import dataclass

import jwt

from registry.oidc import issuers, jwks
from registry.oidc.issuers import Issuer

LEEWAY_SECONDS = 30
MAX_TOKEN_LENGTH = 16 * 1024
# Asymmetric algorithms only: a shared-secret (HS*) or unsigned (`none`) token can never verify.
ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"]


class TokenRefused(Exception):
    """An ID token refused; `code` is PyPI's error code for the 422 answer, `description` says why."""

    def __init__(self, code: str, description: str):
        super().__init__(description)
        self.code = code
        self.description = description


@dataclass(frozen=True)
class VerifiedToken:
    issuer: Issuer
    claims: dict


def invalid(detail: str) -> TokenRefused:
    return TokenRefused("invalid-token", f"malformed or invalid token: {detail}")


def verify(raw: str) -> VerifiedToken:
    """The issuer and claims of the signed ID token `raw`; TokenRefused when anything is wrong."""
    if not raw or len(raw) > MAX_TOKEN_LENGTH:
        raise TokenRefused("invalid-payload", "malformed JWT")
    try:
        header = jwt.get_unverified_header(raw)
        unverified = jwt.decode(raw, options={"verify_signature": False})
    except jwt.PyJWTError:
        raise TokenRefused("invalid-payload", "malformed JWT") from None
    iss = unverified.get("iss")
    issuer = issuers.by_url(iss) if isinstance(iss, str) else None
    if issuer is None:
        raise TokenRefused(
            "invalid-payload", f"unknown trusted publishing issuer (the claim 'iss' is {iss!r})"
        )
    kid = header.get("kid")
    try:
        key = jwks.signing_key(issuer, kid if isinstance(kid, str) else None)
    except jwks.KeysUnavailable as error:
        raise invalid(f"the signing keys of issuer '{issuer.name}' are unavailable ({error})") from None
    if key is None:
        raise invalid(
            f"the signing key {kid!r} (header 'kid') is not in the key set of issuer '{issuer.name}'"
        )
    try:
        claims = jwt.decode(
            raw,
            key=key,
            algorithms=ALGORITHMS,
            audience=issuer.audience,
            issuer=issuer.url,
            leeway=LEEWAY_SECONDS,
            options={"require": ["iss", "aud", "exp", "iat"], "strict_aud": False},
        )
    except jwt.PyJWTError as error:
        raise invalid(_reason(error, unverified, issuer)) from None
    return VerifiedToken(issuer=issuer, claims=claims)


def _reason(error: jwt.PyJWTError, unverified: dict, issuer: Issuer) -> str:
    if isinstance(error, jwt.ExpiredSignatureError):
        return f"the token expired (the claim 'exp' is {unverified.get('exp')!r}, in the past)"
    if isinstance(error, jwt.ImmatureSignatureError):
        claim = "nbf" if "nbf" in str(error) else "iat"
        return f"the token is not valid yet (the claim '{claim}' is {unverified.get(claim)!r}, in the future)"
    if isinstance(error, jwt.InvalidAudienceError):
        return f"the claim 'aud' is {unverified.get('aud')!r}, but this index expects {issuer.audience!r}"
    if isinstance(error, jwt.InvalidIssuerError):
        return f"the claim 'iss' is {unverified.get('iss')!r}, but the issuer is {issuer.url!r}"
    if isinstance(error, jwt.InvalidIssuedAtError):
        return f"the claim 'iat' is {unverified.get('iat')!r}, not a time"
    if isinstance(error, jwt.MissingRequiredClaimError):
        return f"the token has no '{error.claim}' claim"
    if isinstance(error, jwt.InvalidSignatureError):
        return f"the signature does not verify with the key of issuer '{issuer.name}'"
    if isinstance(error, jwt.InvalidAlgorithmError):
        return "the token is not signed with an asymmetric algorithm this index accepts"
    return str(error) or "the token cannot be decoded"
