"""Package storage against the file rows: rows whose bytes are gone, and bytes no row claims.

`python manage.py check_storage [--repair]` and the daily beat task `registry.tasks.check_storage` call
`storage_check`. Repairs: bytes no row or upload claims are deleted; a missing `.metadata` is rebuilt from its
wheel when the wheel's METADATA still has the recorded digest; a file whose bytes are gone is removed like an
owner's removal (journal `remove file <filename>`, the filename stays used), since no client can download it.
"""

import hashlib
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.db.models import F

from registry import storage
from registry.models import File
from registry.services.intents import claimed_paths, intent_abandon, intent_claim, intents_sweep
from registry.services.journal import journal_record
from registry.upload.archives import inspect_distribution


@dataclass
class StorageReport:
    files: int = 0  # file rows checked
    stored: int = 0  # paths found in storage
    missing: list[str] = field(default_factory=list)  # filenames whose bytes are gone
    missing_metadata: list[str] = field(default_factory=list)  # wheels whose `.metadata` is gone
    orphans: list[str] = field(default_factory=list)  # stored paths no row or upload claims
    repaired: list[str] = field(default_factory=list)  # one line per repair made

    @property
    def clean(self) -> bool:
        return not (self.missing or self.missing_metadata or self.orphans)

    def lines(self) -> list[str]:
        return [
            *(f"missing file: {name}" for name in self.missing),
            *(f"missing metadata: {name}.metadata" for name in self.missing_metadata),
            *(f"no row: {path}" for path in self.orphans),
            *(f"repaired: {line}" for line in self.repaired),
        ]


def storage_check(*, repair: bool = False) -> StorageReport:
    """Compare storage with the file rows; with `repair`, fix what can be fixed (module docstring)."""
    if repair:
        intents_sweep()
    # Storage is listed first: an upload records its intent before it stores and its row before the intent
    # goes, so whatever the listing saw is claimed by the intents or rows read after it.
    stored = set(storage.stored_paths())
    claimed = claimed_paths()
    rows = list(File.objects.values_list("id", "filename", "path", "metadata_sha256_digest"))
    report = StorageReport(files=len(rows), stored=len(stored))
    expected = set()
    for file_id, filename, path, metadata_digest in rows:
        expected.add(path)
        if path not in stored:
            report.missing.append(filename)
            if repair:
                report.repaired += _forget_file(file_id)
            continue
        if metadata_digest:
            expected.add(f"{path}.metadata")
            if f"{path}.metadata" not in stored:
                report.missing_metadata.append(filename)
                if repair:
                    report.repaired += _rebuild_metadata(path, filename, metadata_digest)
    report.orphans = sorted(stored - expected - claimed)
    if repair:
        for path in report.orphans:
            owner = intent_claim(path=path)
            if owner is not None:
                intent_abandon(path=path, owner=owner)
                report.repaired.append(f"deleted {path}")
    return report


def _forget_file(file_id: int) -> list[str]:
    with transaction.atomic():
        file = File.objects.select_for_update().select_related("release__project").filter(pk=file_id).first()
        if file is None or storage.package_storage().exists(file.path):
            return []
        release = file.release
        file.delete()
        journal_record(
            release.project,
            (f"remove file {file.filename}", release.version),
            also_update={"total_size": F("total_size") - file.size},
        )
    return [f"removed the row of {file.filename}, whose bytes are gone"]


def _rebuild_metadata(path: str, filename: str, digest: str) -> list[str]:
    with tempfile.TemporaryDirectory() as directory:
        local = Path(directory) / filename
        with storage.open_stored(path) as source, open(local, "wb") as target:
            shutil.copyfileobj(source, target)
        try:
            metadata = inspect_distribution(local, filename=filename, filetype="bdist_wheel").metadata
        except Exception:  # a damaged wheel: reported, not rebuilt
            return []
    if hashlib.sha256(metadata).hexdigest() != digest:
        return []
    storage.store_bytes(metadata, path=f"{path}.metadata")
    return [f"rebuilt {path}.metadata from its wheel"]
