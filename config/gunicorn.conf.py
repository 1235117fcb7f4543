"""gunicorn settings for `make run` and production.

Environment: WHARF_BIND, WEB_CONCURRENCY, WHARF_THREADS, WHARF_ACCESS_LOG.
"""

import multiprocessing
import os

from gunicorn.workers import gthread

bind = os.environ.get("WHARF_BIND", "127.0.0.1:8000")
# Without Redis the cache lives in the process, so one process (with threads) keeps every page fresh.
workers = int(
    os.environ.get("WEB_CONCURRENCY")
    or (multiprocessing.cpu_count() + 1 if os.environ.get("REDIS_URL") else 1)
)
worker_class = "gthread"
# Most requests take well under a millisecond; more threads per process mostly contend for the GIL
# (measured: one process answered ~2,500 Simple requests/s with 2 threads, ~2,000 with 8). Uploads
# stream from the socket and release the GIL while they wait, so two threads still serve reads beside one.
threads = int(os.environ.get("WHARF_THREADS", "2"))
# gthread hands each new connection to a thread that waits up to 5 s for its first bytes (gunicorn's
# DEFAULT_WORKER_DATA_TIMEOUT, not a setting). uv opens connections ahead of need and leaves some idle: two of
# them held both threads of a worker for 5 s while the requests on other connections queued behind them
# (bench/resolution.py: `uv pip compile` 5.4 s instead of 0.4 s, about one run in two). A connection still
# silent after 50 ms waits in the worker's poller, without a thread, until it sends (or its keepalive ends).
if hasattr(gthread, "DEFAULT_WORKER_DATA_TIMEOUT"):
    gthread.DEFAULT_WORKER_DATA_TIMEOUT = 0.05
# Large uploads over slow links take a while; twine does not retry a timed-out upload.
timeout = 600
keepalive = 5
limit_request_field_size = 8190 * 4
# Off unless asked for (`-` for stdout, or a path): formatting a line per request cost ~10% of throughput.
accesslog = os.environ.get("WHARF_ACCESS_LOG") or None


def post_worker_init(worker):
    """Each worker sweeps what dead uploads left, now and every few minutes (registry/housekeeping.py), then
    puts the application it loaded out of the garbage collector's way."""
    import gc
    import importlib

    from django.conf import settings

    from registry import housekeeping

    housekeeping.start()
    # A full collection walks every object of the loaded application (~160,000): 30-55 ms, paid by the first
    # request that allocates enough, such as a cold 1,000-file Simple page. The URL conf imports the views;
    # frozen, those objects are never walked again (gc.freeze).
    importlib.import_module(settings.ROOT_URLCONF)
    gc.freeze()
