"""Medians and percentiles by the database match percentile_cont's linear interpolation, on either backend."""

from datetime import date

import pytest

from pengaduan.reports.models import StepRunStat
from pengaduan.reports.sql import percentiles

pytestmark = pytest.mark.django_db


def test_it_interpolates_like_percentile_cont(data_set):
    stats = StepRunStat.objects.filter(unit=data_set.unit)
    found = percentiles(stats, value="office_seconds", group_by=["step_number"], fractions=(0, 0.25, 0.5, 1))
    # Step 3: [22 920, 60 840, 84 000]; 0.25 lies at position 0.5.
    assert found[(3,)] == [22920, pytest.approx(41880), 60840, 84000]
    assert found[(1,)] == [0, 0, 0, 3600]


def test_it_groups_by_several_columns_and_by_none(data_set):
    stats = StepRunStat.objects.filter(unit=data_set.unit)
    by_month = percentiles(stats.filter(step_number=2), value="office_seconds", group_by=["done_month", "on_time"],
                           fractions=(0.5,))
    assert by_month == {(date(2026, 11, 1), True): [360], (date(2026, 11, 1), False): [990],
                        (date(2026, 12, 1), True): [600]}
    assert percentiles(stats.filter(step_number=4), value="office_seconds") == {(): [1800, pytest.approx(6120)]}


def test_it_returns_nothing_for_no_rows(data_set):
    nothing = StepRunStat.objects.filter(step_number=99)
    assert percentiles(nothing, value="office_seconds") == {}
    assert percentiles(nothing, value="office_seconds", group_by=["step_number"]) == {}


def test_it_refuses_a_fraction_outside_zero_to_one(db):
    with pytest.raises(ValueError):
        percentiles(StepRunStat.objects.all(), value="office_seconds", fractions=(90,))
