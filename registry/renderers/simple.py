"""The Simple Repository API (PEP 503/691/658/714/700/592) as data, rendered to HTML or JSON.

One context per page feeds both representations, as in Warehouse's `api/simple.py`.
"""

import html
import json
import re
from urllib.parse import quote

from django.db import connection
from django.db.models import CharField, F, Func
from packaging.version import Version

from registry.models import File, Project

API_VERSION = "1.4"
HTML = "text/html"
V1_HTML = "application/vnd.pypi.simple.v1+html"
V1_JSON = "application/vnd.pypi.simple.v1+json"
# Server preference for ties (Warehouse's `api/simple.py`); `latest` aliases resolve to v1 (PEP 691).
OFFERS = (HTML, V1_HTML, V1_JSON)
ALIASES = {
    "application/vnd.pypi.simple.latest+html": V1_HTML,
    "application/vnd.pypi.simple.latest+json": V1_JSON,
}


QVALUE_RE = re.compile(r"(?:0(?:\.[0-9]{0,3})?|1(?:\.0{0,3})?)\Z")


def negotiate(accept: str, format_param: str = "") -> str:
    """The media type to answer with: the `format` query parameter, else the best `Accept` match by q-value.

    Ties keep the server's order; no match at all falls back to HTML rather than 406.
    """
    if format_param:
        chosen = ALIASES.get(format_param, format_param)
        if chosen in OFFERS:
            return chosen
    q, _, offer = max((_quality(accept, offer), -position, offer) for position, offer in enumerate(OFFERS))
    return offer if q > 0 else HTML


def _quality(accept: str, offer: str) -> float:
    """The q-value `accept` gives `offer`, the most specific matching range winning."""
    offer_type = offer.split("/")[0]
    found, specificity = 0.0, -1
    for part in accept.split(","):
        media, *params = (piece.strip() for piece in part.split(";"))
        media = ALIASES.get(media.lower(), media.lower())
        if "/" not in media:
            continue
        kind, sub = media.split("/", 1)
        if media == offer:
            rank = 2
        elif kind == offer_type and sub == "*":
            rank = 1
        elif media == "*/*":
            rank = 0
        else:
            continue
        q = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                # Outside RFC 9110's grammar (`q=2`, `q=nan`, `q=-1`) the range counts for nothing.
                value = value.strip()
                q = float(value) if QVALUE_RE.match(value) else 0.0
        if rank > specificity:
            found, specificity = q, rank
    return found


def file_url(files_base: str, path: str) -> str:
    return f"{files_base}/packages/{quote(path)}"


class UploadTimeText(Func):
    """A file's upload time as PEP 700 writes it (UTC, microseconds, `Z`), formatted by PostgreSQL.

    Django reads each timestamptz into a datetime in Python (its loader replaces psycopg's compiled one):
    for a 1,000-file page that and formatting the datetime back took 5-6 ms, the text from the server
    nothing worth measuring.
    """

    template = "to_char(%(expressions)s AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')"
    output_field = CharField()


def upload_time_text(uploaded) -> str:
    """PEP 700's upload time: the text UploadTimeText made, or (SQLite) formatted from the datetime."""
    if isinstance(uploaded, str):
        return uploaded
    # isoformat is ten times faster than strftime here.
    return uploaded.isoformat(timespec="microseconds")[:26] + "Z"


