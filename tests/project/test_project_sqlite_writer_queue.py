"""SQLite: the transactions of atomic() queue on the database's lock file (pengaduan.sqlite_backend), so that a
writer waits in the kernel for the one before it instead of sleeping in SQLite's busy handler."""

import fcntl
import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections, transaction
from django.utils import timezone

from pengaduan.throttle.models import ThrottleCounter
from factories import in_thread

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "sqlite", reason="the queue belongs to the SQLite backend"),
]


def _lock_file() -> str:
    return f"{connection.settings_dict['NAME']}-writer.lock"


def _queue_is_free() -> bool:
    """Whether another open file (as another connection would) can take the lock right now."""
    other = os.open(_lock_file(), os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    finally:
        os.close(other)  # also lets go of the lock, had it been taken
    return True


def _counter(key: str) -> ThrottleCounter:
    return ThrottleCounter(key=key, window_start=timezone.now(), hits=1)


def test_the_database_engine_is_the_queued_backend():
    assert type(connections["default"]).__module__ == "pengaduan.sqlite_backend.base"


def test_a_transaction_holds_the_queue_until_it_commits():
    assert _queue_is_free()
    with transaction.atomic():
        _counter("held").save()
        assert not _queue_is_free()
    assert _queue_is_free()
    assert ThrottleCounter.objects.filter(key="held").exists()


def test_a_transaction_that_fails_leaves_the_queue():
    with pytest.raises(RuntimeError):
        with transaction.atomic():
            _counter("rolled back").save()
            raise RuntimeError("refused")
    assert _queue_is_free()
    assert not ThrottleCounter.objects.filter(key="rolled back").exists()


def test_a_nested_block_keeps_the_queue_of_the_outer_transaction():
    with transaction.atomic():
        with transaction.atomic():
            _counter("inner").save()
        assert not _queue_is_free()
    assert _queue_is_free()


def test_closing_the_connection_inside_a_transaction_leaves_the_queue():
    @in_thread
    def abandon():
        transaction.atomic().__enter__()  # never exited: as a worker whose request died
        _counter("abandoned").save()
        assert not _queue_is_free()
        connection.close()
        return _queue_is_free()

    with ThreadPoolExecutor(max_workers=1) as pool:
        assert pool.submit(abandon).result(timeout=10)
    assert not ThrottleCounter.objects.filter(key="abandoned").exists()


def test_a_second_writer_waits_for_the_first_to_commit():
    holding, committed_at = threading.Event(), []

    @in_thread
    def first():
        with transaction.atomic():
            _counter("first").save()
            holding.set()
            time.sleep(0.3)
        committed_at.append(time.monotonic())

    @in_thread
    def second():
        holding.wait(timeout=10)
        with transaction.atomic():
            began = time.monotonic()
            assert ThrottleCounter.objects.filter(key="first").exists()  # it sees the first one's row
            _counter("second").save()
        return began

    with ThreadPoolExecutor(max_workers=2) as pool:
        waiting_for, began = pool.submit(first), pool.submit(second)
        waiting_for.result(timeout=10)
        assert began.result(timeout=10) >= committed_at[0] - 0.01


def test_many_writers_never_see_a_locked_database_even_with_a_short_busy_timeout():
    """With SQLite's busy handler alone, 20 writers holding the lock 20 ms each would fail after 50 ms."""
    start = threading.Barrier(20)

    @in_thread
    def write(index):
        connection.ensure_connection()
        connection.connection.execute("PRAGMA busy_timeout = 50")
        start.wait()
        with transaction.atomic():
            _counter(f"writer {index}").save()
            time.sleep(0.02)
        return index

    with ThreadPoolExecutor(max_workers=20) as pool:
        assert sorted(pool.map(write, range(20))) == list(range(20))
    assert ThrottleCounter.objects.filter(key__startswith="writer ").count() == 20
