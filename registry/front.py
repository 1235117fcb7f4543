"""The production front: Simple pages and `.metadata` files rendered to disk for nginx (deploy/nginx.conf).

With `WHARF_FRONT_DIR` set, every change has a worker render the project's Simple page and the Simple root
through Django itself (the WSGI handler, as a client of `WHARF_SITE_URL` would ask), so the files hold exactly
the bytes Django sends. nginx needs each answer's serial and ETag as well; they are in the name of the
directory a page's stable path links to, where `$realpath_root` reads them:

    <name>           -> .<name>.<serial>.<html ETag>.<JSON ETag>/   holding `p.html`, `p.v1html`, `p.json`
    _index           -> ._index.<serial>.<html ETag>.<JSON ETag>/
    _packages/<path>.metadata -> _blobs/<sha256 of the metadata>/   holding `m`

Links and versions sit side by side at the top of the directory because nginx resolves a page's link on
every request, one system call per directory of the path (bench/README.md, the front). `.<name>/` holds the
project's manifest and an empty file named after each version rendered, so that superseded versions are found
without listing the whole directory. A normalized name never starts with `_` or `.` and holds no `.`, so
no project's files can meet another's or these directories.

Only projects everyone may read get files (`registry.cdn.shareable`, the rule the CDN headers follow too);
anything else, and anything missing, makes nginx ask Django.

Nothing is served older than the database: `invalidate` removes a project's links (and the root's) inside
the transaction of the change, so that even a crash right after the commit leaves nginx asking Django, and
again after the commit, in case a render that read the older state linked its files in between; a render
links its files only for the serial it rendered, and unlinks them again if the database moved on meanwhile.
"""

import hashlib
import json
import os
import shutil
import tempfile
import time
from io import BytesIO
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler

from registry import cdn, storage
from registry.selectors import front_metadata_files, last_serial, project_get, project_serial

INDEX = "_index"
HTML = "text/html"
JSON = "application/vnd.pypi.simple.v1+json"
# Superseded versions are removed once nginx can no longer be reading them.
KEEP_OLD_SECONDS = 60
MANIFEST = "metadata.json"


def enabled() -> bool:
    return bool(settings.WHARF_FRONT_DIR)


def root() -> Path:
    return Path(settings.WHARF_FRONT_DIR)


def _link(name: str) -> Path:
    return root() / name


def _versions(name: str) -> Path:
    """The directory of a page's version records (and of a project's manifest)."""
    return root() / f".{name}"


def _version(name: str, tag: str) -> Path:
    """The directory of one rendered version of a page; `tag` is `<serial>.<html ETag>.<JSON ETag>`."""
    return root() / f".{name}.{tag}"


def _metadata_link(path: str) -> Path:
    return root() / "_packages" / f"{path}.metadata"


def invalidate(normalized_name: str) -> None:
    """Stop nginx serving the project's page, its `.metadata` files and the root: Django answers them."""
    if not enabled():
        return
    for name in (normalized_name, INDEX):
        _unlink(_link(name))
    for path in _manifest(normalized_name):
        _unlink(_metadata_link(path))


def render(normalized_name: str | None) -> bool:
    """Render the Simple page of `normalized_name` (None: the root) and link it; False when not linked.

    A page Django does not answer with 200 (a hidden or removed project) gets no files, and its links go.
    """
    if not enabled():
        return False  # queued while the front was on: with no directory set, `root()` is the working one
    name = normalized_name or INDEX
    if normalized_name is not None:
        project = project_get(name=normalized_name)
        if project is None or not cdn.shareable(project):
            invalidate(normalized_name)  # Django answers for it, as it answers anyone
            return False
    serial = last_serial() if normalized_name is None else project_serial(normalized_name=normalized_name)
    path = "/simple/" if normalized_name is None else f"/simple/{normalized_name}/"
    answers = {kind: _ask_django(path, accept) for kind, accept in (("html", HTML), ("json", JSON))}
    if serial is None or any(status != 200 for status, _headers, _body in answers.values()):
        invalidate(name) if normalized_name else _unlink(_link(INDEX))
        return False
    serials = {headers["X-PyPI-Last-Serial"] for _status, headers, _body in answers.values()}
    if serials != {str(serial)}:
        return False  # the database moved while rendering: the render queued by that change will do it
    tags = [headers["ETag"].strip('"') for _status, headers, _body in answers.values()]
    tag = f"{serial}.{tags[0]}.{tags[1]}"
    version = _version(name, tag)
    # The record first: a version on disk is always one `_forget_old` can find.
    (_ensure(_versions(name)) / tag).touch()
    if not version.exists():
        staging = _staging()
        for kind, (_status, _headers, body) in answers.items():
            (staging / f"p.{kind}").write_bytes(body)
        # nginx takes a file's type from its extension: the v1 HTML flavour is the same bytes by another name.
        os.link(staging / "p.html", staging / "p.v1html")
        os.replace(staging, version) if not version.exists() else shutil.rmtree(staging)
    if normalized_name is not None:
        _link_metadata(normalized_name)
    _replace_link(_link(name), version)
    now = serial if normalized_name is None else project_serial(normalized_name=normalized_name)
    if now != serial:
        _unlink(_link(name), only_to=version)
        return False
    _forget_old(name, current=tag)
    return True


