"""The upload service: one entry, `upload_submit`, runs every step and gate of an upload in order.

Whatever door an upload comes through (the legacy API today), the caller hands over the `Authorization`
header and a way to receive the body, and gets every gate: the admin flags, the token, then receiving,
parsing, authorizing, validating and publishing. The steps:

- `uploads_open`: read-only mode (503) and an upload freeze (403) refuse before anything else;
- `upload_token`: the API token of the `Authorization` header (403 with PyPI's messages);
- `receive()`: the body streams to a temporary file (`registry.upload.streaming`);
- `parse_upload_request` / `validate_distribution`: the pure pipeline (`registry.upload.pipeline`);
- `upload_authorize`: the identity-dependent checks (PyPI's order: before any time is spent on the file);
- `upload_publish`: the remaining database checks, then storage, rows and journal at once.

Nothing is written unless every check passed: files are stored first, under a storage intent committed
before them, and removed again if the transaction fails, so a refused upload leaves no row and no file
behind, and a crashed one nothing the intents sweep does not find (`registry.services.intents`).
"""

import hashlib
import logging
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from accounts.enums import TokenPermission
from accounts.exceptions import TokenRejected
from accounts.models import ApiToken, User
from accounts.services import has_two_factor, token_authenticate, token_mark_used, token_permission_refusal
from accounts.tokens import INVALID_AUTH, USERNAME_LOGIN_REFUSED, token_from_authorization
from common.sql import sql
from moderation import policy
from registry import killpoints, ratelimits, signals, storage
from registry.enums import PackageType, ProjectStatus, RoleName
from registry.exceptions import IndexReadOnly, InvalidUpload, NameConflict, UploadNotPermitted
from registry.models import File, Project, Release, Role, TrustedPublisher, UsedFilename
from registry.names import normalize
from registry.selectors import project_with_role
from registry.services.intents import intent_abandon, intent_fulfil, intent_open
from registry.services.journal import journal_record
from registry.services.projects import check_new_project_name
from registry.upload.pipeline import (
    UploadRequest,
    ValidatedUpload,
    parse_upload_request,
    validate_distribution,
)
from registry.upload.streaming import ReceivedUpload

logger = logging.getLogger(__name__)

FILE_REUSE_HELP = "See /help/#file-name-reuse for more information."
# Tries at recording an upload while concurrent uploads keep creating its project or release first.
RACE_ATTEMPTS = 3


@dataclass(frozen=True)
class UploadTarget:
    """Where an authorized upload goes: an existing project, or a new one named `name`.

    `user` is None, and `publisher` set, for a token minted by trusted publishing.
    """

    user: User | None
    token: ApiToken
    project: Project | None
    name: str
    max_file_size: int
    max_project_size: int
    publisher: TrustedPublisher | None = None


@dataclass(frozen=True)
class UploadResult:
    file: File
    created: bool  # False when an identical file was already there (a no-op re-upload)


def upload_submit(
    *,
    authorization: str,
    receive: Callable[[], AbstractContextManager[ReceivedUpload]],
    ip_address: str | None = None,
    user_agent: str = "",
) -> UploadResult:
    """Upload one distribution file: the one entry every caller uses (see the module docstring).

    `authorization` is the request's `Authorization` header; `receive()` opens the body once the flags and
    the token allowed the upload (its temporary file is removed when the block ends). Raises UploadError
    subclasses, each with one sentence for the uploader: IndexReadOnly (503), UploadNotPermitted (403),
    InvalidUpload (400), UploadActionGone (410), NameConflict (409), RateLimited (429).
    """
    uploads_open()
    token = upload_token(authorization)
    ratelimits.take_upload(token_id=token.pk)
    with receive() as received:
        request = parse_upload_request(received)
        target = upload_authorize(token=token, request=request, ip_address=ip_address)
        upload = validate_distribution(
            request=request, file=received.file, max_file_size=target.max_file_size
        )
        return upload_publish(target=target, upload=upload, user_agent=user_agent, ip_address=ip_address)


def uploads_open() -> None:
    """Raise unless the admin flags allow uploads: read-only mode (IndexReadOnly), an upload freeze."""
    flags = policy.active_flags()  # one cache read for both flags
    if policy.FlagId.READ_ONLY in flags:
        raise IndexReadOnly(flags[policy.FlagId.READ_ONLY].message)
    if policy.FlagId.DISALLOW_NEW_UPLOAD in flags:
        raise UploadNotPermitted(flags[policy.FlagId.DISALLOW_NEW_UPLOAD].message)


