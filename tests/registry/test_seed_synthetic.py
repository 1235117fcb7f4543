"""`manage.py seed_synthetic`: a synthetic index of PyPI's shape, refused on a database with real users."""

import hashlib
import io
import json
import zipfile

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count, Max
from django.utils import timezone

from registry.enums import PackageType
from registry.models import File, JournalEntry, Project, ProjectSearch, Release, UsedFilename
from registry.names import normalize
from tests.conftest import state

pytestmark = pytest.mark.integration


def seed(*args):
    out = io.StringIO()
    call_command("seed_synthetic", *args, "-v", "0", stdout=out)
    return out.getvalue()


def test_fills_an_empty_index_with_the_shape_asked_for(db):
    report = seed("--projects", "30", "--files-per-project", "4", "--seed", "3")

    assert Project.objects.count() == 30
    assert "Added 30 projects" in report
    files = File.objects.count()
    huge = Project.objects.annotate(files=Count("releases__files")).filter(files__gte=1000)
    assert huge.count() == 1  # a few projects of 1,000+ files, one in so small an index
    assert huge.get().files == 1000  # the first is exactly that large: the page bench/scale.py times
    # Even a huge project's long history is dated in the past (feeds and the home page order by it).
    now = timezone.now()
    for model in (Release, File, JournalEntry):
        field = "upload_time" if model is File else "submitted" if model is JournalEntry else "created"
        assert not model.objects.filter(**{f"{field}__gt": now}).exists(), model
    assert 29 * 2 <= files - huge.get().files <= 29 * 6  # about 4 a project (x0.5-1.5, whole releases)
    assert File.objects.filter(packagetype=PackageType.SDIST).exists()
    assert File.objects.filter(packagetype=PackageType.WHEEL).exclude(metadata_sha256_digest="").exists()
    assert UsedFilename.objects.count() == files
    # Each project's serial is its newest journal entry, as journal_record keeps it.
    newest = dict(JournalEntry.objects.values_list("project").annotate(serial=Max("id")))
    assert dict(Project.objects.values_list("pk", "last_serial")) == newest
    assert JournalEntry.objects.filter(action="create").count() == 30
    assert ProjectSearch.objects.count() == 30  # search finds them
    assert JournalEntry.objects.filter(action__startswith="add ", action__contains=" file ").count() == files
    # Filenames start with the normalized name (PEP 427/625), as uploads make them.
    for file in File.objects.select_related("release__project")[:200]:
        assert file.filename.startswith(file.release.project.normalized_name.replace("-", "_") + "-")
        assert normalize(file.release.project.name) == file.release.project.normalized_name


def test_the_same_seed_gives_the_same_index(db):
    seed("--projects", "5", "--files-per-project", "2", "--seed", "9")
    first = list(Release.objects.order_by("pk").values_list("project__name", "version", "yanked"))
    Project.objects.all().delete()
    UsedFilename.objects.all().delete()

    seed("--projects", "5", "--files-per-project", "2", "--seed", "9", "--force")

    assert list(Release.objects.order_by("pk").values_list("project__name", "version", "yanked")) == first


def test_exact_files_gives_every_project_that_many_files_and_none_huge(db):
    seed("--projects", "12", "--files-per-project", "7", "--exact-files", "--seed", "2")
    seed("--projects", "1", "--files-per-project", "600", "--exact-files", "--seed", "3")

    sizes = Project.objects.annotate(files=Count("releases__files")).values_list("files", flat=True)
    assert sorted(sizes) == [7] * 12 + [600]


def test_refuses_a_database_with_real_users(alice, unchanged):
    with unchanged(), pytest.raises(CommandError, match="real user accounts"):
        seed("--projects", "3", "--files-per-project", "2")

    seed("--projects", "3", "--files-per-project", "2", "--force")
    assert Project.objects.count() == 3


def test_refuses_nonsense_sizes(db, unchanged):
    with unchanged(), pytest.raises(CommandError, match="at least 1"):
        seed("--projects", "0", "--files-per-project", "2")


def test_with_files_stores_bytes_that_match_their_digests(db, client):
    seed("--projects", "2", "--files-per-project", "2", "--seed", "4", "--with-files")

    wheel = File.objects.filter(packagetype=PackageType.WHEEL).select_related("release__project").first()
    served = b"".join(client.get(f"/packages/{wheel.path}").streaming_content)
    assert hashlib.sha256(served).hexdigest() == wheel.sha256_digest
    with zipfile.ZipFile(io.BytesIO(served)) as archive:
        assert archive.testzip() is None
    metadata = b"".join(client.get(f"/packages/{wheel.path}.metadata").streaming_content)
    assert hashlib.sha256(metadata).hexdigest() == wheel.metadata_sha256_digest
    page = client.get(
        f"/simple/{wheel.release.project.normalized_name}/", HTTP_ACCEPT="application/vnd.pypi.simple.v1+json"
    )
    assert wheel.filename in {file["filename"] for file in json.loads(page.content)["files"]}
    assert (
        len(state()["stored"])
        == File.objects.count() + File.objects.exclude(metadata_sha256_digest="").count()
    )
