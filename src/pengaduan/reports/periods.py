"""Report periods: a month, a quarter (triwulan), a year, or a range of days, in local time."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from django.utils.dates import MONTHS, MONTHS_3
from django.utils.translation import gettext as _

ROMAN = ("I", "II", "III", "IV")

_YEAR = re.compile(r"^(\d{4})$")
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_QUARTER = re.compile(r"^(\d{4})-[Qq]([1-4])$")
_RANGE = re.compile(r"^(\d{4}-\d{2}-\d{2})\s*(?:\.\.|/)\s*(\d{4}-\d{2}-\d{2})$")

# Reports cover these years (as the report form's year field): outside them dates overflow or mean nothing.
MIN_YEAR, MAX_YEAR = 2000, 2100

PERIOD_HELP = "2026 (a year), 2026-Q4 (a quarter), 2026-11 (a month) or 2026-11-01..2026-11-15 (days, inclusive)"


def _check_years(*days: date) -> None:
    for day in days:
        if not MIN_YEAR <= day.year <= MAX_YEAR:
            raise ValueError(f"reports cover the years {MIN_YEAR} to {MAX_YEAR}, not {day.year}")


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class Period:
    """Days from `start` up to but not including `end`, in the project's time zone."""

    kind: str  # year, quarter, month, range
    start: date
    end: date

    @classmethod
    def year(cls, year: int) -> Period:
        _check_years(date(year, 1, 1))
        return cls("year", date(year, 1, 1), date(year + 1, 1, 1))

    @classmethod
    def quarter(cls, year: int, quarter: int) -> Period:
        start = date(year, 3 * quarter - 2, 1)
        _check_years(start)
        return cls("quarter", start, _add_months(start, 3))

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        start = date(year, month, 1)
        _check_years(start)
        return cls("month", start, _add_months(start, 1))

    @classmethod
    def days(cls, first: date, last: date) -> Period:
        if last < first:
            raise ValueError(f"The period ends ({last}) before it starts ({first})")
        _check_years(first, last)
        return cls("range", first, last + timedelta(days=1))

    @classmethod
    def parse(cls, text: str) -> Period:
        """Read `2026`, `2026-Q4`, `2026-11` or `2026-11-01..2026-11-15`; ValueError quoting the text otherwise."""
        text = (text or "").strip()
        try:
            if match := _YEAR.match(text):
                return cls.year(int(match[1]))
            if match := _QUARTER.match(text):
                return cls.quarter(int(match[1]), int(match[2]))
            if match := _MONTH.match(text):
                return cls.month(int(match[1]), int(match[2]))
            if match := _RANGE.match(text):
                return cls.days(date.fromisoformat(match[1]), date.fromisoformat(match[2]))
        except ValueError as error:
            raise ValueError(f"Cannot read the period {text!r}: {error}") from None
        raise ValueError(f"Cannot read the period {text!r}; write {PERIOD_HELP}")

    @property
    def code(self) -> str:
        """The period as `parse` reads it back (also used in file names)."""
        if self.kind == "year":
            return f"{self.start.year}"
        if self.kind == "quarter":
            return f"{self.start.year}-Q{(self.start.month + 2) // 3}"
        if self.kind == "month":
            return f"{self.start:%Y-%m}"
        return f"{self.start.isoformat()}..{self.last_day.isoformat()}"

    @property
    def last_day(self) -> date:
        return self.end - timedelta(days=1)

    @property
    def label(self) -> str:
        """"November 2026", "Triwulan IV 2026", "Tahun 2026" (in the active language)."""
        year = self.start.year
        if self.kind == "year":
            return _("Year %(year)s") % {"year": year}
        if self.kind == "quarter":
            return _("Quarter %(quarter)s %(year)s") % {"quarter": ROMAN[(self.start.month - 1) // 3], "year": year}
        if self.kind == "month":
            return f"{MONTHS[self.start.month]} {year}"
        return f"{day_label(self.start)} – {day_label(self.last_day)}"

    def bounds(self) -> tuple[datetime, datetime]:
        """The period as aware datetimes: [start of the first day, start of the day after the last)."""
        tz = ZoneInfo(settings.TIME_ZONE)
        return datetime.combine(self.start, time(), tz), datetime.combine(self.end, time(), tz)

    def months(self) -> list[date]:
        """The first day of every month the period touches."""
        months, month = [], self.start.replace(day=1)
        while month < self.end:
            months.append(month)
            month = _add_months(month, 1)
        return months

    def previous(self) -> Period:
        """The period of the same length just before (the month before, the quarter before, ...)."""
        if self.kind == "year":
            # Built directly: the year before the first reportable one is still a fine comparison.
            return Period("year", date(self.start.year - 1, 1, 1), self.start)
        if self.kind in ("quarter", "month"):
            length = 3 if self.kind == "quarter" else 1
            start = _add_months(self.start, -length)
            return Period(self.kind, start, self.start)
        return Period("range", self.start - (self.end - self.start), self.start)


def day_label(day: date) -> str:
    return f"{day.day} {MONTHS[day.month]} {day.year}"


def month_label(month: date, short: bool = False) -> str:
    """"November 2026", or "Nov 2026" for chart axes."""
    name = str(MONTHS_3[month.month]).title() if short else str(MONTHS[month.month])
    return f"{name} {month.year}"


def axis_labels(months: list[date]) -> list[str]:
    """Short month names for a chart axis ("Nov", "Des"), with the year at the first month and at each January."""
    return [
        f"{str(MONTHS_3[month.month]).title()} '{month.year % 100:02d}" if index == 0 or month.month == 1
        else str(MONTHS_3[month.month]).title()
        for index, month in enumerate(months)
    ]


def month_bounds(month: date) -> tuple[datetime, datetime]:
    return Period.month(month.year, month.month).bounds()


def current_month(now: datetime) -> Period:
    today = timezone.localtime(now).date()
    return Period.month(today.year, today.month)