# What an uploader reads when the credentials are refused: PyPI's sentences with a pointer to the help page.
_CREDENTIALS_HELP = {
    INVALID_AUTH: f"{INVALID_AUTH} See /help/#invalid-auth for more information.",
    USERNAME_LOGIN_REFUSED: f"{USERNAME_LOGIN_REFUSED} See /help/#apitoken for more information.",
}


def upload_token(authorization: str) -> ApiToken:
    """The live API token of an `Authorization` header, if it has the `upload` permission; UploadNotPermitted
    with PyPI's message if there is none, naming the permission if it lacks it."""
    try:
        token = token_authenticate(token_from_authorization(authorization), allow_publisher=True)
    except TokenRejected as error:
        raise UploadNotPermitted(_CREDENTIALS_HELP.get(error.message, error.message)) from None
    if not token.allows(TokenPermission.UPLOAD):
        raise UploadNotPermitted(token_permission_refusal(TokenPermission.UPLOAD))
    return token


def upload_authorize(
    *, token: ApiToken, request: UploadRequest, ip_address: str | None = None
) -> UploadTarget:
    """Check that the token's user may upload this request's project, creating it if it is new.

    Raises UploadNotPermitted (403), InvalidUpload (400), RateLimited (429: too many new projects from this
    user or `ip_address`) and the name-policy errors of new projects.
    """
    if token.publisher_id is not None:
        return _publisher_target(token, request)
    user = token.user
    project = project_with_role(name=request.name, user=user)
    if project is None:
        try:
            return _new_project_target(token, request, ip_address)
        except NameConflict:
            # Another upload (this project's sdist and wheels sent at once) created it a moment ago.
            project = project_with_role(name=request.name, user=user)
            if project is None:
                raise
    if token.project_id is not None and token.project_id != project.pk:
        raise UploadNotPermitted(
            f"Invalid API Token: project-scoped token is not valid for project: '{project.normalized_name}'"
        )
    if project.user_role is None:
        raise UploadNotPermitted(
            f"The user '{user.username}' isn't allowed to upload to project '{project.name}'. "
            "See /help/#project-name for more information."
        )
    _check_status(project)
    _check_account(token)
    return _existing_project_target(token, project)


def _existing_project_target(token: ApiToken, project: Project, publisher=None) -> UploadTarget:
    return UploadTarget(
        user=token.user,
        token=token,
        project=project,
        name=project.name,
        max_file_size=max(settings.WHARF_MAX_FILE_SIZE, project.upload_limit or 0),
        max_project_size=max(settings.WHARF_MAX_PROJECT_SIZE, project.total_size_limit or 0),
        publisher=publisher,
    )


def _check_status(project: Project) -> None:
    """PEP 792: neither a quarantined nor an archived project accepts uploads, not even from its owners."""
    if project.status == ProjectStatus.QUARANTINED:
        raise UploadNotPermitted(
            f"Project '{project.name}' is quarantined by the index moderators, so no files can be uploaded "
            "to it. See the project's manage page for the reason."
        )
    if project.status == ProjectStatus.ARCHIVED:
        raise UploadNotPermitted(
            f"Project '{project.name}' is archived, so no files can be uploaded to it; an Owner can "
            f"unarchive it on /manage/project/{project.normalized_name}/ first."
        )


def _publisher_target(token: ApiToken, request: UploadRequest) -> UploadTarget:
    """A token minted by trusted publishing uploads to its publisher's project only, whoever holds a role."""
    publisher = TrustedPublisher.objects.select_related("project").filter(pk=token.publisher_id).first()
    project = publisher.project if publisher is not None else None
    if project is None or normalize(request.name) != project.normalized_name:
        raise UploadNotPermitted(
            f"Invalid API Token: project-scoped token is not valid for project: '{normalize(request.name)}'"
        )
    _check_status(project)
    return _existing_project_target(token, project, publisher)