def project_context(*, project: Project, files_base: str) -> dict:
    """The PEP 691 JSON document of one project; the HTML page renders the same data.

    `project-status` is the PEP 792 status (active, archived or quarantined; docs/decisions/
    0006-quarantine-status.md); a quarantined project lists no versions and no files.
    """
    # Only public projects offer files (PEP 792: a quarantined one is shown with its status, and nothing).
    rows = File.objects.filter(release__project=project) if project.is_public else File.objects.none()
    uploaded = UploadTimeText("upload_time") if connection.vendor == "postgresql" else F("upload_time")
    rows = rows.values_list(
        "filename",
        "path",
        "sha256_digest",
        "size",
        uploaded,
        "metadata_sha256_digest",
        "release__version",
        "release__requires_python",
        "release__yanked",
        "release__yanked_reason",
    )
    files = []
    versions = {}
    for (
        filename,
        path,
        sha256,
        size,
        uploaded,
        metadata_sha256,
        version,
        requires_python,
        yanked,
        reason,
    ) in rows:
        key = versions.get(version)
        if key is None:  # parsed once per release, not once per file
            key = versions[version] = Version(version)
        metadata = {"sha256": metadata_sha256} if metadata_sha256 else False
        files.append(
            (
                (key, filename),
                {
                    "filename": filename,
                    "url": file_url(files_base, path),
                    "hashes": {"sha256": sha256},
                    "requires-python": requires_python or None,
                    "size": size,
                    "upload-time": upload_time_text(uploaded),
                    "yanked": (reason or True) if yanked else False,
                    "data-dist-info-metadata": metadata,
                    "core-metadata": metadata,
                    "provenance": None,
                },
            )
        )
    files.sort(key=lambda item: item[0])
    return {
        "meta": {"api-version": API_VERSION, "_last-serial": project.last_serial},
        "name": project.normalized_name,
        "project-status": {"status": project.status},
        "versions": [str(version) for version in sorted(versions, key=versions.__getitem__)],
        "files": [file for _, file in files],
    }


def index_context(*, projects, serial: int) -> dict:
    """The PEP 691 JSON document of the whole index; `projects` yields (name, normalized, last_serial)."""
    return {
        "meta": {"api-version": API_VERSION, "_last-serial": serial},
        "projects": [{"name": name, "_last-serial": last} for name, _normalized, last in projects],
        "_normalized": [normalized for _name, normalized, _last in projects],
    }


def render_json(context: dict) -> bytes:
    public = {key: value for key, value in context.items() if not key.startswith("_")}
    return json.dumps(public, separators=(",", ":")).encode()


def render_project_html(context: dict) -> bytes:
    name = html.escape(context["name"])
    lines = [
        "<!DOCTYPE html>",
        "<html>",
        "  <head>",
        f'    <meta name="pypi:repository-version" content="{API_VERSION}">',
        f'    <meta name="pypi:project-status" content="{context["project-status"]["status"]}">',
        f"    <title>Links for {name}</title>",
        "  </head>",
        "  <body>",
        f"    <h1>Links for {name}</h1>",
    ]
    for file in context["files"]:
        attributes = [f'href="{html.escape(file["url"])}#sha256={file["hashes"]["sha256"]}"']
        if file["requires-python"]:
            attributes.append(f'data-requires-python="{html.escape(file["requires-python"])}"')
        if file["yanked"] is not False:
            reason = "" if file["yanked"] is True else file["yanked"]
            attributes.append(f'data-yanked="{html.escape(reason)}"')
        if file["core-metadata"]:
            digest = f"sha256={file['core-metadata']['sha256']}"
            attributes.append(f'data-dist-info-metadata="{digest}" data-core-metadata="{digest}"')
        lines.append(f"    <a {' '.join(attributes)}>{html.escape(file['filename'])}</a><br />")
    lines += ["  </body>", "</html>", f"<!--SERIAL {context['meta']['_last-serial']}-->", ""]
    return "\n".join(lines).encode()


def render_index_html(context: dict) -> bytes:
    lines = [
        "<!DOCTYPE html>",
        "<html>",
        "  <head>",
        f'    <meta name="pypi:repository-version" content="{API_VERSION}">',
        "    <title>Simple index</title>",
        "  </head>",
        "  <body>",
    ]
    for project, normalized in zip(context["projects"], context["_normalized"], strict=True):
        lines.append(f'    <a href="/simple/{normalized}/">{html.escape(project["name"])}</a>')
    lines += ["  </body>", "</html>", ""]
    return "\n".join(lines).encode()
