"""Named points at which a crash test can have the server process killed (SIGKILL), to prove that no
crash leaves the index inconsistent (tests/test_crash_consistency.py).

Inert unless `WHARF_KILL_POINTS_DIR` is set in the server's environment: then reaching point `name` kills
the process if the file `<WHARF_KILL_POINTS_DIR>/<name>` exists, removing it first, so each arming fires
once. Unset, each point costs one comparison.

The upload's points, in order: `upload-before-storage`, `upload-after-storage` (bytes stored, rows written,
not committed), `upload-after-commit` (before any on-commit work), `upload-after-response`.
"""

import os
import signal

DIRECTORY = os.environ.get("WHARF_KILL_POINTS_DIR") or None


def reached(name: str) -> None:
    if DIRECTORY is None:
        return
    try:
        os.unlink(os.path.join(DIRECTORY, name))
    except FileNotFoundError:
        return
    os.kill(os.getpid(), signal.SIGKILL)


def after_response(response, name: str):
    """`response`, made to reach `name` once the server has sent it (when the WSGI server closes it)."""
    if DIRECTORY is not None:
        close = response.close

        def close_then_reach():
            close()
            reached(name)

        response.close = close_then_reach
    return response
