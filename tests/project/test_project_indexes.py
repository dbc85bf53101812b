"""The tables a public complaint writes carry no index another index already serves: each one costs every new row
a B-tree insert (and on SQLite pages in the write-ahead log, under the one write lock). On PostgreSQL that
includes the LIKE index Django adds to a unique text column (same column, another operator class)."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from pengaduan.complaints.engine import complaint_receive
from pengaduan.complaints.models import Complaint
from factories import intake_data

pytestmark = pytest.mark.django_db

# Every table the intake's write transaction inserts into (tests/portal/test_portal_intake_write_path.py).
INTAKE_TABLES = [
    "complaints_complainant", "complaints_complaint", "complaints_daycount", "complaints_complaintfigure",
    "complaints_steprun", "complaints_reminder", "complaints_event", "notifications_outboxmessage",
    "portal_throttlecounter",
]


def full_indexes(table: str) -> dict[str, tuple[list[str], bool]]:
    """{name: (columns, unique)} of the table's indexes on columns (not on expressions, as the similarity search's)
    that cover every row (not partial), the primary key's left out."""
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, table)
        if connection.vendor == "postgresql":
            cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = %s AND indexdef LIKE %s",
                           [table, "% WHERE %"])
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = %s AND sql LIKE %s",
                           [table, "% WHERE %"])
        partial = {name for (name,) in cursor.fetchall()}
    return {name: (info["columns"], info["unique"]) for name, info in constraints.items()
            if (info["index"] or info["unique"]) and not info["primary_key"] and name not in partial
            and info["columns"]}


@pytest.mark.parametrize("table", INTAKE_TABLES)
def test_no_index_of_an_intake_table_is_served_by_another(table):
    indexes = full_indexes(table)
    # A unique index enforces something: it stays even when a longer index starts with its columns.
    served = [(name, other) for name, (columns, unique) in indexes.items() for other, (longer, _) in indexes.items()
              if other != name and longer[:len(columns)] == columns and not unique]
    assert not served, served


def test_the_keys_that_are_empty_in_a_new_row_have_partial_indexes():
    """A linked case, who extended a deadline, an event's officer and who did a step (nobody while it is open) are
    found by their key, from an index of the rows that have one."""
    for table, column in (("complaints_complaint", "linked_to_id"), ("complaints_steprun", "extended_by_id"),
                          ("complaints_event", "actor_id"), ("complaints_steprun", "done_by_id")):
        with connection.cursor() as cursor:
            constraints = connection.introspection.get_constraints(cursor, table)
        assert [name for name, info in constraints.items() if info["columns"] == [column] and info["index"]], table
        assert column not in [columns[0] for columns, _unique in full_indexes(table).values()], table


@pytest.mark.parametrize("table, column", [
    ("complaints_complaint", "sop_id"), ("complaints_steprun", "unit_id"), ("complaints_steprun", "step_id"),
    ("complaints_complaintfigure", "unit_id"),
])
def test_keys_that_nothing_looks_rows_up_by_have_no_index(table, column):
    """Only the deletion of the row they point to (an SOP version, an SOP step, a unit) would use one: see "keys
    without an index" in complaints/models.py. (A step's unit leads the partial indexes of open steps.)"""
    assert not [name for name, (columns, _unique) in full_indexes(table).items() if columns[0] == column]


@pytest.mark.django_db(transaction=True)
def test_migration_0027_drops_and_restores_the_indexes_by_name_keeping_rows_and_triggers(unit):
    """Not by rebuilding the tables, which on SQLite would drop their triggers (the search index, the append-only
    events)."""
    complaint_receive(unit=unit, data=intake_data(channel="web"))

    def state():
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
            else:
                cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
            triggers = sorted(name for (name,) in cursor.fetchall())
        indexed = [column for table, column in (("complaints_complaint", "sop_id"), ("complaints_steprun", "step_id"))
                   if any(columns[0] == column for columns, _unique in full_indexes(table).values())]
        return triggers, indexed, Complaint.objects.count()

    triggers, indexed, count = state()
    assert triggers and not indexed and count == 1
    try:
        executor = MigrationExecutor(connection)
        executor.migrate([("complaints", "0026_search_in_batches")])
        assert state() == (triggers, ["sop_id", "step_id"], 1)
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
    assert state() == (triggers, [], 1)
