"""gunicorn as config/gunicorn.conf.py runs it: connections a client opens and leaves silent do not hold the
worker's threads, so the requests on its other connections are answered at once.

uv opens connections ahead of need and leaves some of them idle; gunicorn's gthread gave each new connection
a thread that waited up to 5 s for its first bytes, and with two threads per worker two such connections
stalled every request behind them for 5 s (bench/resolution.py).
"""

import http.client
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import wait_for

pytestmark = [pytest.mark.e2e]

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


@pytest.fixture
def server(tmp_path):
    """Embedded Wharf under gunicorn: one worker with the configured threads (two)."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DATABASE_URL", "REDIS_URL", "WHARF_", "DJANGO_", "WEB_CONCURRENCY"))
    }
    env.update(WHARF_DATA_DIR=str(tmp_path), DJANGO_SECRET_KEY="gunicorn-test-secret")
    subprocess.run([sys.executable, "manage.py", "migrate", "-v", "0"], cwd=ROOT, env=env, check=True)
    log_path = tmp_path / "server.log"
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            [
                BIN / "gunicorn",
                "-c",
                "config/gunicorn.conf.py",
                "-b",
                "127.0.0.1:0",
                "config.wsgi:application",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        listening = r"Listening at: http://127.0.0.1:(\d+)"
        wait_for(lambda: re.search(listening, log_path.read_text()), timeout=60)
        yield int(re.search(listening, log_path.read_text())[1])
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_silent_connections_do_not_hold_the_threads(server):
    silent = [socket.create_connection(("127.0.0.1", server)) for _ in range(4)]  # twice the threads
    try:
        time.sleep(0.2)  # the worker has accepted them
        started = time.monotonic()
        connection = http.client.HTTPConnection("127.0.0.1", server, timeout=30)
        connection.request("GET", "/simple/")
        response = connection.getresponse()
        response.read()
        elapsed = time.monotonic() - started
        connection.close()
    finally:
        for sock in silent:
            sock.close()
    assert response.status == 200
    assert elapsed < 2  # 5 s and more while silent connections held both threads
