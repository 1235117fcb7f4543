"""Where distribution files live. Hides whether package storage is the local disk or an S3 bucket.

Paths follow PyPI's content-addressed layout `<b2[0:2]>/<b2[2:4]>/<b2[4:]>/<filename>` (Warehouse's
`file_upload`), so two different files can never share a path and identical bytes always land in the same
place. Because a path
that exists is trusted to hold its bytes, every write is atomic: a file appears whole or not at all.
"""

import os
import shutil
import tempfile
from collections.abc import Iterator
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
        except OSError:  # another device: copy

            def copy(handle):
                with open(source, "rb") as original:
                    shutil.copyfileobj(original, handle)

            _write_atomically(destination, copy)
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
        _write_atomically(destination, lambda handle: handle.write(data))
        os.chmod(destination, 0o644)
        return
    if not storage.exists(path):
        storage.save(path, ContentFile(data))


def _write_atomically(destination: Path, write) -> None:
    """Write into a temporary file beside `destination`, then rename it there: never a half-written file."""
    fd, temporary = tempfile.mkstemp(prefix=".store-", dir=destination.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            write(handle)
        os.replace(temporary, destination)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


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


def stored_paths() -> Iterator[str]:
    """Every path in package storage (files and `.metadata`), relative to its root, in no particular order."""
    storage = package_storage()
    if isinstance(storage, FileSystemStorage):
        root = Path(storage.location)
        for directory, _dirs, names in os.walk(root):
            for name in names:
                yield str((Path(directory) / name).relative_to(root))
        return
    # S3: one listing of the prefix (pages of 1,000 keys), not a directory walk of 65,536 prefixes.
    prefix = f"{storage.location.strip('/')}/" if storage.location else ""
    for item in storage.bucket.objects.filter(Prefix=prefix):
        yield item.key[len(prefix) :]