def _new_project_target(token: ApiToken, request: UploadRequest, ip_address: str | None) -> UploadTarget:
    _check_account(token)
    if token.project_id is not None:
        raise UploadNotPermitted("Invalid API Token: project-scoped token used outside of a project context")
    ratelimits.check_project_creation(user_id=token.user.pk, ip_address=ip_address)
    refusal = policy.flag_refusal(policy.FlagId.DISALLOW_NEW_PROJECT_REGISTRATION)
    if refusal:
        raise UploadNotPermitted(refusal)
    check_new_project_name(request.name)
    return UploadTarget(
        user=token.user,
        token=token,
        project=None,
        name=request.name,
        max_file_size=settings.WHARF_MAX_FILE_SIZE,
        max_project_size=settings.WHARF_MAX_PROJECT_SIZE,
    )


def _check_account(token: ApiToken) -> None:
    """Verified primary email and, when the site requires it, two-factor authentication (Warehouse's
    `_ensure_user_can_upload` order)."""
    user = token.user
    if not token.user_has_verified_email:
        raise UploadNotPermitted(
            f"User '{user.username}', associated with the API token used, does not have a verified primary "
            "email address. Please add a verified primary email before attempting to upload to this index. "
            "See /help/#verified-email for more information."
        )
    if settings.WHARF_REQUIRE_2FA_FOR_UPLOAD and not has_two_factor(user):
        raise UploadNotPermitted(
            f"User '{user.username}', associated with the API token used, does not have two-factor "
            "authentication enabled. Please enable two-factor authentication before attempting to upload "
            "to this index. See /help/#two-factor-authentication for more information."
        )


def upload_publish(
    *, target: UploadTarget, upload: ValidatedUpload, user_agent: str = "", ip_address: str | None = None
) -> UploadResult:
    """Store the file and record it: project (if new), release (if new), file, journal.

    After commit, `registry.signals.project_created` / `release_created` announce new projects and releases.
    An identical re-upload returns the existing file with `created=False` and changes nothing.
    Raises InvalidUpload for duplicates, burned filenames, closed releases and size limits.
    """
    existing, release = _existing_file_and_release(target, upload)
    if existing is not None:
        return UploadResult(file=existing, created=False)

    path = storage.file_path(blake2_256_digest=upload.file.blake2_256_digest, filename=upload.filename)
    killpoints.reached("upload-before-storage")
    # Committed before the bytes go in, so a crash before the rows commit leaves nothing unclaimed.
    owner = intent_open(path=path)
    try:
        storage.store_file(upload.file.path, path=path)
        if upload.core_metadata is not None:
            storage.store_bytes(upload.core_metadata, path=f"{path}.metadata")
        result = _record(
            target, upload, release=release, path=path, user_agent=user_agent, ip_address=ip_address
        )
    except BaseException:
        intent_abandon(path=path, owner=owner)
        raise
    if not result.created:
        intent_abandon(path=path, owner=owner)  # the identical file's row claims the bytes
    return result


def _record(
    target: UploadTarget, upload: ValidatedUpload, *, release: Release | None, path: str, **origin
) -> UploadResult:
    """Write the rows in one transaction, joining what concurrent uploads created first.

    A new project is counted against the creation limits before it is written (so parallel uploads cannot
    overshoot them), and given back unless this upload created it.
    """
    taken = ratelimits.Taken()
    if target.project is None:
        taken = ratelimits.take_project_creation(user_id=target.user.pk, ip_address=origin["ip_address"])
    created_project = False
    try:
        for _attempt in range(RACE_ATTEMPTS):
            try:
                with transaction.atomic():
                    transaction.on_commit(lambda: killpoints.reached("upload-after-commit"))
                    file = _record_upload(target, upload, release=release, path=path, **origin)
                    intent_fulfil(path=path)
                    killpoints.reached("upload-after-storage")
                created_project = target.project is None
                return UploadResult(file=file, created=True)
            except IntegrityError:
                # A concurrent upload committed first. The same file (a retried CI job) makes this one a
                # no-op; a clashing filename or bytes is refused; the project or release it was about to
                # create (CI jobs uploading one release's wheels at once) is joined on the next attempt.
                existing, release = _existing_file_and_release(target, upload)
                if existing is None and target.project is None:
                    target = upload_authorize(
                        token=target.token, request=upload.request, ip_address=origin["ip_address"]
                    )
                    existing, release = _existing_file_and_release(target, upload)
                if existing is not None:
                    return UploadResult(file=existing, created=False)
        raise InvalidUpload(
            f"Other uploads to project '{target.name}' kept changing it at the same moment; upload again."
        )
    finally:
        if not created_project:
            taken.refund()


