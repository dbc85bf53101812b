"""The office calendar: when a step's clock runs and when the step falls due.

SOP time limits ("30 menit", "maks 10 hari") are promises about office time, not wall-clock time:
a complaint received on Friday afternoon before Idul Fitri does not fall due during the holiday.
This module is pure (no Django ORM) so that it is fast, easy to test and usable from anywhere;
workcalendar.services builds a `BusinessCalendar` from a unit's database rows.

Which days are working days
---------------------------
* A weekday is open during its office periods; the default Pemkot week (`DEFAULT_WEEK`) is
  Mon-Thu 07:30-12:00 and 13:00-16:00, Fri 07:30-11:30 and 13:00-15:00, Sat/Sun closed.
* National holidays and cuti bersama (from the `holidays` package, Indonesia, categories
  "public" and "government") are closed.
* An extra working day (admin decree) opens a holiday or weekend, with that weekday's hours,
  or Monday's hours when that weekday has none.
* An extra day off (admin decree) closes any day; it wins over everything else.

Counting rules
--------------
* Minutes and hours run only inside office periods. When the start falls outside them, the clock
  starts at the next opening. A duration that ends exactly at a closing time ends AT that closing
  time (not at the next opening). The count crosses breaks, nights, weekends, holidays and year ends.
* N working days end at the close of office (the last period's closing time) on the N-th working
  day AFTER the day the step starts; the start day is not counted, whatever the hour (Indonesian
  administrative practice).
* N calendar days end exactly N x 24 hours after the start.
* A zero duration ends where it starts.
* Start times must be timezone-aware; results are aware datetimes in the calendar's time zone.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from types import MappingProxyType
from zoneinfo import ZoneInfo

import holidays

from pengaduan.workcalendar.durations import Duration, DurationUnit

Period = tuple[time, time]
Week = dict[int, tuple[Period, ...]]

_MON_THU: tuple[Period, ...] = ((time(7, 30), time(12, 0)), (time(13, 0), time(16, 0)))
_FRIDAY: tuple[Period, ...] = ((time(7, 30), time(11, 30)), (time(13, 0), time(15, 0)))

DEFAULT_WEEK: Week = {0: _MON_THU, 1: _MON_THU, 2: _MON_THU, 3: _MON_THU, 4: _FRIDAY, 5: (), 6: ()}
"""The default Pemkot schedule, weekday 0 = Monday. Friday is shorter (Friday prayers)."""

DEFAULT_TIME_ZONE = "Asia/Jakarta"

WEEKDAY_NAMES_ID: tuple[str, ...] = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")

MAX_SEARCH_DAYS = 3 * 366
"""How many consecutive closed days we accept before deciding a calendar never opens."""


@functools.lru_cache(maxsize=128)
def indonesian_holidays(year: int) -> Mapping[date, str]:
    """National holidays and cuti bersama of one year, with their Indonesian names.

    Cached per year because building the holiday table costs far more than a deadline computation.
    """
    table = holidays.Indonesia(categories=("public", "government"), language="id", years=year)
    return MappingProxyType({day: name for day, name in sorted(table.items()) if day.year == year})


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)


@dataclass(frozen=True, eq=False)
class BusinessCalendar:
    """The office calendar of one unit. See the module docstring for the rules."""

    tz: ZoneInfo = field(default_factory=lambda: ZoneInfo(DEFAULT_TIME_ZONE))
    week: Mapping[int, tuple[Period, ...]] = field(default_factory=lambda: dict(DEFAULT_WEEK))
    days_off: Mapping[date, str] = field(default_factory=dict)
    extra_working_days: Mapping[date, str] = field(default_factory=dict)
    national_holidays: bool = True

    def __post_init__(self) -> None:
        # Validate once here so that the counting loops can trust the week (sorted, non-overlapping).
        unknown = set(self.week) - set(range(7))
        if unknown:
            raise ValueError(f"Weekdays must be 0 (Monday) to 6 (Sunday), got {sorted(unknown)}")
        week: dict[int, tuple[Period, ...]] = {}
        for weekday in range(7):
            periods = tuple(sorted((opens, closes) for opens, closes in self.week.get(weekday, ())))
            for opens, closes in periods:
                if not opens < closes:
                    raise ValueError(f"{WEEKDAY_NAMES_ID[weekday]}: an office period must open before it closes")
            for (_, closes), (next_opens, _) in zip(periods, periods[1:]):
                if next_opens < closes:
                    raise ValueError(f"{WEEKDAY_NAMES_ID[weekday]}: office periods overlap")
            week[weekday] = periods
        object.__setattr__(self, "week", MappingProxyType(week))
        object.__setattr__(self, "days_off", MappingProxyType(dict(self.days_off)))
        object.__setattr__(self, "extra_working_days", MappingProxyType(dict(self.extra_working_days)))

    # -- days -------------------------------------------------------------------------------------

    @property
    def closed_weekdays(self) -> tuple[int, ...]:
        """Weekdays closed every week (0 = Monday); `non_working_days` does not list them."""
        return tuple(weekday for weekday in range(7) if not self.week[weekday])

    def hours_on(self, day: date) -> tuple[Period, ...]:
        """The office periods of a day as wall-clock times; empty when the office is closed."""
        if day in self.days_off:
            return ()
        if day in self.extra_working_days:
            return self.week[day.weekday()] or self.week[0]
        if self.national_holidays and day in indonesian_holidays(day.year):
            return ()
        return self.week[day.weekday()]

    def is_working_day(self, day: date) -> bool:
        return bool(self.hours_on(day))

    def office_periods(self, day: date) -> list[tuple[datetime, datetime]]:
        """The office periods of a day as aware datetimes in `tz`; empty when not a working day."""
        return [
            (datetime.combine(day, opens, self.tz), datetime.combine(day, closes, self.tz))
            for opens, closes in self.hours_on(day)
        ]

    def non_working_days(self, year: int) -> list[tuple[date, str]]:
        """Holidays, cuti bersama and extra days off of a year, with names, sorted by date.

        Listed even when they fall on a weekend (people look for them); ordinary weekends are not
        listed, see `closed_weekdays`. A holiday opened by an extra working day is left out.
        """
        names: dict[date, list[str]] = {}
        if self.national_holidays:
            for day, name in indonesian_holidays(year).items():
                if day not in self.extra_working_days or day in self.days_off:
                    names.setdefault(day, []).append(name)
        for day, name in self.days_off.items():
            if day.year == year and name not in names.setdefault(day, []):
                names[day].append(name)
        return [(day, "; ".join(filter(None, day_names))) for day, day_names in sorted(names.items())]

    def next_working_day(self, day: date) -> date:
        """The first working day strictly after `day`."""
        for offset in range(1, MAX_SEARCH_DAYS + 1):
            candidate = day + timedelta(days=offset)
            if self.hours_on(candidate):
                return candidate
        raise ValueError(f"The calendar has no working day within {MAX_SEARCH_DAYS} days after {day}")

    # -- moments ----------------------------------------------------------------------------------

    def _local(self, moment: datetime, what: str) -> datetime:
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise ValueError(f"{what} must be timezone-aware, got the naive datetime {moment.isoformat()}")
        return moment.astimezone(self.tz)

    def next_opening(self, moment: datetime) -> datetime:
        """Where an office-time clock started at `moment` really starts: `moment` itself when the
        office is open, else the next opening. A moment exactly at closing time moves on."""
        moment = self._local(moment, "moment")
        day, closed_days = moment.date(), 0
        while True:
            periods = self.office_periods(day)
            for opens, closes in periods:
                if closes > moment:
                    return max(opens, moment)
            closed_days = 0 if periods else closed_days + 1
            if closed_days > MAX_SEARCH_DAYS:
                raise ValueError(f"The calendar has no office hours within {MAX_SEARCH_DAYS} days after {moment}")
            day += timedelta(days=1)

    def add(self, start: datetime, duration: Duration) -> datetime:
        """The deadline of a step started at `start` with the time limit `duration`."""
        start = self._local(start, "start")
        if duration.amount < 0:
            raise ValueError(f"A duration cannot be negative, got {duration.amount}")
        if duration.amount == 0:
            return start
        unit = DurationUnit(duration.unit)
        if unit is DurationUnit.MINUTES:
            return self._add_office_time(start, timedelta(minutes=duration.amount))
        if unit is DurationUnit.HOURS:
            return self._add_office_time(start, timedelta(hours=duration.amount))
        if unit is DurationUnit.WORKING_DAYS:
            return self._add_working_days(start, duration.amount)
        return (_utc(start) + timedelta(days=duration.amount)).astimezone(self.tz)

    def _add_office_time(self, start: datetime, amount: timedelta) -> datetime:
        # Walks whole periods, day by day: cost grows with the days crossed, not with the minutes.
        remaining, day, closed_days = amount, start.date(), 0
        while True:
            periods = self.office_periods(day)
            for opens, closes in periods:
                if closes <= start:
                    continue
                begin = max(opens, start)
                available = _utc(closes) - _utc(begin)
                if remaining <= available:
                    return (_utc(begin) + remaining).astimezone(self.tz)
                remaining -= available
            closed_days = 0 if periods else closed_days + 1
            if closed_days > MAX_SEARCH_DAYS:
                raise ValueError(f"The calendar has no office hours within {MAX_SEARCH_DAYS} days after {day}")
            day += timedelta(days=1)

    def _add_working_days(self, start: datetime, count: int) -> datetime:
        day = start.date()  # the start day itself never counts
        for _ in range(count):
            day = self.next_working_day(day)
        return datetime.combine(day, self.hours_on(day)[-1][1], self.tz)

    def office_time_between(self, start: datetime, end: datetime) -> timedelta:
        """Office time elapsed from `start` to `end` (zero when `end` is not after `start`)."""
        start, end = self._local(start, "start"), self._local(end, "end")
        total = timedelta(0)
        if end <= start:
            return total
        day = start.date()
        while day <= end.date():
            for opens, closes in self.office_periods(day):
                begin, finish = max(opens, start), min(closes, end)
                if finish > begin:
                    total += _utc(finish) - _utc(begin)
            day += timedelta(days=1)
        return total

    def working_days_between(self, start: datetime, end: datetime) -> int:
        """Working days after `start`'s day up to and including `end`'s day (0 when `end` <= `start`).

        The counterpart of adding working days: a step started at `start` and due after N working
        days is due on the day where this count reaches N.
        """
        start, end = self._local(start, "start"), self._local(end, "end")
        if end <= start:
            return 0
        count, day = 0, start.date() + timedelta(days=1)
        while day <= end.date():
            count += self.is_working_day(day)
            day += timedelta(days=1)
        return count
