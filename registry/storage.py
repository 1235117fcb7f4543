"""Where distribution files live. Hides whether package storage is the local disk or an S3 bucket.

Paths follow PyPI's content-addressed layout `<b2[0:2]>/<b2[2:4]>/<b2[4:]>/<filename>` (Warehouse's
`file_upload`), so two different files can never share a path and identical bytes always land in the same
place.
"""

import os
import shutil
from pathlib import Path
from typing import IO

from django.core.files.base import ContentFile, File
from django.core.files.storage import FileSystemStorage, Storage, storages


def package_storage() -> Storage:
    return storages["packages"]


def file_path(*, blake2_256_digest: str, filename: str) -> str:
    b2 = blake2_256_digest
    return f"{b2[:2]}/{b2[2:4]}/{b2[4:]}/{filename}"


def store_file(source: Path, *, path: str) -> None:
    """Put the finished upload at `path`. On the local disk this is a hard link (or a copy across devices)."""
    storage = package_storage()
    if isinstance(storage, FileSystemStorage):
        destination = Path(storage.path(path))
        destination.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(source, destination)
        except FileExistsError:
            pass  # same content-addressed path: the bytes are identical
        except OSError:
            shutil.copyfile(source, destination)
        os.chmod(destination, 0o644)
        return
    if not storage.exists(path):
        with open(source, "rb") as handle:
            storage.save(path, File(handle))


def store_bytes(data: bytes, *, path: str) -> None:
    storage = package_storage()
    if isinstance(storage, FileSystemStorage):
        destination = Path(storage.path(path))
        destination.parent.mkdir(parents=True, exist_ok=True)
        destination.write_bytes(data)
        os.chmod(destination, 0o644)
        return
    if not storage.exists(path):
        storage.save(path, ContentFile(data))


def open_stored(path: str) -> IO[bytes]:
    """Open a stored file for streaming; raises FileNotFoundError when it is missing."""
    storage = package_storage()
    if not isinstance(storage, FileSystemStorage) and not storage.exists(path):
        raise FileNotFoundError(path)
    return storage.open(path, "rb")


def delete_stored(*paths: str) -> None:
    storage = package_storage()
    for path in paths:
        if storage.exists(path):
            storage.delete(path)
