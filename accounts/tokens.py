"""API token format: `wharf-` followed by 256 bits of randomness, stored only as a SHA-256 hex digest.

The fixed prefix lets secret scanners recognise leaked tokens; the digest lets upload look a token up with
one indexed query without ever storing it.
"""

import base64
import binascii
import hashlib
import secrets

from accounts.exceptions import TokenRejected

TOKEN_PREFIX = "wharf-"  # noqa: S105 (the public prefix)
# HTTP Basic credentials carry a token as the password of this user name (as twine sends it).
TOKEN_USERNAME = "__token__"  # noqa: S105 (a user name)
INVALID_AUTH = "Invalid or non-existent authentication information."
USERNAME_LOGIN_REFUSED = (
    "Username/Password authentication is no longer supported. Migrate to API Tokens instead."
)


def new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def token_digest(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()


def looks_like_token(raw: str) -> bool:
    return raw.startswith(TOKEN_PREFIX) and 20 < len(raw) < 200


def token_from_authorization(authorization: str) -> str:
    """The token an `Authorization` header carries: Basic `__token__:<token>`, or `Bearer`/`token <token>`.

    The one parser of credentials for every door (uploads and the REST API). Raises TokenRejected with
    INVALID_AUTH for a missing or malformed header, USERNAME_LOGIN_REFUSED for Basic with another user name.
    """
    scheme, _, credentials = authorization.strip().partition(" ")
    scheme = scheme.lower()
    if scheme in ("token", "bearer"):
        return credentials.strip()
    if scheme != "basic":
        raise TokenRejected(INVALID_AUTH)
    try:
        decoded = base64.b64decode(credentials.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        raise TokenRejected(INVALID_AUTH) from None
    username, _, raw = decoded.partition(":")
    if username != TOKEN_USERNAME:
        raise TokenRejected(USERNAME_LOGIN_REFUSED)
    return raw
