"""What a piece of code does to the database's write lock: its transactions, their statements and how long each
was open, and the writes made outside any transaction (each of which takes the lock on its own).

Used by bench/profile_intake.py --lock and by the tests that keep the public intake's write transaction short. On
SQLite (BEGIN IMMEDIATE) a transaction holds the database's one write lock from BEGIN to COMMIT, so the time
between them is the lock time; on PostgreSQL it is the time the transaction's row locks may be held.
"""

import time
from dataclasses import dataclass, field

from pengaduan.inserts import STATEMENT_SEPARATOR

WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")


@dataclass
class Transaction:
    statements: list[str] = field(default_factory=list)
    seconds: float = 0.0
    # Where the time went: each statement's own execution, and the COMMIT (or ROLLBACK); the rest of
    # `seconds` is Python between them.
    statement_seconds: list[float] = field(default_factory=list)
    end_seconds: float = 0.0

    @property
    def writes(self) -> int:
        return sum(1 for sql in self.statements if sql.lstrip().upper().startswith(WRITES))


class WriteTrace:
    """Context manager: `with WriteTrace(connection) as trace: ...`, then `trace.transactions` and
    `trace.autocommit_writes` ((sql, seconds) of each write outside a transaction)."""

    def __init__(self, connection):
        if hasattr(connection, "_alias"):  # django.db.connection is a proxy; its methods cannot be wrapped
            connection = connection._connections[connection._alias]
        self.connection = connection
        self.transactions: list[Transaction] = []
        self.autocommit_writes: list[tuple[str, float]] = []
        self.statements = 0  # every statement, reads outside a transaction included
        self._open: Transaction | None = None
        self._started = 0.0

    # -- statements
    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        self.statements += sql.count(STATEMENT_SEPARATOR) + 1
        if sql.lstrip().upper().startswith("BEGIN"):
            self._begin(started)
            return execute(sql, params, many, context)
        if self._open is None and self.connection.in_atomic_block:
            self._begin(started)  # PostgreSQL: the transaction starts with its first statement
        try:
            return execute(sql, params, many, context)
        finally:
            # Statements sent together in one message (pengaduan.inserts) count one by one; the time of the
            # message goes to the first of them.
            parts = sql.split(STATEMENT_SEPARATOR)
            seconds = [time.perf_counter() - started] + [0.0] * (len(parts) - 1)
            if self._open is not None:
                self._open.statements += parts
                self._open.statement_seconds += seconds
            elif len(parts) > 1:
                # Several statements in one message outside a transaction: PostgreSQL runs them as one
                # (pengaduan.inserts.write_together), its commit inside the message's time.
                self.transactions.append(Transaction(statements=parts, seconds=seconds[0],
                                                     statement_seconds=seconds))
            else:
                self.autocommit_writes += [(part, spent) for part, spent in zip(parts, seconds)
                                           if part.lstrip().upper().startswith(WRITES)]

    def _begin(self, at: float) -> None:
        self._open = Transaction()
        self._started = at

    def _end(self, method):
        def wrapped(*args, **kwargs):
            ending = time.perf_counter()
            try:
                return method(*args, **kwargs)
            finally:
                if self._open is not None:
                    self._open.end_seconds = time.perf_counter() - ending
                    self._open.seconds = time.perf_counter() - self._started
                    self.transactions.append(self._open)
                    self._open = None
        return wrapped

    # -- context
    def __enter__(self):
        self._wrapper = self.connection.execute_wrapper(self)
        self._wrapper.__enter__()
        self.connection.commit = self._end(type(self.connection).commit.__get__(self.connection))
        self.connection.rollback = self._end(type(self.connection).rollback.__get__(self.connection))
        return self

    def __exit__(self, *exc):
        del self.connection.commit
        del self.connection.rollback
        return self._wrapper.__exit__(*exc)

    # -- summaries
    @property
    def write_transactions(self) -> list[Transaction]:
        return [txn for txn in self.transactions if txn.writes]

    @property
    def lock_seconds(self) -> float:
        """Time the write lock was held: write transactions BEGIN to COMMIT, plus each write outside one."""
        return sum(txn.seconds for txn in self.write_transactions) + sum(s for _sql, s in self.autocommit_writes)
