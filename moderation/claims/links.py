"""Signed links in the owners' contact emails: which claim, which owner; nothing else is trusted.

A link is a `django.core.signing` token (salted, timestamped) valid for WHARF_CLAIM_ANSWER_LINK_DAYS. Having
it proves the owner received the email at their account's address, which is what PEP 541's reachability
test asks; the owner does not need to log in (an owner of an abandoned project may have lost the password).
"""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core import signing

from moderation.claims.exceptions import InvalidAnswerLink

SALT = "wharf.claims.owner-answer"
ANSWER_PATH = "/claims/answer/"


@dataclass(frozen=True)
class AnswerLink:
    claim_id: int
    owner_id: int


def answer_token(*, claim_id: int, owner_id: int) -> str:
    return signing.dumps({"c": claim_id, "o": owner_id}, salt=SALT, compress=True)


def answer_url(*, claim_id: int, owner_id: int) -> str:
    """The absolute address an owner opens to answer (emails are rendered outside a request)."""
    return f"{settings.WHARF_SITE_URL}{ANSWER_PATH}{answer_token(claim_id=claim_id, owner_id=owner_id)}/"


def read_answer_token(token: str) -> AnswerLink:
    """The claim and owner a token names; InvalidAnswerLink when it is forged, damaged or too old."""
    max_age = timedelta(days=settings.WHARF_CLAIM_ANSWER_LINK_DAYS)
    try:
        data = signing.loads(token, salt=SALT, max_age=max_age)
    except signing.SignatureExpired:
        raise InvalidAnswerLink(
            "This answer link has expired; ask the administrators of this index to contact you again."
        ) from None
    except signing.BadSignature:
        raise InvalidAnswerLink(
            "This answer link is not valid; open the link from the email exactly."
        ) from None
    try:
        return AnswerLink(claim_id=int(data["c"]), owner_id=int(data["o"]))
    except (KeyError, TypeError, ValueError):
        raise InvalidAnswerLink(
            "This answer link is not valid; open the link from the email exactly."
        ) from None
