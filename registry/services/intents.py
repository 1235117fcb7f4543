"""Storage intents: bytes in package storage are always claimed, by a file row or by an upload under way.

An upload records its intent (committed on its own) before it puts bytes into storage, and deletes it in the
transaction that records the file. A process killed in between leaves the intent, and `intents_sweep`
removes the bytes unless a file row claims them: at once when the process that wrote them is known dead (its
pid on this host), after `STALE_AFTER` otherwise.

One intent per path, and every release of an intent locks its row first: an upload of identical bytes that
takes the intent over waits for a sweep in progress (and then stores the bytes again), and a sweep never
removes bytes another upload has taken over.
"""

import os
import uuid
from datetime import timedelta

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from common.sql import sql
from registry import storage
from registry.models import File, StorageIntent
from registry.workers import this_host, writer_alive

# Uploads store their bytes within seconds of the intent (minutes for a large file into a slow bucket).
STALE_AFTER = timedelta(hours=6)
# One statement that commits on its own (autocommit): through the ORM, bulk_create's own transaction cost a
# BEGIN and a COMMIT of their own, three round trips for one row on every upload (bench/README.md, uploads).
_OPEN_SQL = sql(
    "INSERT INTO {StorageIntent} ({StorageIntent.path}, {StorageIntent.owner}, {StorageIntent.host},"
    " {StorageIntent.pid}, {StorageIntent.created}) VALUES (%s, %s, %s, %s, %s)"
    " ON CONFLICT ({StorageIntent.path}) DO UPDATE SET"
    " {StorageIntent.owner} = excluded.{StorageIntent.owner},"
    " {StorageIntent.host} = excluded.{StorageIntent.host},"
    " {StorageIntent.pid} = excluded.{StorageIntent.pid},"
    " {StorageIntent.created} = excluded.{StorageIntent.created}",
    StorageIntent=StorageIntent,
)


def intent_open(*, path: str) -> str:
    """Record that this process is about to store `path`; returns the owner token to close it with.

    Must run outside any transaction (it has to be committed before the bytes are stored).
    """
    owner = uuid.uuid4().hex
    created = connection.ops.adapt_datetimefield_value(timezone.now())
    with connection.cursor() as cursor:
        cursor.execute(_OPEN_SQL, [path, owner, this_host(), os.getpid(), created])
    return owner


def intent_claim(*, path: str) -> str | None:
    """Hold `path` for removal, unless an upload holds it; returns the owner token, or None."""
    owner = uuid.uuid4().hex
    try:
        with transaction.atomic():
            if StorageIntent.objects.filter(path=path).exists():
                return None
            StorageIntent.objects.create(path=path, owner=owner, host=this_host(), pid=os.getpid())
    except IntegrityError:  # an upload recorded its intent in the meantime
        return None
    return owner


def intent_fulfil(*, path: str) -> None:
    """In the transaction that records the file: its row claims the bytes from now on."""
    StorageIntent.objects.filter(path=path).delete()


def intent_abandon(*, path: str, owner: str) -> None:
    """The upload failed: remove its bytes unless a file row claims them or another upload took them over."""
    _release(StorageIntent.objects.filter(path=path, owner=owner))


def intents_sweep(*, now=None) -> int:
    """Remove what dead uploads left in storage: intents of dead processes here, and stale ones anywhere."""
    now = now or timezone.now()
    released = 0
    for intent in StorageIntent.objects.all():
        dead = writer_alive(intent.host, intent.pid) is False
        if dead or intent.created < now - STALE_AFTER:
            released += _release(StorageIntent.objects.filter(pk=intent.pk, owner=intent.owner))
    return released


def claimed_paths() -> set[str]:
    """Paths uploads under way are storing (their intents), for the storage check."""
    paths = set(StorageIntent.objects.values_list("path", flat=True))
    return paths | {f"{path}.metadata" for path in paths}


def _release(intents) -> int:
    with transaction.atomic():
        intent = intents.select_for_update().first()
        if intent is None:
            return 0
        if not File.objects.filter(path=intent.path).exists():
            storage.delete_stored(intent.path, f"{intent.path}.metadata")
        intent.delete()
    return 1
