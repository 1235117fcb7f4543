"""Sweeps every web process runs itself, at start-up and every `INTERVAL_SECONDS`, in both modes.

Partial uploads live on the web host's disk, so only a process there can sweep them, and the embedded mode has
no Celery beat; storage intents are swept on the same clock (cheap: the table holds only uploads under way).
A worker killed in the middle of an upload is replaced by a new one, whose start-up sweep removes what it
left. `config/gunicorn.conf.py` calls `start` in each worker.
"""

import logging
import threading

from django.db import close_old_connections, connection

from registry.services.intents import intents_sweep
from registry.upload import partials

logger = logging.getLogger(__name__)

INTERVAL_SECONDS = 600
_started = threading.Event()


def sweep() -> None:
    """Remove the partial uploads and the storage intents that dead or stalled uploads left."""
    try:
        count, size = partials.sweep()
        released = intents_sweep()
    except Exception:  # a database or disk hiccup must not stop the server: the next round tries again
        logger.exception("housekeeping sweep failed")
        return
    finally:
        close_old_connections()
    if count or released:
        logger.info("removed %d partial uploads (%d bytes) and %d storage intents", count, size, released)


def start() -> None:
    """Sweep now, then every INTERVAL_SECONDS in a daemon thread; once per process."""
    if _started.is_set():
        return
    _started.set()
    sweep()
    threading.Thread(target=_loop, name="wharf-housekeeping", daemon=True).start()


def _loop() -> None:
    stop = threading.Event()
    while not stop.wait(INTERVAL_SECONDS):
        sweep()
        connection.close()  # this thread's own connection: do not keep it open between rounds
