"""Projects, releases, files, roles and the journal mirrors replay."""

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models.functions import Replace
from django.utils import timezone

from registry.enums import (
    PUBLIC_STATUSES,
    InvitationStatus,
    PackageType,
    ProjectStatus,
    PublisherKind,
    RoleName,
)


def _ultranormalized(field: str) -> models.Func:
    """SQL for `registry.names.ultranormalize` applied to an already PEP 503 normalized column."""
    expression = Replace(models.F(field), models.Value("-"), models.Value(""))
    for old, new in (("l", "1"), ("i", "1"), ("o", "0")):
        expression = Replace(expression, models.Value(old), models.Value(new))
    return expression


class Project(models.Model):
    """A name on the index. `normalized_name` is the PEP 503 form every lookup goes through."""

    name = models.CharField(max_length=200)
    normalized_name = models.CharField(max_length=200, unique=True)
    # Computed by the database, so every way of creating a project keeps it right; the name policy looks up
    # "too similar" names through its index (Warehouse's `ultranormalize_name`).
    ultranormalized_name = models.GeneratedField(
        expression=_ultranormalized("normalized_name"),
        output_field=models.CharField(max_length=200),
        db_persist=True,
        db_index=True,
    )
    created = models.DateTimeField(default=timezone.now, db_index=True)
    # Highest journal serial that concerns this project (`X-PyPI-Last-Serial`); kept by the journal service.
    last_serial = models.BigIntegerField(default=0)
    total_size = models.BigIntegerField(default=0)
    status = models.CharField(max_length=20, choices=ProjectStatus.choices, default=ProjectStatus.ACTIVE)
    # Set while the owners have archived the project, also under a quarantine, which ends back in `archived`.
    archived_at = models.DateTimeField(null=True, blank=True)
    # Per-project overrides an administrator may grant; None means the site-wide default.
    upload_limit = models.BigIntegerField(null=True, blank=True, help_text="Largest file in bytes.")
    total_size_limit = models.BigIntegerField(null=True, blank=True, help_text="Largest total in bytes.")

    class Meta:
        ordering = ["normalized_name"]

    def __str__(self):
        return self.name

    @property
    def is_public(self) -> bool:
        """Whether everyone may see the project (registry.enums.PUBLIC_STATUSES)."""
        return self.status in PUBLIC_STATUSES


class Role(models.Model):
    """A user's right on a project: Owners administer, Maintainers upload."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="roles")
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="roles")
    role_name = models.CharField(max_length=20, choices=RoleName.choices)
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "project"], name="registry_role_one_per_user")]

    def __str__(self):
        return f"{self.role_name} {self.user} on {self.project}"


class RoleInvitation(models.Model):
    """An Owner's invitation to a user to take a role on a project; the role exists once it is accepted."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="invitations")
    invitee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="role_invitations"
    )
    inviter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    role_name = models.CharField(max_length=20, choices=RoleName.choices)
    status = models.CharField(
        max_length=20, choices=InvitationStatus.choices, default=InvitationStatus.PENDING
    )
    created = models.DateTimeField(default=timezone.now)
    expires = models.DateTimeField()
    responded = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "invitee"],
                condition=models.Q(status=InvitationStatus.PENDING),
                name="registry_roleinvitation_one_pending",
            )
        ]

    def __str__(self):
        return f"{self.role_name} {self.invitee} on {self.project} ({self.status})"

    @property
    def is_open(self) -> bool:
        """Pending and not yet expired: the invitee may still accept or decline."""
        return self.status == InvitationStatus.PENDING and self.expires > timezone.now()


