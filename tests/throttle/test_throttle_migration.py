"""The counters moved from the portal to their own app without touching the table: no count is lost."""

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from pengaduan.throttle.models import ThrottleCounter

BEFORE_THE_MOVE = [("portal", "0001_initial")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state(BEFORE_THE_MOVE).apps


@pytest.mark.django_db(transaction=True)
def test_it_keeps_the_portals_counters_when_the_model_moves_to_the_throttle_app():
    try:
        old_apps = _migrate([("throttle", None), *BEFORE_THE_MOVE])
        window = datetime(2026, 11, 30, 1, 0, tzinfo=UTC)
        old_apps.get_model("portal", "ThrottleCounter").objects.create(key="submit:abc", window_start=window, hits=4)
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
    assert ThrottleCounter._meta.db_table == "portal_throttlecounter"
    assert list(ThrottleCounter.objects.values_list("key", "hits")) == [("submit:abc", 4)]
