"""A synthetic index of PyPI's shape, for benchmarks and capacity planning (`manage.py seed_synthetic`).

Rows are generated from one seeded random generator, so the same arguments give the same index, and written
with bulk inserts in batches of projects: projects, their owners' roles, releases, files, used filenames and
journal entries, then each project's `last_serial` from its journal. The shape follows what PyPI holds: names
of one to three words (a few capitalized or dotted), mostly final versions with some pre-releases, a wheel and
an sdist per release (huge projects add platform wheels), a few yanked releases, Requires-Python bounds, and a
few huge projects of 1,000+ files. With `with_files`, each file's bytes (a small valid wheel or sdist) and the
wheel's `.metadata` are stored too, with the digests of the stored bytes; without, digests are random.
"""

import base64
import gzip
import hashlib
import io
import random
import tarfile
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from django.db import connection, transaction

from accounts.models import User
from registry import storage
from registry.enums import PackageType, RoleName
from registry.models import File, JournalEntry, Project, ProjectSearch, Release, Role, UsedFilename
from registry.names import normalize
from registry.services.journal import JOURNAL_LOCK_ID
from registry.services.search_index import search_entries_refresh
from registry.versions import canonical_version

SYNTHETIC_USER_PREFIX = "synthetic-"
PROJECTS_PER_OWNER = 50
BATCH_PROJECTS = 1000
HUGE_PROJECT_FILES = (1000, 2400)
START = datetime(2015, 1, 1, tzinfo=UTC)
SPAN_SECONDS = 10 * 365 * 24 * 3600

WORDS = (  # noqa: SIM905 (a word list reads best as words)
    "api async auth aws azure backend bio cache cli client cloud config core crypto csv data db debug deep "
    "dev django docker docs engine event fast file flask form frame geo git graph grpc http image io json "
    "jupyter kafka kit lab lib lint log map math media meta ml mock model net node notebook numpy oauth "
    "open parser path pdf plot plugin py pytest query queue redis rest rpc schema sci sdk search server "
    "shell simple sql stack stats storage stream sync task template test text time tool torch type ui util "
    "validator vector view web wrapper xml yaml zip admin agent audio bot build chart chat color compat "
    "connector core2 dash diff email extra fixture font glue hash hub index lazy light loader mail mini "
    "mongo orm pipe pool proto proxy record reader rich sentry signal socket spark sphinx table tensor "
    "token trace tree units vault watch worker writer"
).split()
SUMMARY_WORDS = (  # noqa: SIM905
    "a an the for with and of to fast simple small library tool framework client wrapper python "
    "interface command line utilities helpers toolkit parsing validation testing async support "
    "plugin extension server data files images network database queries cloud storage machine learning "
    "numerical scientific computing web applications documentation generator configuration management"
).split()
PLATFORM_TAGS = (
    "cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64",
    "cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64",
    "cp312-cp312-macosx_11_0_arm64",
    "cp312-cp312-win_amd64",
    "cp313-cp313-manylinux_2_17_aarch64.manylinux2014_aarch64",
)
REQUIRES_PYTHON = ("", ">=3.8", ">=3.9", ">=3.10", ">=3.7,<4")


class RealUsersPresent(Exception):
    """The database holds accounts seed_synthetic did not create."""


@dataclass
class SeedReport:
    projects: int = 0
    releases: int = 0
    files: int = 0
    journal_entries: int = 0
    huge_projects: list[str] = field(default_factory=list)


def real_users_exist() -> bool:
    return User.objects.exclude(username__startswith=SYNTHETIC_USER_PREFIX).exists()