class Release(models.Model):
    """One version of a project with the core metadata of the upload that created it.

    `canonical_version` makes `1.0` and `1.0.0` one release; `version` keeps the spelling first uploaded.
    """

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="releases")
    # Text, as on PyPI: PEP 440 puts no bound on a version's length.
    version = models.TextField()
    canonical_version = models.TextField()
    is_prerelease = models.BooleanField(default=False)
    # Indexed for the home page's newest releases.
    created = models.DateTimeField(default=timezone.now, db_index=True)
    uploader = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    yanked = models.BooleanField(default=False)
    yanked_reason = models.TextField(blank=True, default="")
    yanked_at = models.DateTimeField(null=True, blank=True)

    # Core metadata (https://packaging.python.org/specifications/core-metadata/), as uploaded.
    metadata_version = models.CharField(max_length=10)
    summary = models.TextField(blank=True, default="")
    description = models.TextField(blank=True, default="")
    description_content_type = models.TextField(blank=True, default="")
    description_html = models.TextField(blank=True, default="")
    keywords = models.TextField(blank=True, default="")
    home_page = models.TextField(blank=True, default="")
    download_url = models.TextField(blank=True, default="")
    author = models.TextField(blank=True, default="")
    author_email = models.TextField(blank=True, default="")
    maintainer = models.TextField(blank=True, default="")
    maintainer_email = models.TextField(blank=True, default="")
    license = models.TextField(blank=True, default="")
    license_expression = models.TextField(blank=True, default="")
    license_files = models.JSONField(default=list, blank=True)
    classifiers = models.JSONField(default=list, blank=True)
    requires_python = models.TextField(blank=True, default="")
    requires_dist = models.JSONField(default=list, blank=True)
    provides_dist = models.JSONField(default=list, blank=True)
    obsoletes_dist = models.JSONField(default=list, blank=True)
    requires_external = models.JSONField(default=list, blank=True)
    provides_extra = models.JSONField(default=list, blank=True)
    # Label/URL pairs in upload order (Project-URL, PEP 753).
    project_urls = models.JSONField(default=list, blank=True)
    dynamic = models.JSONField(default=list, blank=True)
    platforms = models.JSONField(default=list, blank=True)
    supported_platforms = models.JSONField(default=list, blank=True)
    import_names = models.JSONField(default=list, blank=True)
    import_namespaces = models.JSONField(default=list, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["project", "canonical_version"], name="registry_release_unique_version"
            )
        ]

    def __str__(self):
        return f"{self.project.name} {self.version}"


