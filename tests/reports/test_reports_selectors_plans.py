"""Query shapes of the report selectors that must hold however many complaints there are (no timing here)."""

import pytest
from django.db import connection

from pengaduan.reports.selectors import open_steps

pytestmark = pytest.mark.django_db


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's query plan")
def test_it_reads_the_longest_waits_from_an_index_without_sorting_the_open_steps(unit):
    # The queryset of selectors.waiting_longest: with every open step sorted first, the dashboard's time grew
    # with the number of open steps (about 3 % of all complaints).
    plan = open_steps(unit).select_related("complaint").order_by("started_at", "pk")[:5].explain()
    assert "complaints_open_by_start" in plan and "TEMP B-TREE" not in plan, plan
