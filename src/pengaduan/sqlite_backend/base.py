"""Django's SQLite backend, with the transactions of `atomic()` queued on a lock file instead of SQLite's busy
handler.

Every transaction that `atomic()` opens begins IMMEDIATE (settings.py): it takes SQLite's write lock at BEGIN.
When another connection holds that lock, SQLite's busy handler sleeps 1, 2, 5, 10 ms ... between attempts. Under
load the lock, held for under a millisecond, was often free while every waiter slept, and the workers idled
(bench/peer.py --intake: 1.63x the peer's public intake with the busy handler, 1.74x with this queue). Here a
transaction first takes an exclusive flock() on `<database>-writer.lock`: a waiter sleeps in the kernel and wakes
the moment the holder commits or rolls back. The kernel lets go of the lock should the process die.

The wait has no timeout of its own, as PostgreSQL waits for a row lock (lock_timeout 0): a transaction held open
for long (a bulk import) makes the others wait for it rather than fail with "database is locked" after the busy
timeout; a web request still ends at the server's worker timeout, and the kernel frees the lock of a worker it
kills. SQLite's own lock and busy timeout stay as they were for everything outside `atomic()` (a single
statement in autocommit) and for other programs (the backup, the sqlite3 shell).
"""

from __future__ import annotations

import fcntl
import functools
import os
from datetime import UTC, datetime

from django.db.backends.sqlite3 import base
from django.db.backends.sqlite3 import operations


@functools.lru_cache(maxsize=1024)
def qmark(query: str) -> str:
    """The statement with SQLite's placeholders (?) for Django's (%s), rewritten once per statement: Django's
    cursor does it with a regular expression at every execution."""
    return base.FORMAT_QMARK_REGEX.sub("?", query).replace("%%", "%")


class CursorWrapper(base.SQLiteCursorWrapper):
    def convert_query(self, query, *, param_names=None):
        if param_names is None:
            return qmark(query)
        return super().convert_query(query, param_names=param_names)


class DatabaseOperations(operations.DatabaseOperations):
    def adapt_datetimefield_value(self, value):
        # The usual value, timezone.now() or a time computed from it (aware, in UTC) stored in a database kept in
        # UTC: what Django's make_naive() and str() give, without them (a public complaint stores a dozen).
        if value.__class__ is datetime and value.tzinfo is UTC and self.connection.timezone is UTC:
            return str(value.replace(tzinfo=None))
        return super().adapt_datetimefield_value(value)


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations
    _queue_file: int | None = None
    _queue_pid = 0  # the process that opened _queue_file
    _queued = False  # this connection holds the lock

    def create_cursor(self, name=None):
        return self.connection.cursor(factory=CursorWrapper)

    def execute_untraced(self, sql: str, params):
        """`sql` run straight on the sqlite3 connection, its cursor; None when it must go through Django's cursor
        wrappers: not connected yet, or something traces or logs the statements (the tests' query counts,
        pengaduan.ops.sqltrace). Django's wrappers (a cursor per statement, its debug and execute wrappers) cost
        more than an insert (pengaduan.inserts)."""
        if self.connection is None or self.execute_wrappers or self.queries_logged:
            return None
        self.validate_no_broken_transaction()
        with self.wrap_database_errors:
            return self.connection.execute(qmark(sql), params)

    def _start_transaction_under_autocommit(self):
        self._take_queue()
        try:
            if self.execute_untraced(f"BEGIN {self.transaction_mode or ''}", ()) is None:
                super()._start_transaction_under_autocommit()
        except BaseException:
            self._leave_queue()
            raise

    def _commit(self):
        try:
            return super()._commit()
        finally:
            self._leave_queue()

    def _rollback(self):
        try:
            return super()._rollback()
        finally:
            self._leave_queue()

    def _close(self):
        try:
            return super()._close()
        finally:
            self._leave_queue()
            if self._queue_file is not None:
                if self._queue_pid == os.getpid():
                    os.close(self._queue_file)
                self._queue_file = None

    def _take_queue(self) -> None:
        if self._queued or self.is_in_memory_db():
            return
        if self._queue_file is None or self._queue_pid != os.getpid():
            # A file opened per connection and per process: a flock() belongs to the open file, which a forked
            # child would share with its parent (then neither would exclude the other), and two connections of
            # one process (threads) must queue like two processes.
            self._queue_file = os.open(f"{self.settings_dict['NAME']}-writer.lock",
                                       os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
            self._queue_pid = os.getpid()
        fcntl.flock(self._queue_file, fcntl.LOCK_EX)
        self._queued = True

    def _leave_queue(self) -> None:
        if self._queued:
            self._queued = False
            fcntl.flock(self._queue_file, fcntl.LOCK_UN)