class File(models.Model):
    """A distribution file. The bytes live in package storage at `path`; digests are of those bytes."""

    release = models.ForeignKey(Release, on_delete=models.CASCADE, related_name="files")
    filename = models.CharField(max_length=255, unique=True)
    packagetype = models.CharField(max_length=20, choices=PackageType.choices)
    python_version = models.TextField()
    size = models.BigIntegerField()
    md5_digest = models.CharField(max_length=32, db_index=True)
    sha256_digest = models.CharField(max_length=64, unique=True)
    blake2_256_digest = models.CharField(max_length=64, unique=True)
    path = models.CharField(max_length=400, unique=True)
    # sha256 of the METADATA served as the PEP 658 `.metadata` sibling; empty when there is none (sdists).
    metadata_sha256_digest = models.CharField(max_length=64, blank=True, default="")
    metadata_blake2_256_digest = models.CharField(max_length=64, blank=True, default="")
    upload_time = models.DateTimeField(default=timezone.now)
    uploader = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    uploaded_via = models.CharField(max_length=200, blank=True, default="")
    comment_text = models.TextField(blank=True, default="")
    # Uploads with a token minted by trusted publishing: the publisher, and how it read then (kept when the
    # publisher is removed), shown as "published via ..." on the project page and in the JSON API.
    publisher = models.ForeignKey(
        "TrustedPublisher", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    published_via = models.CharField(max_length=400, blank=True, default="")

    class Meta:
        constraints = [
            # One sdist per release, as Warehouse's `file_upload` refuses a second.
            models.UniqueConstraint(
                fields=["release"], condition=models.Q(packagetype="sdist"), name="registry_file_one_sdist"
            )
        ]

    def __str__(self):
        return self.filename

    @property
    def metadata_path(self) -> str:
        return f"{self.path}.metadata"


class UsedFilename(models.Model):
    """Every filename ever stored. Rows are never deleted, so a deleted file's name stays burned."""

    filename = models.CharField(max_length=255, unique=True)
    created = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return self.filename


class JournalEntry(models.Model):
    """One change on the index. The id is the serial mirrors follow (`X-PyPI-Last-Serial`, XML-RPC)."""

    name = models.CharField(max_length=200, help_text="Project display name at the time.")
    normalized_name = models.CharField(max_length=200, db_index=True)
    project = models.ForeignKey(Project, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    version = models.TextField(null=True, blank=True)  # noqa: DJ001 (mirrors see null)
    action = models.CharField(max_length=400)
    submitted = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    actor_name = models.CharField(max_length=150, blank=True, default="")

    class Meta:
        verbose_name_plural = "journal entries"
        ordering = ["-id"]

    def __str__(self):
        return f"#{self.pk} {self.name} {self.version or ''} {self.action}"


class ProjectSearch(models.Model):
    """What search reads for one public project: the release its result shows and that release's text.

    Only projects everyone may see have a row. The release is the project's newest (not yanked and final
    versions first); `title` (name, summary, keywords) ranks results and `document` (the title and the
    description) matches them, as full-text vectors on PostgreSQL (GIN indexes of migration 0007) and empty
    on SQLite. `registry.services.search_index` rewrites the row in the transaction of every change that can
    move it, so search never lags the database.
    """

    project = models.OneToOneField(Project, on_delete=models.CASCADE, primary_key=True, related_name="+")
    # The project's normalized name (names never change), so ranking needs no join.
    name = models.CharField(max_length=200, default="")
    release = models.ForeignKey(
        Release, on_delete=models.CASCADE, related_name="search_entries", related_query_name="search_entry"
    )
    title = SearchVectorField(null=True)
    document = SearchVectorField(null=True)

    def __str__(self):
        return f"search entry of {self.project_id}"


class TrustedPublisher(models.Model):
    """A CI workflow allowed to publish a project: its ID tokens, signed by `issuer`, are traded for
    short-lived upload tokens (`registry.services.publishing`).

    `issuer` names an entry of WHARF_OIDC_ISSUERS; `kind` says which claims are matched. GitHub: `owner`,
    `repository`, `workflow` (file name under .github/workflows/), optional `environment`; GitLab: `owner`
    is the namespace, `repository` the project, `workflow` the CI file path, optional `environment`;
    generic: `claims`, every one of which must equal the token's. A *pending* publisher has no project yet:
    `pending_name` is the project its first use creates, with `added_by` as Owner.
    """

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, null=True, blank=True, related_name="publishers"
    )
    pending_name = models.CharField(max_length=200, blank=True, default="")
    pending_normalized_name = models.CharField(max_length=200, blank=True, default="", db_index=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    issuer = models.CharField(max_length=100)
    kind = models.CharField(max_length=20, choices=PublisherKind.choices)
    owner = models.CharField(max_length=255, blank=True, default="")
    # GitHub's numeric `repository_owner_id`, learned on first use: a re-registered owner name cannot match.
    owner_id = models.CharField(max_length=40, blank=True, default="")
    repository = models.CharField(max_length=255, blank=True, default="")
    workflow = models.CharField(max_length=255, blank=True, default="")
    environment = models.CharField(max_length=255, blank=True, default="")
    claims = models.JSONField(default=dict, blank=True)
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(project__isnull=False) | ~models.Q(pending_name=""),
                name="registry_publisher_project_or_pending",
            )
        ]

    def __str__(self):
        return self.describe()

    @property
    def is_pending(self) -> bool:
        return self.project_id is None

    def describe(self) -> str:
        """One line naming the workflow, as emails, pages and the JSON API show it."""
        environment = f", environment {self.environment}" if self.environment else ""
        if self.kind == PublisherKind.GITHUB:
            return f"{self.issuer}: {self.owner}/{self.repository}, workflow {self.workflow}{environment}"
        if self.kind == PublisherKind.GITLAB:
            return f"{self.issuer}: {self.owner}/{self.repository}, CI file {self.workflow}{environment}"
        pairs = ", ".join(f"{claim}={value}" for claim, value in sorted(self.claims.items()))
        return f"{self.issuer}: {pairs}"


class UsedJwtId(models.Model):
    """The `jti` of every ID token traded for an upload token, kept until the token expires: a token is
    used once (replays are refused)."""

    issuer = models.CharField(max_length=100)
    jti = models.CharField(max_length=255)
    expires = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["issuer", "jti"], name="registry_usedjwtid_once")]

    def __str__(self):
        return f"{self.issuer} {self.jti}"


class StorageIntent(models.Model):
    """Bytes an upload is putting into package storage before its file row commits.

    Committed before the bytes are stored and deleted in the transaction that records the file, so a process
    that dies in between leaves this row, and `registry.services.intents` removes the bytes no file row
    claims. One row per path: an upload of identical bytes takes the row over (and locks it while it does).
    """

    path = models.CharField(max_length=400, unique=True)
    owner = models.CharField(max_length=32, help_text="The upload attempt holding the intent.")
    host = models.CharField(max_length=16)
    pid = models.IntegerField()
    created = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return self.path
