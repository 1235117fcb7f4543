"""Who is uploading: the API token in the Authorization header (PROTOCOLS.md §1.3)."""

import base64
import binascii

from accounts.exceptions import TokenRejected
from accounts.models import ApiToken
from accounts.services import INVALID_AUTH, token_authenticate
from registry.exceptions import UploadNotPermitted

CREDENTIALS_REFUSED = (
    "Username/Password authentication is no longer supported. Migrate to API Tokens instead. "
    "See /help/#apitoken for more information."
)


def upload_token(authorization: str) -> ApiToken:
    """The token of an `Authorization` header: Basic `__token__:<token>`, or `token`/`bearer <token>`.

    Raises UploadNotPermitted with PyPI's message for a missing header, a username other than
    `__token__`, or a token that does not authenticate.
    """
    scheme, _, credentials = authorization.strip().partition(" ")
    scheme = scheme.lower()
    if scheme == "basic":
        try:
            decoded = base64.b64decode(credentials.strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            raise UploadNotPermitted(_invalid()) from None
        username, _, raw = decoded.partition(":")
        if username != "__token__":
            raise UploadNotPermitted(CREDENTIALS_REFUSED)
    elif scheme in ("token", "bearer"):
        raw = credentials
    else:
        raise UploadNotPermitted(_invalid())
    try:
        return token_authenticate(raw)
    except TokenRejected as error:
        message = _invalid() if error.message == INVALID_AUTH else error.message
        raise UploadNotPermitted(message) from None


def _invalid() -> str:
    return f"{INVALID_AUTH} See /help/#invalid-auth for more information."