# The reads below run once per uploaded file, through Model.raw(): the ORM's query compilation
# cost more than the queries themselves on the benchmark machine (bench/README.md, uploads).
# One row always, in one statement (one snapshot, one round trip): the stored file with this upload's filename
# or bytes (`file_*`, NULLs when there is none) and whether the filename was ever used, so a file committed by
# a concurrent upload is seen together with its used filename; and the release the file would join (the
# Release columns, NULLs for a new release or project) with whether it already has an sdist.
_CLASH_AND_RELEASE_SQL = sql(
    "SELECT r.{Release.pk}, r.{Release.project}, r.{Release.version}, r.{Release.created},"
    " EXISTS(SELECT 1 FROM {File} s WHERE s.{File.release} = r.{Release.pk}"
    " AND s.{File.packagetype} = 'sdist') AS has_sdist,"
    " f.{File.pk} AS file_pk, f.{File.filename} AS file_filename,"
    " f.{File.sha256_digest} AS file_sha256, f.{File.blake2_256_digest} AS file_blake2,"
    " EXISTS(SELECT 1 FROM {UsedFilename} u WHERE u.{UsedFilename.filename} = %s) AS used"
    " FROM (SELECT 1) AS one"
    " LEFT JOIN {File} f ON f.{File.filename} = %s OR f.{File.blake2_256_digest} = %s"
    " LEFT JOIN {Release} r ON r.{Release.project} = %s AND r.{Release.canonical_version} = %s",
    File=File,
    Release=Release,
    UsedFilename=UsedFilename,
)


def _existing_file_and_release(
    target: UploadTarget, upload: ValidatedUpload
) -> tuple[File | None, Release | None]:
    """The identical file when this is a re-upload; otherwise the existing release the file joins (None for
    a new one). InvalidUpload when the name or bytes are taken, and past the project and release limits."""
    project = target.project
    params = [upload.filename, upload.filename, upload.file.blake2_256_digest]
    params += [project.pk if project is not None else None, upload.request.canonical_version]
    row = next(iter(Release.objects.raw(_CLASH_AND_RELEASE_SQL, params)))
    existing = _existing_file(upload, row)
    if existing is not None:
        return existing, None
    return None, _open_release(target, upload, row)


def _existing_file(upload: ValidatedUpload, row: Release) -> File | None:
    """The identical file when this is a re-upload; InvalidUpload when the name or bytes are taken."""
    received = upload.file
    if row.file_pk is None:
        if row.used:
            raise InvalidUpload(
                "This filename was previously used by a file that has since been deleted. "
                f"Use a different version. {FILE_REUSE_HELP}"
            )
        return None
    identical = (
        row.file_filename == upload.filename
        and row.file_sha256 == received.sha256_digest
        and row.file_blake2 == received.blake2_256_digest
    )
    if identical:
        # The stored file as read (its other fields load on access).
        names, values = ["id", "filename", "sha256_digest", "blake2_256_digest"], [row.file_pk]
        values += [row.file_filename, row.file_sha256, row.file_blake2]
        return File.from_db(row._state.db, names, values)
    raise InvalidUpload(_already_exists(upload))


def _already_exists(upload: ValidatedUpload) -> str:
    # twine --skip-existing recognises this message by its start (twine's `skip_upload`): keep it.
    return (
        f"File already exists ('{upload.filename}', with blake2_256 hash "
        f"'{upload.file.blake2_256_digest}'). {FILE_REUSE_HELP}"
    )


def _open_release(target: UploadTarget, upload: ValidatedUpload, row: Release) -> Release | None:
    """The existing release the file joins (`row`, None for a new one), after the project and release
    limits."""
    project = target.project
    if project is None:
        return None
    if project.total_size + upload.file.size > target.max_project_size:
        limit_gb = target.max_project_size // (1024**3)
        raise InvalidUpload(
            f"Project size too large. Limit for project '{project.name}' total size is {limit_gb} GB. "
            "See /help/#project-size-limit for more information."
        )
    # Only what the checks and the new file row need: a release's description can be megabytes.
    release = row if row.pk is not None else None
    if release is None:
        return None
    window = timedelta(days=settings.WHARF_RELEASE_UPLOAD_WINDOW_DAYS)
    if release.created < timezone.now() - window:
        raise InvalidUpload(
            f"Uploading new files to releases older than {settings.WHARF_RELEASE_UPLOAD_WINDOW_DAYS} days "
            "is not allowed."
        )
    if upload.request.form.filetype == PackageType.SDIST and release.has_sdist:
        raise InvalidUpload("Only one sdist may be uploaded per release.")
    return release


