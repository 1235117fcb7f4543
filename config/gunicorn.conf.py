"""gunicorn settings for `make run` and production.

Environment: WHARF_BIND, WEB_CONCURRENCY, WHARF_THREADS.
"""

import multiprocessing
import os

bind = os.environ.get("WHARF_BIND", "127.0.0.1:8000")
# Without Redis the cache lives in the process, so one process (with threads) keeps every page fresh.
workers = int(
    os.environ.get("WEB_CONCURRENCY")
    or (multiprocessing.cpu_count() + 1 if os.environ.get("REDIS_URL") else 1)
)
worker_class = "gthread"
threads = int(os.environ.get("WHARF_THREADS", "8"))
# Large uploads over slow links take a while; twine does not retry a timed-out upload.
timeout = 600
keepalive = 5
limit_request_field_size = 8190 * 4
accesslog = os.environ.get("WHARF_ACCESS_LOG", "-")
