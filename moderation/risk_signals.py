"""Pure pieces of risk scoring (no database): email domains, README links, archive contents, name distance.

The weights live here too, so the whole scoring scheme reads in one place. A score is the sum of the weights
of the signals found; `moderation.services.risk` finds them and acts on the thresholds (settings
WHARF_RISK_REPORT_THRESHOLD, WHARF_RISK_QUARANTINE_THRESHOLD).
"""

import hashlib
import re
import tarfile
import zipfile
from dataclasses import dataclass
from datetime import timedelta
from typing import IO
from urllib.parse import urlsplit

from disposable_email_domains import blocklist as DISPOSABLE_DOMAINS

from moderation.enums import RiskSignalKind as Kind

# Weight of each signal. One strong signal (a prohibited domain, a known spam domain) reaches the report
# threshold (50) alone; weaker ones need company. Nothing reaches the quarantine threshold (90) alone.
WEIGHTS = {
    Kind.PROHIBITED_EMAIL_DOMAIN: 50,
    Kind.DISPOSABLE_EMAIL_DOMAIN: 30,
    Kind.SIGNUP_BURST_IP: 20,
    Kind.PROJECT_BURST_USER: 20,
    Kind.PROJECT_BURST_IP: 20,
    Kind.NEAR_EMPTY_ARCHIVE: 15,
    Kind.README_MOSTLY_LINKS: 20,
    Kind.README_SPAM_DOMAIN: 50,
    Kind.SHARED_DESCRIPTION: 25,
    Kind.NAME_CLOSE_TO_POPULAR: 30,
}

# "Many in a short window": this many new projects (or sign-ups) within BURST_WINDOW.
BURST_WINDOW = timedelta(hours=1)
PROJECT_BURST_PER_USER = 5
PROJECT_BURST_PER_IP = 10
SIGNUP_BURST_PER_IP = 5
# "Shared description": the same README as at least this many other projects created within the window.
SHARED_DESCRIPTION_WINDOW = timedelta(days=7)
SHARED_DESCRIPTION_OTHERS = 2
# A README shorter than this (after normalizing) is too generic to count as shared.
SHARED_DESCRIPTION_MIN_LENGTH = 40
# "Near-empty": fewer bytes than this outside the packaging metadata.
NEAR_EMPTY_BYTES = 128
# "Mostly links": at least this many links, making up at least this share of the README's text.
MOSTLY_LINKS_MIN = 3
MOSTLY_LINKS_SHARE = 0.4


@dataclass(frozen=True)
class Signal:
    kind: str
    reason: str

    @property
    def weight(self) -> int:
        return WEIGHTS[self.kind]


# --- email domains -----------------------------------------------------------------------------------------


def email_domain(email: str) -> str:
    return email.rpartition("@")[2].strip().lower().rstrip(".")


def parent_domains(domain: str) -> list[str]:
    """`a.b.example.com` → [`a.b.example.com`, `b.example.com`, `example.com`] (never the bare TLD)."""
    labels = domain.split(".")
    return [".".join(labels[i:]) for i in range(len(labels) - 1)] or [domain]


def is_disposable(domain: str) -> bool:
    """Whether the domain, or a parent of it, is on the `disposable-email-domains` blocklist (PyPI's)."""
    return any(candidate in DISPOSABLE_DOMAINS for candidate in parent_domains(domain))


# --- README ------------------------------------------------------------------------------------------------

_URL_RE = re.compile(r"""(?:https?://|www\.)[^\s<>()\[\]"'`]+""", re.IGNORECASE)


def links_in(text: str) -> list[str]:
    return _URL_RE.findall(text or "")


def link_host(url: str) -> str:
    if url.lower().startswith("www."):
        url = "http://" + url
    try:
        return (urlsplit(url).hostname or "").lower().rstrip(".")
    except ValueError:
        return ""


def mostly_links(text: str) -> tuple[bool, int, float]:
    """(whether the README is mostly links, how many, their share of its non-space characters)."""
    links = links_in(text)
    visible = len("".join((text or "").split()))
    share = sum(len(link) for link in links) / visible if visible else 0.0
    return len(links) >= MOSTLY_LINKS_MIN and share >= MOSTLY_LINKS_SHARE, len(links), share


