"""SQLite's write-ahead log is checkpointed after responses, by a worker that finds enough of it waiting
(ops.walcheckpoint)."""

import sqlite3
from types import SimpleNamespace

import pytest
from django.db import connection

from pengaduan.ops import walcheckpoint


def wal_database(path) -> sqlite3.Connection:
    raw = sqlite3.connect(path, isolation_level=None)
    raw.execute("PRAGMA journal_mode=WAL")
    raw.execute("PRAGMA wal_autocheckpoint=0")  # as the safety net would be: nothing copied back by SQLite itself
    raw.execute("CREATE TABLE t (x INTEGER)")
    return raw


def write(raw, rows: int) -> None:
    raw.execute("BEGIN")
    raw.executemany("INSERT INTO t VALUES (?)", [(n,) for n in range(rows)])
    raw.execute("COMMIT")


def write_pages(raw, pages: int) -> None:
    """A transaction that adds about `pages` pages to the log (a row of a page's size each)."""
    raw.execute("BEGIN")
    raw.executemany("INSERT INTO t VALUES (?)", [(b"x" * 4000,) for _ in range(pages)])
    raw.execute("COMMIT")


def serve_with(monkeypatch, raw, *, in_atomic_block=False, vendor="sqlite"):
    monkeypatch.setattr(walcheckpoint, "connections",
                        {"default": SimpleNamespace(vendor=vendor, connection=raw, in_atomic_block=in_atomic_block)})


@pytest.fixture
def worker(tmp_path, monkeypatch):
    raw = wal_database(tmp_path / "db.sqlite3")
    serve_with(monkeypatch, raw)
    monkeypatch.setattr(walcheckpoint, "_state", type(walcheckpoint._state)())
    return raw


@pytest.fixture
def unreadable_index(monkeypatch):
    monkeypatch.setattr(walcheckpoint, "frames_waiting", lambda raw: None)


def test_it_checkpoints_after_a_request_once_the_log_holds_enough_whoever_wrote_it(worker, tmp_path, monkeypatch):
    monkeypatch.setattr(walcheckpoint, "FRAMES_PER_CHECKPOINT", 40)
    database = tmp_path / "db.sqlite3"
    other = sqlite3.connect(database, isolation_level=None)  # another worker
    write_pages(other, 10)
    assert 10 <= walcheckpoint.frames_waiting(worker) < 40
    assert not walcheckpoint.checkpoint_if_due()
    before = database.stat().st_size
    write_pages(other, 40)
    assert walcheckpoint.frames_waiting(worker) >= 40
    write(worker, 1)
    assert walcheckpoint.checkpoint_if_due()  # this worker wrote one row: the log is the same for every worker
    assert database.stat().st_size > before and walcheckpoint.frames_waiting(worker) == 0
    write(worker, 1)
    assert not walcheckpoint.checkpoint_if_due()
    write_pages(worker, 5)  # the log starts again from its beginning
    assert 5 <= walcheckpoint.frames_waiting(other) < 40


def test_a_request_that_wrote_nothing_does_not_look_at_the_log(worker, monkeypatch):
    """Every request ends here: one that only read (the bare page, the portal's pages) makes no system call."""
    looked = []
    monkeypatch.setattr(walcheckpoint, "frames_waiting", lambda raw: looked.append(raw) or 0)
    write(worker, 1)
    walcheckpoint.checkpoint_if_due()
    walcheckpoint.checkpoint_if_due()
    assert looked == [worker]
    write(worker, 1)
    walcheckpoint.checkpoint_if_due()
    assert looked == [worker, worker]


def test_a_database_without_a_wal_index_has_nothing_to_read(tmp_path):
    assert walcheckpoint.frames_waiting(sqlite3.connect(":memory:")) is None
    assert walcheckpoint.frames_waiting(sqlite3.connect(tmp_path / "rollback-journal.sqlite3")) is None


def test_it_checkpoints_after_a_request_once_the_worker_has_written_enough(worker, tmp_path, unreadable_index):
    database = tmp_path / "db.sqlite3"
    write(worker, walcheckpoint.CHANGES_PER_CHECKPOINT - 1)
    assert not walcheckpoint.checkpoint_if_due()
    before = database.stat().st_size  # the rows are in the log only
    write(worker, 1)
    assert walcheckpoint.checkpoint_if_due()
    assert database.stat().st_size > before  # copied into the database file
    assert not walcheckpoint.checkpoint_if_due()  # counted from this checkpoint on


def test_it_counts_a_new_connection_from_zero(worker, tmp_path, monkeypatch, unreadable_index):
    write(worker, walcheckpoint.CHANGES_PER_CHECKPOINT)
    assert walcheckpoint.checkpoint_if_due()
    fresh = sqlite3.connect(tmp_path / "db.sqlite3", isolation_level=None)
    serve_with(monkeypatch, fresh)
    write(fresh, walcheckpoint.CHANGES_PER_CHECKPOINT)
    assert walcheckpoint.checkpoint_if_due()


def test_it_leaves_a_transaction_in_progress_and_other_databases_alone(worker, monkeypatch, unreadable_index):
    write(worker, walcheckpoint.CHANGES_PER_CHECKPOINT)
    serve_with(monkeypatch, worker, in_atomic_block=True)
    assert not walcheckpoint.checkpoint_if_due()
    serve_with(monkeypatch, object(), vendor="postgresql")
    assert not walcheckpoint.checkpoint_if_due()


@pytest.mark.django_db
def test_its_connections_keep_sqlites_own_checkpoint_only_as_a_safety_net():
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    connection.ensure_connection()
    walcheckpoint._configure(None, connection)
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA wal_autocheckpoint")
        assert cursor.fetchone()[0] == walcheckpoint.SAFETY_NET_PAGES
        cursor.execute("PRAGMA wal_autocheckpoint=1000")