def synthetic_index_seed(
    *,
    projects: int,
    files_per_project: int,
    seed: int = 0,
    with_files: bool = False,
    exact_files: bool = False,
    force: bool = False,
    progress: Callable[[int], None] = lambda done: None,
) -> SeedReport:
    """Add `projects` synthetic projects of about `files_per_project` files each (see the module docstring);
    with `exact_files`, of exactly that many each, and none huge.

    Refuses (RealUsersPresent) when the database has accounts of its own, unless `force`: the index is for
    measuring, never for mixing into one people use. `progress(n)` is called after each batch of n projects.
    """
    if not force and real_users_exist():
        raise RealUsersPresent(
            "This database has real user accounts: seed_synthetic fills only an empty or synthetic index "
            "(use --force to add synthetic projects anyway)."
        )
    rng = random.Random(seed)
    taken = set(Project.objects.values_list("normalized_name", flat=True))
    huge = rng.sample(range(projects), k=0 if exact_files else _huge_count(projects))
    # The first huge project has exactly the smallest size, so every index holds a page of 1,000 files.
    exact = set(range(projects)) if exact_files else set(huge[:1])
    huge = set(huge)
    owners = _owners(count=max(1, projects // PROJECTS_PER_OWNER))
    report = SeedReport()
    for start in range(0, projects, BATCH_PROJECTS):
        batch = range(start, min(projects, start + BATCH_PROJECTS))
        plans = [
            _plan_project(
                rng,
                taken,
                _files_wanted(rng, files_per_project, huge=index in huge, exact=index in exact),
                huge=index in huge,
                with_files=with_files,
            )
            for index in batch
        ]
        with transaction.atomic():
            _insert(plans, owners=owners, report=report)
        if with_files:
            for plan in plans:
                for release in plan.releases:
                    for file in release.files:
                        storage.store_bytes(file.content, path=file.path)
                        if file.metadata:
                            storage.store_bytes(file.metadata, path=f"{file.path}.metadata")
        report.huge_projects += [plan.name for plan in plans if plan.huge]
        progress(len(plans))
    _analyze()
    return report


def _analyze() -> None:
    """Gather the planner's statistics of the tables just filled: without them (until autovacuum runs, if
    it is on) PostgreSQL guesses, and reads of a bulk-loaded index took 5-10 times longer."""
    with connection.cursor() as cursor:
        for model in (Project, Role, Release, File, UsedFilename, JournalEntry, ProjectSearch):
            cursor.execute(f"ANALYZE {model._meta.db_table}")


def _huge_count(projects: int) -> int:
    """One project in 20,000 has 1,000+ files (at least one from ten projects on)."""
    return max(1, projects // 20000) if projects >= 10 else 0


def _files_wanted(rng: random.Random, files_per_project: int, *, huge: bool, exact: bool) -> int:
    """About `files_per_project` (x0.5-1.5), or 1,000-2,400 for a huge project; with `exact`, exactly
    `files_per_project`, or 1,000."""
    if huge:
        return HUGE_PROJECT_FILES[0] if exact else rng.randint(*HUGE_PROJECT_FILES)
    return files_per_project if exact else max(1, round(files_per_project * rng.uniform(0.5, 1.5)))


def _owners(*, count: int) -> list[User]:
    existing = User.objects.filter(username__startswith=SYNTHETIC_USER_PREFIX).count()
    users = [
        User(
            username=f"{SYNTHETIC_USER_PREFIX}{existing + number:05d}",
            email=f"{SYNTHETIC_USER_PREFIX}{existing + number:05d}@example.com",
            password="!",  # noqa: S106 (an unusable password: synthetic owners never log in)
        )
        for number in range(count)
    ]
    return User.objects.bulk_create(users)


# --- Plans: what one project will hold, generated before anything is written -----------------------------


@dataclass
class FilePlan:
    filename: str
    packagetype: str
    python_version: str
    size: int
    md5: str
    sha256: str
    blake2: str
    metadata_sha256: str = ""
    metadata_blake2: str = ""
    content: bytes = b""
    metadata: bytes = b""

    @property
    def path(self) -> str:
        return storage.file_path(blake2_256_digest=self.blake2, filename=self.filename)


@dataclass
class ReleasePlan:
    version: str
    is_prerelease: bool
    created: datetime
    summary: str
    description: str
    requires_python: str
    yanked: bool = False
    yanked_reason: str = ""
    files: list[FilePlan] = field(default_factory=list)


@dataclass
class ProjectPlan:
    name: str
    huge: bool
    created: datetime
    releases: list[ReleasePlan] = field(default_factory=list)

    @property
    def normalized(self) -> str:
        return normalize(self.name)


def _plan_project(
    rng: random.Random, taken: set[str], files_wanted: int, *, huge: bool, with_files: bool
) -> ProjectPlan:
    """One project of `files_wanted` files; a huge one has platform wheels besides the pure one."""
    name = _name(rng, taken)
    created = START + timedelta(seconds=rng.randrange(SPAN_SECONDS))
    plan = ProjectPlan(name=name, huge=huge, created=created)
    summary = " ".join(rng.choices(SUMMARY_WORDS, k=rng.randint(3, 12))).capitalize()
    when = created
    files = 0
    for version in _versions(rng):
        if files >= files_wanted:
            break
        release = ReleasePlan(
            version=version,
            is_prerelease=any(tag in version for tag in ("a", "b", "rc", "dev")),
            created=when,
            summary=summary,
            description=_description(rng, name),
            requires_python=rng.choice(REQUIRES_PYTHON),
        )
        if rng.random() < 0.02:
            release.yanked = True
            release.yanked_reason = rng.choice(("", "broken build", "security issue: use a newer version"))
        wheels = 1 + (len(PLATFORM_TAGS) if huge else 0)
        # The sdist counts too: the last release has as many wheels as are still wanted (maybe none).
        release.files = _files(rng, plan.normalized, version, wheels=min(wheels, files_wanted - files - 1))
        if with_files:
            for file in release.files:
                _with_content(file, name=name, version=version, summary=summary, release=release)
        files += len(release.files)
        plan.releases.append(release)
        when += timedelta(seconds=rng.randrange(3600, 90 * 24 * 3600))
    _fit_before_the_end(plan)
    return plan


def _fit_before_the_end(plan: ProjectPlan) -> None:
    """Squeeze a long release history (a huge project's) into the seeded span, so nothing is dated in the
    future: feeds, the home page and `changelog` order by these dates."""
    end = START + timedelta(seconds=SPAN_SECONDS)
    last = plan.releases[-1].created if plan.releases else plan.created
    if last <= end:
        return
    factor = (end - plan.created) / (last - plan.created)
    for release in plan.releases:
        release.created = plan.created + (release.created - plan.created) * factor


def _name(rng: random.Random, taken: set[str]) -> str:
    separator = rng.choice("-----_.")
    words = rng.choices(WORDS, k=rng.choice((1, 2, 2, 2, 3, 3)))
    if rng.random() < 0.15:
        words = [word.capitalize() for word in words]
    name = separator.join(words)
    suffix = 2
    candidate = name
    while normalize(candidate) in taken:
        candidate = f"{name}{separator}{suffix}"
        suffix += 1
    taken.add(normalize(candidate))
    return candidate


def _versions(rng: random.Random) -> Iterator[str]:
    major, minor, patch = rng.choice((0, 0, 1, 2)), rng.randint(0, 9), 0
    previews = set()
    while True:
        if rng.random() < 0.05 and (major, minor) not in previews:
            previews.add((major, minor))
            yield f"{major}.{minor + 1}.0{rng.choice(('a1', 'b1', 'rc1', '.dev0'))}"
        yield f"{major}.{minor}.{patch}"
        roll = rng.random()
        if roll < 0.6:
            patch += 1
        elif roll < 0.95:
            minor, patch = minor + 1, 0
        else:
            major, minor, patch = major + 1, 0, 0


def _description(rng: random.Random, name: str) -> str:
    paragraphs = [" ".join(rng.choices(SUMMARY_WORDS + WORDS, k=rng.randint(20, 60))) for _ in range(3)]
    return f"# {name}\n\n" + "\n\n".join(paragraphs) + "\n"


def _files(rng: random.Random, normalized: str, version: str, *, wheels: int) -> list[FilePlan]:
    """An sdist and `wheels` wheels: the pure one first, then platform wheels (huge projects)."""
    stem = f"{normalized.replace('-', '_')}-{version}"
    files = [_file(rng, f"{stem}.tar.gz", PackageType.SDIST, "source")]
    for tag in ("py3-none-any", *PLATFORM_TAGS)[:wheels]:
        files.append(_file(rng, f"{stem}-{tag}.whl", PackageType.WHEEL, tag.split("-")[0]))
    return files


def _file(rng: random.Random, filename: str, packagetype: str, python_version: str) -> FilePlan:
    def hex_digest(bits: int) -> str:
        return f"{rng.getrandbits(bits):0{bits // 4}x}"

    file = FilePlan(
        filename=filename,
        packagetype=packagetype,
        python_version=python_version,
        size=rng.randint(4_000, 3_000_000),
        md5=hex_digest(128),
        sha256=hex_digest(256),
        blake2=hex_digest(256),
    )
    if packagetype == PackageType.WHEEL:
        file.metadata_sha256, file.metadata_blake2 = hex_digest(256), hex_digest(256)
    return file


def _with_content(file: FilePlan, *, name: str, version: str, summary: str, release: ReleasePlan) -> None:
    """Give `file` real bytes (a minimal wheel or sdist) and the digests of those bytes."""
    metadata = f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\nSummary: {summary}\n"
    if release.requires_python:
        metadata += f"Requires-Python: {release.requires_python}\n"
    metadata_bytes = metadata.encode()
    buffer = io.BytesIO()
    stem = file.filename.split("-")[0] + "-" + version
    if file.packagetype == PackageType.WHEEL:
        dist_info = f"{stem}.dist-info"
        tag = file.filename.removesuffix(".whl").split("-", 2)[2]
        wheel = f"Wheel-Version: 1.0\nGenerator: seed_synthetic\nRoot-Is-Purelib: true\nTag: {tag}\n".encode()
        module = f'"""{name} {version} (synthetic), {tag}."""\n'.encode()
        members = {f"{stem.split('-')[0]}/__init__.py": module, f"{dist_info}/METADATA": metadata_bytes}
        members[f"{dist_info}/WHEEL"] = wheel
        record = "".join(f"{path},sha256={_b64(data)},{len(data)}\n" for path, data in members.items())
        members[f"{dist_info}/RECORD"] = (record + f"{dist_info}/RECORD,,\n").encode()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for path, data in members.items():
                archive.writestr(zipfile.ZipInfo(path, date_time=(2020, 1, 1, 0, 0, 0)), data)
        file.metadata = metadata_bytes
        file.metadata_sha256 = hashlib.sha256(metadata_bytes).hexdigest()
        file.metadata_blake2 = hashlib.blake2b(metadata_bytes, digest_size=32).hexdigest()
    else:
        # mtime=0: the same plan gives the same bytes.
        with (
            gzip.GzipFile(fileobj=buffer, mode="wb", mtime=0) as compressed,
            tarfile.open(fileobj=compressed, mode="w") as archive,
        ):
            info = tarfile.TarInfo(f"{stem}/PKG-INFO")
            info.size, info.mtime = len(metadata_bytes), 1577836800
            archive.addfile(info, io.BytesIO(metadata_bytes))
    file.content = buffer.getvalue()
    file.size = len(file.content)
    file.md5 = hashlib.md5(file.content, usedforsecurity=False).hexdigest()
    file.sha256 = hashlib.sha256(file.content).hexdigest()
    file.blake2 = hashlib.blake2b(file.content, digest_size=32).hexdigest()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


# --- Writing ----------------------------------------------------------------------------------------------


def _insert(plans: list[ProjectPlan], *, owners: list[User], report: SeedReport) -> None:
    """Write one batch of planned projects.

    Ids are taken up front, so each project's `last_serial` is known before any row is written and the rows
    go in with one bulk statement (COPY on PostgreSQL) per table.
    """
    if connection.vendor == "postgresql":
        # Serials become visible in commit order, as journal_record keeps them (mirrors poll them).
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [JOURNAL_LOCK_ID])
    projects = [
        Project(
            name=plan.name,
            normalized_name=plan.normalized,
            created=plan.created,
            total_size=sum(file.size for release in plan.releases for file in release.files),
        )
        for plan in plans
    ]
    _allocate_ids(Project, projects)
    roles, releases, files, used, journal = [], [], [], [], []
    for plan, project in zip(plans, projects, strict=True):
        owner = owners[project.pk % len(owners)]
        roles.append(Role(user=owner, project=project, role_name=RoleName.OWNER, created=plan.created))
        journal += [
            _entry(project, "create", None, plan.created),
            _entry(project, f"add {RoleName.OWNER} {owner.username}", None, plan.created),
        ]
        for release_plan in plan.releases:
            release = _release(project, release_plan)
            releases.append(release)
            journal.append(_entry(project, "new release", release.version, release.created))
            for file in release_plan.files:
                files.append(_file_row(release, file))
                used.append(UsedFilename(filename=file.filename, created=release.created))
                action = f"add {file.python_version} file {file.filename}"
                journal.append(_entry(project, action, release.version, release.created))
            if release_plan.yanked:
                journal.append(_entry(project, "yank release", release.version, release.created))
    _allocate_ids(Release, releases)
    for row in files:
        row.release_id = row.release.pk  # assigned before the release had its id
    _allocate_ids(JournalEntry, journal)
    for entry in journal:
        entry.project.last_serial = entry.pk
    for model, rows in (
        (Project, projects),
        (Role, roles),
        (Release, releases),
        (File, files),
        (UsedFilename, used),
        (JournalEntry, journal),
    ):
        _bulk_insert(model, rows)
    search_entries_refresh([project.pk for project in projects])
    report.projects += len(projects)
    report.releases += len(releases)
    report.files += len(files)
    report.journal_entries += len(journal)


def _release(project: Project, plan: ReleasePlan) -> Release:
    return Release(
        project=project,
        version=plan.version,
        canonical_version=canonical_version(plan.version),
        is_prerelease=plan.is_prerelease,
        created=plan.created,
        yanked=plan.yanked,
        yanked_reason=plan.yanked_reason,
        yanked_at=plan.created if plan.yanked else None,
        metadata_version="2.1",
        summary=plan.summary,
        description=plan.description,
        description_content_type="text/markdown",
        requires_python=plan.requires_python,
    )


def _file_row(release: Release, file: FilePlan) -> File:
    return File(
        release=release,
        filename=file.filename,
        packagetype=file.packagetype,
        python_version=file.python_version,
        size=file.size,
        md5_digest=file.md5,
        sha256_digest=file.sha256,
        blake2_256_digest=file.blake2,
        path=file.path,
        metadata_sha256_digest=file.metadata_sha256,
        metadata_blake2_256_digest=file.metadata_blake2,
        upload_time=release.created,
        uploaded_via="seed_synthetic",
    )


def _entry(project: Project, action: str, version: str | None, when: datetime) -> JournalEntry:
    return JournalEntry(
        name=project.name,
        normalized_name=project.normalized_name,
        project=project,
        version=version,
        action=action,
        submitted=when,
    )


def _allocate_ids(model, objects: list) -> None:
    """Give `objects` the next ids of `model`'s table, in order (the caller's transaction holds them)."""
    if not objects:
        return
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [table, len(objects)],
            )
            ids = sorted(row[0] for row in cursor.fetchall())
        else:
            # SQLite: transactions are IMMEDIATE (settings), so no other writer runs until this one commits.
            cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {connection.ops.quote_name(table)}")  # noqa: S608
            first = cursor.fetchone()[0] + 1
            ids = range(first, first + len(objects))
    for obj, pk in zip(objects, ids, strict=True):
        obj.pk = pk


def _bulk_insert(model, objects: list) -> None:
    """Insert `objects` (ids set): COPY on PostgreSQL, twice as fast as multi-row INSERTs here."""
    if not objects:
        return
    if connection.vendor != "postgresql":
        model.objects.bulk_create(objects, batch_size=500)
        return
    # Rows nobody refers to (roles, files, used filenames) take their ids from the table's own sequence.
    fields = [
        field
        for field in model._meta.concrete_fields
        if not field.generated and (objects[0].pk is not None or not field.primary_key)
    ]
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        for obj in objects:
            copy.write_row(
                [field.get_db_prep_save(getattr(obj, field.attname), connection) for field in fields]
            )
