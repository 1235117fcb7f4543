"""Removing distribution files, and deleting stored bytes once nothing refers to them.

Rows go inside the transaction; the bytes in package storage go after it commits, in a Celery task, so a
rolled-back deletion never loses a file and a slow bucket never holds a database transaction open.
"""

from django.db import transaction
from django.db.models import F

from registry import notifications, storage
from registry.models import File
from registry.services.journal import journal_record
from registry.services.permissions import require_owner


@transaction.atomic
def file_remove(*, file: File, actor) -> None:
    """Delete one file of a release; journal `remove file <filename>` and shrink the project's total size.

    The filename stays used for ever (its UsedFilename row is kept, as Warehouse's `Filename` log). The
    release stays, even when it has no file left, as on PyPI. Raises ManageNotPermitted unless `actor` is an
    Owner.
    """
    release = file.release
    project = release.project
    require_owner(project=project, user=actor)
    file.delete()
    journal_record(
        project,
        (f"remove file {file.filename}", release.version),
        actor=actor,
        also_update={"total_size": F("total_size") - file.size},
    )
    notifications.project_event(
        project, "file_deleted", actor=actor, filename=file.filename, version=release.version
    )
    discard_stored_after_commit([file.path])


def discard_stored_after_commit(paths: list[str]) -> None:
    """Have a worker delete `paths` (and their `.metadata` siblings) once the current transaction commits."""
    from registry.tasks import delete_stored_files

    if paths:
        paths = list(paths)
        transaction.on_commit(lambda: delete_stored_files.delay(paths=paths))


def stored_files_delete(*, paths: list[str]) -> int:
    """Delete the stored bytes of `paths` that no File row points at any more; returns how many went.

    The check guards against a file that came back under the same content-addressed path in the meantime.
    """
    still_used = set(File.objects.filter(path__in=paths).values_list("path", flat=True))
    gone = [path for path in paths if path not in still_used]
    for path in gone:
        storage.delete_stored(path, f"{path}.metadata")
    return len(gone)
