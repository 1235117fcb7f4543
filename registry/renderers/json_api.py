"""The JSON API documents (`/pypi/<name>/json`, `/pypi/<name>/<version>/json`) with PyPI's keys.

The keys are those of Warehouse's `legacy/api/json.py`; bandersnatch reads `info.name`, `last_serial` and
`releases`.
"""

import re

from packaging.version import Version

from registry.enums import ProjectStatus
from registry.models import File, Project, Release
from registry.renderers.simple import file_url
from registry.selectors import project_roles

NO_DOWNLOADS = {"last_day": -1, "last_week": -1, "last_month": -1}
# The keys `_info` writes (a test keeps the two in step).
INFO_KEYS = (
    "author",
    "author_email",
    "bugtrack_url",
    "classifiers",
    "description",
    "description_content_type",
    "docs_url",
    "download_url",
    "downloads",
    "dynamic",
    "home_page",
    "keywords",
    "license",
    "license_expression",
    "license_files",
    "maintainer",
    "maintainer_email",
    "name",
    "package_url",
    "platform",
    "project_url",
    "project_urls",
    "provides_extra",
    "release_url",
    "requires_dist",
    "requires_python",
    "summary",
    "version",
    "yanked",
    "yanked_reason",
)


def _or_none(value):
    return value if value not in ("", [], None) else None


def latest_release(releases: list[Release]) -> Release | None:
    """Not yanked first, then final releases, then the highest version (as Warehouse's JSON API)."""
    if not releases:
        return None
    return max(
        releases,
        key=lambda release: (not release.yanked, not release.is_prerelease, Version(release.version)),
    )


def _file_document(file: File, release: Release, files_base: str) -> dict:
    core_metadata = {"sha256": file.metadata_sha256_digest} if file.metadata_sha256_digest else False
    document = {
        "comment_text": file.comment_text,
        "core-metadata": core_metadata,
        "data-dist-info-metadata": core_metadata,
        "digests": {
            "blake2b_256": file.blake2_256_digest,
            "md5": file.md5_digest,
            "sha256": file.sha256_digest,
        },
        "downloads": -1,
        "filename": file.filename,
        "has_sig": False,
        "md5_digest": file.md5_digest,
        "packagetype": file.packagetype,
        "python_version": file.python_version,
        "requires_python": _or_none(release.requires_python),
        "size": file.size,
        "upload_time": file.upload_time.strftime("%Y-%m-%dT%H:%M:%S"),
        "upload_time_iso_8601": file.upload_time.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "url": file_url(files_base, file.path),
        "yanked": release.yanked,
        "yanked_reason": _or_none(release.yanked_reason),
    }
    if file.published_via:
        # Wharf's addition: the trusted publisher whose minted token uploaded the file.
        document["published_via"] = file.published_via
    return document


def _label_key(label: str) -> str:
    # PEP 753 label normalization: punctuation and whitespace removed, lower case.
    return re.sub(r"[^\w]|_", "", label).lower()


def _project_urls(release: Release) -> dict | None:
    urls: dict[str, str] = {}
    seen: set[str] = set()
    pairs = [("Homepage", release.home_page), ("Download", release.download_url), *release.project_urls]
    for label, url in pairs:
        if url and _label_key(label) not in seen:
            seen.add(_label_key(label))
            urls[label] = url
    return urls or None


def _info(project: Project, release: Release, site_base: str) -> dict:
    project_url = f"{site_base}/project/{project.normalized_name}/"
    return {
        "author": _or_none(release.author),
        "author_email": _or_none(release.author_email),
        "bugtrack_url": None,
        "classifiers": release.classifiers,
        "description": release.description,
        "description_content_type": _or_none(release.description_content_type),
        "docs_url": None,
        "download_url": _or_none(release.download_url),
        "downloads": NO_DOWNLOADS,
        "dynamic": _or_none(release.dynamic),
        "home_page": _or_none(release.home_page),
        "keywords": _or_none(release.keywords),
        "license": _or_none(release.license),
        "license_expression": _or_none(release.license_expression),
        "license_files": _or_none(release.license_files),
        "maintainer": _or_none(release.maintainer),
        "maintainer_email": _or_none(release.maintainer_email),
        "name": project.name,
        "package_url": project_url,
        "platform": _or_none(", ".join(release.platforms)),
        "project_url": project_url,
        "project_urls": _project_urls(release),
        "provides_extra": _or_none(release.provides_extra),
        "release_url": f"{project_url}{release.version}/",
        "requires_dist": _or_none(release.requires_dist),
        "requires_python": _or_none(release.requires_python),
        "summary": _or_none(release.summary),
        "version": release.version,
        "yanked": release.yanked,
        "yanked_reason": _or_none(release.yanked_reason),
    }


def project_document(
    *, project: Project, version: str | None, files_base: str, site_base: str
) -> dict | None:
    """The document for the latest release, or for `version` (a canonical version) when given.

    None when there is no such release. Beside PyPI's keys, a project that is not active says its PEP 792
    `project-status`; a quarantined project's document has no releases, files or metadata (mirrors learn the
    status and drop the files).
    """
    status = {"status": project.status}
    if not project.is_public:
        return None if version is not None else _withheld_document(project, site_base, status)
    releases = list(Release.objects.filter(project=project))
    if version is None:
        release = latest_release(releases)
    else:
        matching = [release for release in releases if release.canonical_version == version]
        release = matching[0] if matching else None
    if release is None:
        return None
    files_by_release: dict[int, list[File]] = {}
    for file in File.objects.filter(release__project=project).order_by("filename"):
        files_by_release.setdefault(file.release_id, []).append(file)
    document = {
        "info": _info(project, release, site_base),
        "last_serial": project.last_serial,
        "ownership": {
            "organization": None,
            "roles": [
                {"role": role.role_name, "user": role.user.username}
                for role in project_roles(project=project)
            ],
        },
        "urls": [_file_document(file, release, files_base) for file in files_by_release.get(release.pk, [])],
        "vulnerabilities": [],
    }
    if project.status != ProjectStatus.ACTIVE:
        document["project-status"] = status
    if version is None:
        ordered = sorted(releases, key=lambda item: Version(item.version))
        document["releases"] = {
            item.version: [
                _file_document(file, item, files_base) for file in files_by_release.get(item.pk, [])
            ]
            for item in ordered
        }
    return document


def _withheld_document(project: Project, site_base: str, status: dict) -> dict:
    """A project whose files are not offered: its name and status, the keys mirrors read, nothing else."""
    project_url = f"{site_base}/project/{project.normalized_name}/"
    info = dict.fromkeys(INFO_KEYS)
    info.update(name=project.name, package_url=project_url, project_url=project_url, downloads=NO_DOWNLOADS)
    return {
        "info": info,
        "last_serial": project.last_serial,
        "ownership": {"organization": None, "roles": []},
        "project-status": status,
        "releases": {},
        "urls": [],
        "vulnerabilities": [],
    }
