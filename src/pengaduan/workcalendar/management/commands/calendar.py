"""`pengaduan calendar`: look at a unit's office calendar and try deadlines from the console.

Lets an administrator check the holiday table and the counting rules before trusting deadlines.
"""

from __future__ import annotations

from argparse import ArgumentParser
from datetime import datetime

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from pengaduan.units.models import Unit
from pengaduan.workcalendar.calendar import WEEKDAY_NAMES_ID, BusinessCalendar
from pengaduan.workcalendar.durations import DurationUnit, parse_duration
from pengaduan.workcalendar.services import calendar_for_unit


UNIT_HELP = "unit code (default: the only unit if there is exactly one, else the default calendar)"


def _format_moment(moment: datetime) -> str:
    return f"{WEEKDAY_NAMES_ID[moment.weekday()]} {moment:%Y-%m-%d %H:%M} {moment.tzname()}"


class Command(BaseCommand):
    help = (
        "Office calendar: `calendar show YEAR` lists days off and office hours; "
        "`calendar deadline START DURATION` computes a deadline."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)

        show = actions.add_parser("show", help="List the non-working days of a year and the office hours.")
        show.add_argument("year", type=int, metavar="YEAR", help="e.g. 2026")
        show.add_argument("--unit", metavar="CODE", help=UNIT_HELP)

        deadline = actions.add_parser("deadline", help="Compute the deadline of a step.")
        deadline.add_argument(
            "start", metavar="START", help="ISO 8601 start, e.g. 2026-03-18T15:00 (no offset: the calendar's time zone)"
        )
        deadline.add_argument("duration", metavar="DURATION", help="e.g. '30 menit', '10 hari kerja', '2 x 24 jam'")
        deadline.add_argument("--unit", metavar="CODE", help=UNIT_HELP)

    def handle(self, *args, action: str, unit: str | None = None, **options) -> None:
        calendar, label = self._calendar(unit)
        if action == "show":
            self._show(calendar, label, options["year"])
        else:
            self._deadline(calendar, label, options["start"], options["duration"])

    def _calendar(self, code: str | None) -> tuple[BusinessCalendar, str]:
        """The calendar asked for, and a label saying whose it is."""
        if code is not None:
            try:
                found = Unit.objects.filter(code=code).first()
                known = [] if found else list(Unit.objects.order_by("code").values_list("code", flat=True))
            except DatabaseError as error:
                raise CommandError(
                    f"Cannot read unit {code!r} from the database ({error}); run `pengaduan migrate` first"
                ) from None
            if found is None:
                raise CommandError(f"Unknown unit {code!r} (known unit codes: {', '.join(known) or 'none yet'})")
            return calendar_for_unit(found), f"unit {found.code} ({found.name})"
        try:
            units = list(Unit.objects.all()[:2])
            if len(units) == 1:
                return calendar_for_unit(units[0]), f"unit {units[0].code} ({units[0].name})"
            # Several units (a Pemda) and none named: the Pemda's calendar, which every unit starts from.
            return calendar_for_unit(None), "Pemda calendar (every unit without its own hours or days off)"
        except DatabaseError:
            # Before `migrate` there are no tables; the default calendar needs none.
            return BusinessCalendar(), "default calendar (database not set up)"

    def _show(self, calendar: BusinessCalendar, label: str, year: int) -> None:
        if not 1 <= year <= 9998:
            raise CommandError(f"YEAR must be between 1 and 9998, got {year}")
        self.stdout.write(f"Non-working days {year}, {label}:")
        days = calendar.non_working_days(year)
        for day, name in days:
            self.stdout.write(f"  {day:%Y-%m-%d}  {WEEKDAY_NAMES_ID[day.weekday()]:<7} {name}")
        if not days:
            self.stdout.write("  (none)")
        extra = sorted((day, name) for day, name in calendar.extra_working_days.items() if day.year == year)
        if extra:
            self.stdout.write("Extra working days:")
            for day, name in extra:
                self.stdout.write(f"  {day:%Y-%m-%d}  {WEEKDAY_NAMES_ID[day.weekday()]:<7} {name}")
        closed = ", ".join(WEEKDAY_NAMES_ID[weekday] for weekday in calendar.closed_weekdays) or "none"
        self.stdout.write(f"Closed every week: {closed}")
        self.stdout.write(f"Office hours ({calendar.tz.key}):")
        for weekday in range(7):
            periods = calendar.week[weekday]
            hours = ", ".join(f"{opens:%H:%M}-{closes:%H:%M}" for opens, closes in periods) or "closed"
            self.stdout.write(f"  {WEEKDAY_NAMES_ID[weekday]:<7} {hours}")

    def _deadline(self, calendar: BusinessCalendar, label: str, start_text: str, duration_text: str) -> None:
        try:
            start = datetime.fromisoformat(start_text.strip())
        except ValueError:
            raise CommandError(
                f"Cannot read START {start_text!r}: use ISO 8601, e.g. 2026-03-18T15:00 or 2026-03-18T15:00+07:00"
            ) from None
        if start.tzinfo is None:
            start = start.replace(tzinfo=calendar.tz)
        try:
            duration = parse_duration(duration_text)
            deadline = calendar.add(start, duration)
        except (ValueError, OverflowError) as error:
            raise CommandError(str(error)) from None

        start = start.astimezone(calendar.tz)
        self.stdout.write(f"Calendar: {label}")
        self.stdout.write(f"Start:    {_format_moment(start)}")
        if duration.unit in (DurationUnit.MINUTES, DurationUnit.HOURS):
            clock = calendar.next_opening(start)
            if clock != start:
                self.stdout.write(f"          (office closed; the clock starts {_format_moment(clock)})")
        self.stdout.write(f"Limit:    {duration} ({duration.label_en()})")
        self.stdout.write(f"Deadline: {_format_moment(deadline)}")
        self.stdout.write(deadline.isoformat())
