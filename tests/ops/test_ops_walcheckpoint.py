"""SQLite's write-ahead log is checkpointed after responses, by the worker that wrote enough (ops.walcheckpoint)."""

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


@pytest.fixture
def worker(tmp_path, monkeypatch):
    raw = wal_database(tmp_path / "db.sqlite3")
    monkeypatch.setattr(walcheckpoint, "connections",
                        {"default": SimpleNamespace(vendor="sqlite", connection=raw, in_atomic_block=False)})
    monkeypatch.setattr(walcheckpoint, "_state", type(walcheckpoint._state)())
    return raw


def test_it_checkpoints_after_a_request_once_the_worker_has_written_enough(worker, tmp_path):
    database = tmp_path / "db.sqlite3"
    write(worker, walcheckpoint.CHANGES_PER_CHECKPOINT - 1)
    assert not walcheckpoint.checkpoint_if_due()
    before = database.stat().st_size  # the rows are in the log only
    write(worker, 1)
    assert walcheckpoint.checkpoint_if_due()
    assert database.stat().st_size > before  # copied into the database file
    assert not walcheckpoint.checkpoint_if_due()  # counted from this checkpoint on


def test_it_counts_a_new_connection_from_zero(worker, tmp_path, monkeypatch):
    write(worker, walcheckpoint.CHANGES_PER_CHECKPOINT)
    assert walcheckpoint.checkpoint_if_due()
    fresh = sqlite3.connect(tmp_path / "db.sqlite3", isolation_level=None)
    monkeypatch.setattr(walcheckpoint, "connections",
                        {"default": SimpleNamespace(vendor="sqlite", connection=fresh, in_atomic_block=False)})
    write(fresh, walcheckpoint.CHANGES_PER_CHECKPOINT)
    assert walcheckpoint.checkpoint_if_due()


def test_it_leaves_a_transaction_in_progress_and_other_databases_alone(worker, monkeypatch):
    write(worker, walcheckpoint.CHANGES_PER_CHECKPOINT)
    monkeypatch.setattr(walcheckpoint, "connections",
                        {"default": SimpleNamespace(vendor="sqlite", connection=worker, in_atomic_block=True)})
    assert not walcheckpoint.checkpoint_if_due()
    monkeypatch.setattr(walcheckpoint, "connections",
                        {"default": SimpleNamespace(vendor="postgresql", connection=object(), in_atomic_block=False)})
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