def _link_metadata(normalized_name: str) -> None:
    """Give each wheel's `.metadata` of the project its link; drop the links of files gone since last time."""
    files = front_metadata_files(normalized_name=normalized_name)
    for path, sha256 in files:
        blob = root() / "_blobs" / sha256
        if not (blob / "m").exists():
            try:
                with storage.open_stored(f"{path}.metadata") as handle:
                    data = handle.read()
            except FileNotFoundError:
                continue  # storage lacks it (check_storage reports it): Django answers, with its 404
            if hashlib.sha256(data).hexdigest() != sha256:
                continue  # storage does not hold what the database says: Django will answer
            staging = _staging()
            (staging / "m").write_bytes(data)
            _ensure(blob.parent)
            os.replace(staging, blob) if not blob.exists() else shutil.rmtree(staging)
        _replace_link(_metadata_link(path), blob)
    current = {path for path, _sha256 in files}
    for path in set(_manifest(normalized_name)) - current:
        _unlink(_metadata_link(path))
    manifest = _ensure(_versions(normalized_name)) / MANIFEST
    staging = manifest.with_suffix(".tmp")
    staging.write_text(json.dumps(sorted(current)))
    os.replace(staging, manifest)


def _manifest(normalized_name: str) -> list[str]:
    try:
        return json.loads((_versions(normalized_name) / MANIFEST).read_text())
    except (FileNotFoundError, ValueError):
        return []


def _ask_django(path: str, accept: str) -> tuple[int, dict, bytes]:
    """Django's complete answer to an anonymous GET of `path` from a client of WHARF_SITE_URL."""
    site = urlsplit(settings.WHARF_SITE_URL)
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": site.hostname,
        "SERVER_PORT": str(site.port or (443 if site.scheme == "https" else 80)),
        "HTTP_HOST": site.netloc,
        "HTTP_ACCEPT": accept,
        "REMOTE_ADDR": "127.0.0.1",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "wsgi.input": BytesIO(),
        "wsgi.errors": BytesIO(),
        "wsgi.url_scheme": site.scheme,
        "wsgi.version": (1, 0),
        "wsgi.multithread": True,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }
    if site.scheme == "https":
        environ["HTTP_X_FORWARDED_PROTO"] = "https"
    started = {}

    def start_response(status, headers, exc_info=None):
        started["status"], started["headers"] = int(status.split()[0]), dict(headers)

    result = WSGIHandler()(environ, start_response)
    try:
        body = b"".join(result)
    finally:
        result.close()
    return started["status"], started["headers"], body


def _staging() -> Path:
    """A new directory on the front's file system, to be renamed into place whole; readable by nginx's user
    (mkdtemp makes it private)."""
    staging = Path(tempfile.mkdtemp(dir=_ensure(root() / "_staging")))
    staging.chmod(0o755)
    return staging


def _ensure(directory: Path) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    return directory


def _replace_link(link: Path, target: Path) -> None:
    """Point `link` at `target` in one step (rename over the old link), so nginx never sees it missing.

    The link is relative: resolving it (nginx's $realpath_root, on every request) then looks up only the
    few directories after the link, not every directory of the absolute path a second time.
    """
    _ensure(link.parent)
    staging = link.with_name(f".{link.name}.{os.getpid()}.{time.monotonic_ns()}")
    os.symlink(os.path.relpath(target, link.parent), staging)
    os.replace(staging, link)


def _unlink(link: Path, *, only_to: Path | None = None) -> None:
    try:
        if only_to is not None and os.readlink(link) != os.path.relpath(only_to, link.parent):
            return
        link.unlink()
    except FileNotFoundError:
        pass


def _forget_old(name: str, *, current: str) -> None:
    """Remove the page's versions other than `current` recorded more than KEEP_OLD_SECONDS ago."""
    cutoff = time.time() - KEEP_OLD_SECONDS
    for record in _versions(name).iterdir():
        if record.name not in (current, MANIFEST) and record.stat().st_mtime < cutoff:
            shutil.rmtree(_version(name, record.name), ignore_errors=True)
            record.unlink(missing_ok=True)
