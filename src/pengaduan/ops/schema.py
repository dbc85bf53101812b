"""Whether the database has Pengaduan's tables yet, for the commands run on a fresh data folder."""

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.utils.translation import gettext as _


def needs_migrate(alias: str = DEFAULT_DB_ALIAS) -> bool:
    """Whether the database still lacks migrations that Pengaduan ships (False when it cannot be asked)."""
    try:
        connection = connections[alias]
        connection.close()  # a statement that just failed may have left PostgreSQL's transaction unusable
        executor = MigrationExecutor(connection)
        return bool(executor.migration_plan(executor.loader.graph.leaf_nodes()))
    except Exception:
        return False  # the database itself is unreachable: Django's own error says more than we could


def not_migrated_message() -> str:
    return _("The database is not set up yet: run `pengaduan migrate` first.")