def _record_upload(
    target: UploadTarget,
    upload: ValidatedUpload,
    *,
    release: Release | None,
    path: str,
    user_agent: str,
    ip_address: str | None,
) -> File:
    user = target.user
    user_id = user.pk if user is not None else None
    project = target.project
    changes: list[tuple[str, str | None]] = []
    if project is None:
        project = Project.objects.create(name=target.name, normalized_name=normalize(target.name))
        Role.objects.create(user=user, project=project, role_name=RoleName.OWNER)
        changes += [("create", None), (f"add {RoleName.OWNER} {user.username}", None)]
        created_project = project
        transaction.on_commit(
            lambda: signals.project_created.send(
                sender=Project, project_id=created_project.pk, user_id=user.pk, ip_address=ip_address
            )
        )
    request = upload.request
    if release is None:
        release = Release.objects.create(
            project=project,
            canonical_version=request.canonical_version,
            uploader=user,
            **_release_fields(upload),
        )
        changes.append(("new release", release.version))
        created_release = release
        transaction.on_commit(
            lambda: signals.release_created.send(
                sender=Release, project_id=project.pk, release_id=created_release.pk, user_id=user_id
            )
        )

    received = upload.file
    file = File.objects.create(
        release=release,
        filename=upload.filename,
        packagetype=request.form.filetype,
        python_version=request.form.pyversion,
        size=received.size,
        md5_digest=received.md5_digest,
        sha256_digest=received.sha256_digest,
        blake2_256_digest=received.blake2_256_digest,
        path=path,
        metadata_sha256_digest=_sha256(upload.core_metadata),
        metadata_blake2_256_digest=_blake2(upload.core_metadata),
        uploader=user,
        uploaded_via=user_agent[:200],
        comment_text=request.form.comment,
        publisher=target.publisher,
        published_via=target.publisher.describe()[:400] if target.publisher is not None else "",
    )
    UsedFilename.objects.create(filename=file.filename)
    token_mark_used(target.token)
    changes.append((f"add {request.form.pyversion} file {file.filename}", release.version))
    journal_record(project, *changes, actor=user, also_update={"total_size": F("total_size") + received.size})
    return file


def _release_fields(upload: ValidatedUpload) -> dict:
    """Release columns from the uploaded core metadata, kept as the uploader spelled them."""
    request = upload.request
    md = request.metadata
    raw = request.form.metadata_fields

    def one(key: str) -> str:
        return raw.get(key, [""])[0]

    return {
        "version": request.version,
        "is_prerelease": md.version.is_prerelease,
        "description_html": upload.description_html,
        "metadata_version": md.metadata_version,
        "summary": md.summary or "",
        "description": md.description or "",
        "description_content_type": md.description_content_type or "",
        "keywords": one("keywords"),
        "home_page": md.home_page or "",
        "download_url": md.download_url or "",
        "author": md.author or "",
        "author_email": md.author_email or "",
        "maintainer": md.maintainer or "",
        "maintainer_email": md.maintainer_email or "",
        "license": md.license or "",
        "license_expression": str(md.license_expression or ""),
        "license_files": raw.get("license_file", []),
        "classifiers": raw.get("classifiers", []),
        "requires_python": one("requires_python"),
        "requires_dist": raw.get("requires_dist", []),
        "provides_dist": raw.get("provides_dist", []),
        "obsoletes_dist": raw.get("obsoletes_dist", []),
        "requires_external": raw.get("requires_external", []),
        "provides_extra": raw.get("provides_extra", []),
        "project_urls": [[label, url] for label, url in (md.project_urls or {}).items()],
        "dynamic": [field.title() for field in (md.dynamic or [])],
        "platforms": raw.get("platform", []),
        "supported_platforms": raw.get("supported_platform", []),
        "import_names": raw.get("import_name", []),
        "import_namespaces": raw.get("import_namespace", []),
    }


def _sha256(data: bytes | None) -> str:
    return hashlib.sha256(data).hexdigest() if data is not None else ""


def _blake2(data: bytes | None) -> str:
    return hashlib.blake2b(data, digest_size=32).hexdigest() if data is not None else ""
