"""SQLite: the write-ahead log copied back into the database after a response has gone out, not inside a COMMIT.

SQLite copies its write-ahead log into the database file (a checkpoint, which ends with an fsync) whenever a
COMMIT leaves the log longer than `wal_autocheckpoint` pages: the request whose COMMIT crosses the line waits for
it. On this project's machine that is one public complaint in about twenty, and its COMMIT takes 4 ms instead of
0.2 (bench/profile_intake.py --lock: COMMIT p95 4.2 ms with SQLite's own checkpoints, 0.3 ms with these).

The production WSGI application (pengaduan.ops.wsgi) calls `enable()`: its connections check the log only as
a safety net, at many more pages, and when a request has finished (Django's request_finished, sent once the
response has been written to the client) a worker that finds FRAMES_PER_CHECKPOINT pages in the log not yet
copied back, whichever worker wrote them, runs a passive checkpoint. A passive checkpoint waits for no reader or
writer: the other workers go on writing meanwhile. Processes without requests (the jobs, the command line) keep
SQLite's default.

How much of the log waits is read from the wal-index (the `-shm` file every connection to the database maps):
its header's last frame and the checkpoint's backfill mark (https://www.sqlite.org/walformat.html), one small
read per request. Counted per worker instead (the rows it wrote, the fallback where the wal-index cannot be
read), four workers checkpointed four times as often as one, each copying again the pages every complaint
touches (the last leaf of each index): a checkpoint every seven public complaints instead of every hundred.

What these checkpoints do not do is start the log afresh: SQLite restarts it only when no reader holds a snapshot
older than the last checkpoint, which under constant load is seldom. The log then grows to the safety net, where
SQLite's own checkpoint in a COMMIT finds little left to copy (bench/results/20261204-2015-intake-session13.txt).
"""

import logging
import os
import struct
import threading

from django.db import connections
from django.db.backends.signals import connection_created

from pengaduan import request_cycle

logger = logging.getLogger(__name__)

FRAMES_PER_CHECKPOINT = 4000  # pages of the log not copied back (16 MB at 4 KiB; a public complaint writes ~37)
CHANGES_PER_CHECKPOINT = 400  # rows this worker wrote, where the wal-index cannot be read
SAFETY_NET_PAGES = 10000  # SQLite's own checkpoint, should no request finish (40 MB of log at most)
REQUEST_CYCLE_NAME = "walcheckpoint"  # its name in pengaduan.request_cycle

# The wal-index header: the last valid frame of the log (WalIndexHdr.mxFrame, the first of two copies) and the
# frames already copied back (WalCkptInfo.nBackfill), in the machine's byte order.
_MAX_FRAME_AT, _BACKFILL_AT, _HEADER_BYTES = 16, 96, 136

_state = threading.local()
_index_files: dict[str, int] = {}  # database path -> an open descriptor of its wal-index, one per process
_index_lock = threading.Lock()


def enable() -> None:
    connection_created.connect(_configure, dispatch_uid="walcheckpoint_configure")
    request_cycle.at_finish(REQUEST_CYCLE_NAME, checkpoint_if_due)


def _configure(sender, connection, **kwargs) -> None:
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA wal_autocheckpoint={SAFETY_NET_PAGES}")


def checkpoint_if_due(**kwargs) -> bool:
    """After a request that wrote: a passive checkpoint when the log holds enough pages not copied back (else:
    when this process's SQLite connection has written enough rows since its last checkpoint)."""
    connection = connections["default"]
    if connection.vendor != "sqlite" or connection.connection is None or connection.in_atomic_block:
        return False
    raw = connection.connection
    seen, looked = getattr(_state, "looked", (None, None))
    if seen is raw and raw.total_changes == looked:
        return False  # a request that wrote nothing: the workers that write look at the log (no system call here)
    _state.looked = (raw, raw.total_changes)
    waiting = frames_waiting(raw)
    if waiting is None:
        seen, last = getattr(_state, "last", (None, 0))
        if raw.total_changes - (last if seen is raw else 0) < CHANGES_PER_CHECKPOINT:
            return False
        _state.last = (raw, raw.total_changes)
    elif waiting < FRAMES_PER_CHECKPOINT:
        return False
    try:
        raw.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
    except Exception:  # never fail a finished request; SQLite's own checkpoint is still there
        logger.warning("Could not checkpoint the SQLite write-ahead log", exc_info=True)
        return False
    return True


def frames_waiting(raw) -> int | None:
    """How many frames of the log are not copied back into the database yet, by any connection; None when the
    wal-index cannot be read (an in-memory database, no log yet, another VFS)."""
    fd = _index_file(raw)
    if fd is None:
        return None
    try:
        header = os.pread(fd, _HEADER_BYTES, 0)
    except OSError:
        return None
    if len(header) < _HEADER_BYTES:
        return None
    (max_frame,) = struct.unpack_from("=I", header, _MAX_FRAME_AT)
    (backfilled,) = struct.unpack_from("=I", header, _BACKFILL_AT)
    return max(max_frame - backfilled, 0)


def _index_file(raw) -> int | None:
    cached = getattr(_state, "index", None)
    if cached is not None and cached[0] is raw:
        path = cached[1]
    else:
        try:
            path = next((row[2] for row in raw.execute("PRAGMA database_list") if row[1] == "main"), "")
        except Exception:
            path = ""
        _state.index = (raw, path)
    if not path:
        return None
    with _index_lock:
        fd = _index_files.get(path)
        try:
            # A wal-index removed and made again (the last connection closed meanwhile) is opened again.
            if fd is not None and os.fstat(fd).st_nlink == 0:
                os.close(fd)
                fd = None
            if fd is None:
                fd = _index_files[path] = os.open(f"{path}-shm", os.O_RDONLY)
        except OSError:
            _index_files.pop(path, None)
            return None
    return fd
