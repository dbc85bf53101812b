"""Report periods as typed on the console and chosen in the forms."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from pengaduan.reports.periods import Period

WIB = ZoneInfo("Asia/Jakarta")


@pytest.mark.parametrize("text, start, end, code", [
    ("2026", date(2026, 1, 1), date(2027, 1, 1), "2026"),
    ("2026-Q4", date(2026, 10, 1), date(2027, 1, 1), "2026-Q4"),
    ("2026-q1", date(2026, 1, 1), date(2026, 4, 1), "2026-Q1"),
    ("2026-11", date(2026, 11, 1), date(2026, 12, 1), "2026-11"),
    ("2026-12", date(2026, 12, 1), date(2027, 1, 1), "2026-12"),
    ("2026-11-01..2026-11-15", date(2026, 11, 1), date(2026, 11, 16), "2026-11-01..2026-11-15"),
])
def test_it_reads_periods(text, start, end, code):
    period = Period.parse(text)
    assert (period.start, period.end, period.code) == (start, end, code)
    assert Period.parse(period.code) == period


@pytest.mark.parametrize("text", ["", "26", "2026-13", "2026-Q5", "November 2026", "2026-11-15..2026-11-01"])
def test_it_refuses_what_it_cannot_read(text):
    with pytest.raises(ValueError, match="period"):
        Period.parse(text)


def test_it_bounds_a_period_in_local_time():
    assert Period.month(2026, 11).bounds() == (datetime(2026, 11, 1, tzinfo=WIB), datetime(2026, 12, 1, tzinfo=WIB))


def test_it_names_periods_in_indonesian():
    with translation.override("id"):
        assert [Period.parse(text).label for text in ("2026", "2026-Q4", "2026-11", "2026-11-01..2026-11-15")] == [
            "Tahun 2026", "Triwulan IV 2026", "November 2026", "1 November 2026 – 15 November 2026"]


def test_it_knows_the_months_and_the_period_before():
    assert Period.quarter(2026, 1).months() == [date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1)]
    assert Period.month(2026, 1).previous() == Period.month(2025, 12)
    assert Period.quarter(2026, 1).previous() == Period.quarter(2025, 4)
    assert Period.year(2026).previous() == Period.year(2025)
