"""API token format: `wharf-` followed by 256 bits of randomness, stored only as a SHA-256 hex digest.

The fixed prefix lets secret scanners recognise leaked tokens; the digest lets upload look a token up with
one indexed query without ever storing it.
"""

import hashlib
import secrets

TOKEN_PREFIX = "wharf-"  # noqa: S105 (the public prefix)


def new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def token_digest(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()


def looks_like_token(raw: str) -> bool:
    return raw.startswith(TOKEN_PREFIX) and 20 < len(raw) < 200