def spam_links(text: str, spam_domains: set[str]) -> list[str]:
    """The hosts of links that point at one of `spam_domains` or a subdomain of one."""
    found = []
    for link in links_in(text):
        host = link_host(link)
        if host and any(candidate in spam_domains for candidate in parent_domains(host)):
            found.append(host)
    return sorted(set(found))


def link_domains(text: str) -> list[str]:
    """Every domain a link of `text` is on or under (`a.example.com` gives it and `example.com`): the only
    entries of a domain list that `spam_links` can match."""
    return sorted(
        {parent for link in links_in(text) if (host := link_host(link)) for parent in parent_domains(host)}
    )


def description_digest(text: str) -> str:
    """A digest of the README that ignores case and whitespace; empty for READMEs too short to compare."""
    normalized = " ".join((text or "").lower().split())
    if len(normalized) < SHARED_DESCRIPTION_MIN_LENGTH:
        return ""
    return hashlib.sha256(normalized.encode()).hexdigest()


# --- archives ----------------------------------------------------------------------------------------------

# Files every distribution carries whatever it contains: they do not count as content.
_SDIST_BOILERPLATE = re.compile(
    r"(?i)(?:pkg-info|setup\.py|setup\.cfg|pyproject\.toml|manifest\.in|(?:readme|license|licence|copying|"
    r"changelog|changes)(?:\.[a-z]+)?)\Z"
)


def archive_payload(handle: IO[bytes], *, filename: str) -> tuple[int, int]:
    """(number of content files, their uncompressed bytes) in a wheel or sdist, packaging metadata aside.

    Raises ValueError for an archive that cannot be read (uploads were validated, so this means damage).
    """
    try:
        if filename.endswith((".whl", ".zip")):
            with zipfile.ZipFile(handle) as archive:
                members = [
                    (info.filename, info.file_size)
                    for info in archive.infolist()
                    if not info.is_dir()
                    and ".dist-info/" not in info.filename
                    and ".egg-info/" not in info.filename
                    and not _SDIST_BOILERPLATE.match(info.filename.rsplit("/", 1)[-1])
                ]
        else:
            with tarfile.open(fileobj=handle, mode="r:*") as archive:
                members = [
                    (info.name, info.size)
                    for info in archive.getmembers()
                    if info.isfile()
                    and ".egg-info/" not in info.name
                    and not _SDIST_BOILERPLATE.match(info.name.rsplit("/", 1)[-1])
                ]
    except (zipfile.BadZipFile, tarfile.TarError, OSError, EOFError) as error:
        raise ValueError(str(error)) from None
    return len(members), sum(size for _, size in members)


# --- names -------------------------------------------------------------------------------------------------


def squash(normalized_name: str) -> str:
    """The name without separators: `python-dateutil` → `pythondateutil`."""
    return normalized_name.replace("-", "")


def edit_distance(a: str, b: str, *, limit: int = 2) -> int:
    """Damerau-Levenshtein distance (optimal string alignment), or `limit + 1` once it exceeds `limit`.

    One edit covers the typo-squatter's usual moves: a repeated, omitted, swapped or replaced character.
    """
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, char_b in enumerate(b, 1):
            cost = char_a != char_b
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and char_a == b[j - 2] and a[i - 2] == char_b:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]


def close_to(normalized_name: str, popular: list[tuple[str, str]]) -> str | None:
    """The popular project (display name) that `normalized_name` imitates, or None.

    `popular` holds (normalized name, display name). A name imitates one at edit distance 1 of it without
    separators (2 for names of 10 characters or more), or one with the same words in another order
    (`stream-event` for `event-stream`). Names under 4 characters are too short to tell.
    """
    name = squash(normalized_name)
    words = sorted(normalized_name.split("-"))
    if len(name) < 4:
        return None
    for other_normalized, other_name in popular:
        other = squash(other_normalized)
        if other_normalized == normalized_name or len(other) < 4:
            continue
        limit = 2 if min(len(name), len(other)) >= 10 else 1
        if edit_distance(name, other, limit=limit) <= limit:
            return other_name
        if len(words) > 1 and words == sorted(other_normalized.split("-")):
            return other_name
    return None
