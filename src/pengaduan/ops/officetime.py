"""A unit's office calendar laid out as one line of office minutes, for computing millions of deadlines fast.

`BusinessCalendar.add` walks days and office periods on every call; seeding a million complaints needs several
deadlines for each. Here the calendar is asked once per day of a span (for that day's office periods) and
every later question is a binary search. Times are whole minutes since the Unix epoch (UTC); the answers
are the calendar's own at that precision (tests compare them with `BusinessCalendar`).
"""

from bisect import bisect_left, bisect_right
from datetime import UTC, date, datetime, timedelta

from pengaduan.workcalendar.calendar import BusinessCalendar
from pengaduan.workcalendar.durations import Duration, DurationUnit

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def to_minute(moment: datetime) -> int:
    return int(moment.timestamp()) // 60


def from_minute(minute: int) -> datetime:
    return EPOCH + timedelta(minutes=minute)


class OfficeTimeline:
    def __init__(self, calendar: BusinessCalendar, first: date, last: date):
        self.calendar, self.tz = calendar, calendar.tz
        self.first, self.last = first, last
        self._starts: list[int] = []  # each office period's opening, in minutes
        self._before: list[int] = []  # office minutes of the span before that period
        self._before_end: list[int] = []  # ... and after it
        self._ends: list[int] = []
        self._workdays: list[int] = []  # ordinals of the working days
        self._workday_close: list[int] = []  # their closing minute
        self._day_span: dict[int, tuple[int, int]] = {}  # ordinal → office minutes of the span at opening, closing
        total, day = 0, first
        while day <= last:
            periods = calendar.office_periods(day)
            day_first = total
            for opens, closes in periods:
                start, end = to_minute(opens), to_minute(closes)
                self._starts.append(start)
                self._before.append(total)
                self._ends.append(end)
                total += end - start
                self._before_end.append(total)
            if periods:
                self._workdays.append(day.toordinal())
                self._workday_close.append(self._ends[-1])
                self._day_span[day.toordinal()] = (day_first, total)
            day += timedelta(days=1)
        self.total = total

    def index(self, minute: int) -> int:
        """Office minutes of the span that have passed at `minute`."""
        p = bisect_right(self._starts, minute) - 1
        if p < 0:
            return 0
        return self._before[p] + min(minute, self._ends[p]) - self._starts[p]

    def end_at(self, index: int) -> int:
        """The minute at which `index` office minutes have passed; a closing time when it falls on one
        (the calendar's rule: a duration ending exactly at closing ends AT closing)."""
        p = bisect_left(self._before_end, index)
        return self._starts[p] + index - self._before[p]

    def start_at(self, index: int) -> int:
        """Like `end_at`, but at an opening rather than the closing before it: where a clock starts."""
        p = bisect_right(self._before_end, index)
        return self._starts[p] + index - self._before[p]

    def add_minutes(self, start: int, minutes: int) -> int:
        return start if minutes <= 0 else self.end_at(self.index(start) + minutes)

    def local_date(self, minute: int) -> date:
        return datetime.fromtimestamp(minute * 60, self.tz).date()

    def add_working_days(self, start: int, days: int) -> int:
        """Closing time of the `days`-th working day after the start's day (the start day never counts)."""
        if days <= 0:
            return start
        position = bisect_right(self._workdays, self.local_date(start).toordinal()) + days - 1
        return self._workday_close[position]

    def add(self, start: int, duration: Duration) -> int:
        """`BusinessCalendar.add` on whole minutes."""
        amount, unit = duration.amount, DurationUnit(duration.unit)
        if amount == 0:
            return start
        if unit is DurationUnit.MINUTES:
            return self.add_minutes(start, amount)
        if unit is DurationUnit.HOURS:
            return self.add_minutes(start, amount * 60)
        if unit is DurationUnit.WORKING_DAYS:
            return self.add_working_days(start, amount)
        return start + amount * 24 * 60

    def working_days_between(self, start: int, end: int) -> int:
        """`BusinessCalendar.working_days_between`: working days after the start's day up to the end's day."""
        if end <= start:
            return 0
        return (bisect_right(self._workdays, self.local_date(end).toordinal())
                - bisect_right(self._workdays, self.local_date(start).toordinal()))

    def office_minutes_between(self, start: int, end: int) -> int:
        return max(0, self.index(end) - self.index(start))

    def office_day(self, day: date) -> tuple[int, int] | None:
        """(index at opening, index at closing) of a working day; None on a day off."""
        return self._day_span.get(day.toordinal())
