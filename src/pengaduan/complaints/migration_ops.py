"""Schema changes that Django would make by rebuilding a table on SQLite, made by their index alone: a rebuild
drops the table's triggers (the full-text index, the append-only events) and copies every row. Used by the
migrations that take indexes off the tables a new complaint writes (0025, 0027)."""

from django.db import migrations


def without_own_index(model_name: str, table: str, field_name: str, field) -> migrations.SeparateDatabaseAndState:
    """AlterField to db_index=False, done in the database as DROP INDEX of the index Django made for the field."""
    column = f"{field_name}_id"

    def index_name(schema_editor) -> str:
        return schema_editor._create_index_name(table, [column], suffix="")

    def drop(apps, schema_editor):
        schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(index_name(schema_editor))}")

    def create(apps, schema_editor):
        quote = schema_editor.quote_name
        schema_editor.execute(f"CREATE INDEX {quote(index_name(schema_editor))} ON {quote(table)} ({quote(column)})")

    return migrations.SeparateDatabaseAndState(
        state_operations=[migrations.AlterField(model_name=model_name, name=field_name, field=field)],
        database_operations=[migrations.RunPython(drop, create)],
    )


def without_like_index(table: str, column: str) -> migrations.RunPython:
    """PostgreSQL: DROP the varchar_pattern_ops index Django adds to a unique text column (for LIKE 'prefix%'),
    for a column never searched that way. The unique index stays."""

    def index_name(schema_editor) -> str:
        return schema_editor._create_index_name(table, [column], suffix="_like")

    def drop(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(index_name(schema_editor))}")

    def create(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            quote = schema_editor.quote_name
            schema_editor.execute(f"CREATE INDEX {quote(index_name(schema_editor))} ON {quote(table)} "
                                  f"({quote(column)} varchar_pattern_ops)")

    return migrations.RunPython(drop, create)
