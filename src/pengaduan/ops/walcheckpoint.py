"""SQLite: the write-ahead log copied back into the database after a response has gone out, not inside a COMMIT.

SQLite copies its write-ahead log into the database file (a checkpoint, which ends with an fsync) whenever a
COMMIT leaves the log longer than `wal_autocheckpoint` pages: the request whose COMMIT crosses the line waits for
it. On this project's machine that is one public complaint in about twenty, and its COMMIT takes 4 ms instead of
0.2 (bench/profile_intake.py --lock: COMMIT p95 4.2 ms with SQLite's own checkpoints, 0.3 ms with these).

The production WSGI application (pengaduan.ops.wsgi) calls `enable()`: its connections check the log only as
a safety net, at many more pages, and a worker that has written CHANGES_PER_CHECKPOINT rows since its last
checkpoint runs a passive one when a request has finished (Django's request_finished, sent once the response
has been written to the client). A passive checkpoint waits for no reader or writer: the other workers go on
writing meanwhile. Processes without requests (the jobs, the command line) keep SQLite's default.
"""

import logging
import threading

from django.core.signals import request_finished
from django.db import connections
from django.db.backends.signals import connection_created

logger = logging.getLogger(__name__)

CHANGES_PER_CHECKPOINT = 400  # rows; a public complaint writes about 15
SAFETY_NET_PAGES = 10000  # SQLite's own checkpoint, should no request finish (40 MB of log at most)

_state = threading.local()


def enable() -> None:
    connection_created.connect(_configure, dispatch_uid="walcheckpoint_configure")
    request_finished.connect(checkpoint_if_due, dispatch_uid="walcheckpoint_after_response")


def _configure(sender, connection, **kwargs) -> None:
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA wal_autocheckpoint={SAFETY_NET_PAGES}")


def checkpoint_if_due(**kwargs) -> bool:
    """A passive checkpoint when this process's SQLite connection has written enough rows since the last one."""
    connection = connections["default"]
    if connection.vendor != "sqlite" or connection.connection is None or connection.in_atomic_block:
        return False
    raw = connection.connection
    seen, last = getattr(_state, "last", (None, 0))
    if raw.total_changes - (last if seen is raw else 0) < CHANGES_PER_CHECKPOINT:
        return False
    _state.last = (raw, raw.total_changes)
    try:
        raw.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
    except Exception:  # never fail a finished request; SQLite's own checkpoint is still there
        logger.warning("Could not checkpoint the SQLite write-ahead log", exc_info=True)
        return False
    return True
