"""Events and the access log are append-only in the database itself, not only in the ORM.

Triggers refuse UPDATE and DELETE on `complaints_event` and `complaints_accesslog`, whoever asks (a raw SQL
shell, a script, a forgotten `.update()`). The one exception is `audited_rewrite()`: erasure of personal data
(complaints.pdp) rewrites identity fields through it, inside a transaction, and writes its own log row.

PostgreSQL: a PL/pgSQL trigger that lets a row change only while the transaction-local setting
`pengaduan.audited_rewrite` is on. SQLite has no session settings: the triggers ask a function that this
process registers on each of its connections (`pengaduan_audited_rewrite()`); any other client (the sqlite3
shell) has no such function, so its UPDATE or DELETE fails too.

The triggers are installed after every `migrate` (post_migrate): SQLite drops a table's triggers when a
migration rebuilds the table, and installing them again is harmless (IF NOT EXISTS / OR REPLACE).
On SQLite this also refuses `flush` (which deletes rows); on PostgreSQL `flush` truncates, which row
triggers do not see.
"""

import threading
from contextlib import contextmanager

from django.db import connection as default_connection

APPEND_ONLY_TABLES = ("complaints_event", "complaints_accesslog")
SETTING = "pengaduan.audited_rewrite"
SQLITE_FUNCTION = "pengaduan_audited_rewrite"

_state = threading.local()


def _rewriting() -> int:
    return 1 if getattr(_state, "depth", 0) > 0 else 0


def register_sqlite_function(sender, connection, **kwargs) -> None:
    """connection_created: give each SQLite connection of this process the function the triggers ask."""
    if connection.vendor == "sqlite":
        connection.connection.create_function(SQLITE_FUNCTION, 0, _rewriting)


def _sqlite_sql(table: str) -> list[str]:
    statements = []
    for operation in ("UPDATE", "DELETE"):
        statements.append(
            f"CREATE TRIGGER IF NOT EXISTS {table}_append_only_{operation.lower()} BEFORE {operation} ON {table} "
            f"FOR EACH ROW WHEN {SQLITE_FUNCTION}() = 0 "
            f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
        )
    return statements


POSTGRES_FUNCTION = f"""
CREATE OR REPLACE FUNCTION pengaduan_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF coalesce(current_setting('{SETTING}', true), '') = 'on' THEN
        IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
        RETURN NEW;
    END IF;
    RAISE EXCEPTION '% is append-only', TG_TABLE_NAME USING ERRCODE = 'P0001';
END
$$
"""


def _postgres_sql(table: str) -> list[str]:
    return [f"CREATE OR REPLACE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION pengaduan_append_only()"]


def install(connection=None) -> None:
    """Create (or refresh) the triggers; safe to run any number of times."""
    connection = connection or default_connection
    tables = set(connection.introspection.table_names())
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(POSTGRES_FUNCTION)
        for table in APPEND_ONLY_TABLES:
            if table not in tables:
                continue
            if connection.vendor == "postgresql":
                statements = _postgres_sql(table)
            elif connection.vendor == "sqlite":
                statements = _sqlite_sql(table)
            else:
                statements = []
            for statement in statements:
                cursor.execute(statement)


def install_after_migrate(sender, using, **kwargs) -> None:
    from django.db import connections

    install(connections[using])


def installed(connection=None) -> set[str]:
    """The names of the append-only triggers present (for checks and tests)."""
    connection = connection or default_connection
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT tgname FROM pg_trigger WHERE tgname LIKE %s", ["%_append_only%"])
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE %s",
                           ["%_append_only%"])
        return {row[0] for row in cursor.fetchall()}


@contextmanager
def audited_rewrite(connection=None):
    """The one path that may change events and access-log rows: erasure of personal data.

    Use it inside `transaction.atomic()` and write the access-log row that says what was erased; the
    permission ends with the block (and on PostgreSQL with the transaction at the latest)."""
    connection = connection or default_connection
    if not connection.in_atomic_block:
        raise RuntimeError("audited_rewrite() must run inside transaction.atomic()")
    _state.depth = getattr(_state, "depth", 0) + 1
    try:
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config(%s, 'on', true)", [SETTING])
        yield
    finally:
        _state.depth -= 1
        if connection.vendor == "postgresql" and _state.depth == 0 and not connection.needs_rollback:
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config(%s, 'off', true)", [SETTING])
