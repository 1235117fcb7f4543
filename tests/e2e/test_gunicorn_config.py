"""gunicorn as config/gunicorn.conf.py runs it: connections a client opens and leaves silent do not hold the
worker's threads, so the requests on its other connections are answered at once.

uv opens connections ahead of need and leaves some of them idle; gunicorn's gthread gave each new connection
a thread that waited up to 5 s for its first bytes, and with two threads per worker two such connections
stalled every request behind them for 5 s (bench/resolution.py).
"""

import http.client
import socket
import subprocess
import sys
import time

import pytest

from tests.conftest import wait_for
from tests.e2e.clients import GUNICORN, ROOT, listening_port, server_env

pytestmark = [pytest.mark.e2e]


@pytest.fixture
def server(tmp_path):
    """Embedded Wharf under gunicorn: one worker with the configured threads (two)."""
    env = server_env(WHARF_DATA_DIR=str(tmp_path), DJANGO_SECRET_KEY="gunicorn-test-secret")
    subprocess.run([sys.executable, "manage.py", "migrate", "-v", "0"], cwd=ROOT, env=env, check=True)
    log_path = tmp_path / "server.log"
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            GUNICORN, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        wait_for(lambda: listening_port(log_path.read_text()), timeout=60)
        yield listening_port(log_path.read_text())
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
