"""The database side of the office calendar: a unit's rows turned into a pure BusinessCalendar."""

from __future__ import annotations

from datetime import date, time
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Q

from pengaduan.units import stamps
from pengaduan.units.models import Unit
from pengaduan.workcalendar.calendar import DEFAULT_WEEK, WEEKDAY_NAMES_ID, BusinessCalendar, Period
from pengaduan.workcalendar.models import CalendarException, OfficeHours


def calendar_for_unit(unit: Unit | None) -> BusinessCalendar:
    """The calendar of `unit` (a few queries), or the Pemda's calendar when None.

    The Pemda's calendar: the office week of the OfficeHours rows without a unit (the default Pemkot week
    when there are none) and the exceptions without a unit. A unit with OfficeHours rows of its own keeps its
    own week instead (a weekday without rows is then closed); its own exceptions apply on top, and a unit's
    exception wins over the Pemda's on the same date. The time zone is read from settings at call time, so
    tests and deployments can change it.
    """
    week: dict[int, tuple[Period, ...]] = dict(DEFAULT_WEEK)
    exceptions = CalendarException.objects.filter(unit__isnull=True)
    rows = []
    if unit is not None:
        rows = list(OfficeHours.objects.filter(unit=unit).values_list("weekday", "opens", "closes"))
        exceptions = CalendarException.objects.filter(Q(unit=unit) | Q(unit__isnull=True))
    if not rows:
        rows = list(OfficeHours.objects.filter(unit__isnull=True).values_list("weekday", "opens", "closes"))
    if rows:
        periods: dict[int, list[Period]] = {weekday: [] for weekday in range(7)}
        for weekday, opens, closes in rows:
            periods[weekday].append((opens, closes))
        week = {weekday: tuple(sorted(day_periods)) for weekday, day_periods in periods.items()}

    by_date: dict[date, tuple[str, str]] = {}
    # Global rows first, so the unit's own row on the same date replaces them.
    for day, kind, name, unit_id in sorted(
        exceptions.values_list("date", "kind", "name", "unit_id"), key=lambda row: row[3] is not None
    ):
        by_date[day] = (kind, name)
    days_off = {day: name for day, (kind, name) in by_date.items() if kind == CalendarException.Kind.DAY_OFF}
    extra_working_days = {
        day: name for day, (kind, name) in by_date.items() if kind == CalendarException.Kind.WORKING_DAY
    }
    return BusinessCalendar(
        tz=ZoneInfo(settings.TIME_ZONE),
        week=week,
        days_off=days_off,
        extra_working_days=extra_working_days,
    )


# Per unit (or None) and time zone; a few units per process, so it stays small. The unit's own row decides whether
# it follows the Pemda's hours: a change of units is a change of calendars too.
_calendars = stamps.StampedCache(stamps.CALENDAR, stamps.UNITS)


def calendar_changed(**kwargs) -> None:
    """Signal receiver: a calendar row changed, so every app server's cached calendars are stale. Runs in the
    editor's transaction, so a rolled-back change leaves the old stamp."""
    stamps.bump(stamps.CALENDAR)


def cached_calendar_for_unit(unit: Unit | None) -> BusinessCalendar:
    """calendar_for_unit, built once per process and calendar stamp (units.stamps): no read of the calendar rows,
    for paths that must read little (the public intake)."""
    return _calendars.get((unit.pk if unit is not None else None, settings.TIME_ZONE),
                          lambda: calendar_for_unit(unit))


def office_hours_set(unit: Unit, week: dict[int, list[tuple[time, time]]] | None) -> None:
    """Replace the unit's office hours: `week` maps a weekday (0 = Monday) to its open periods (a day with a
    break has two); a weekday absent or empty is closed. None: no own rows, the Pemda calendar applies."""
    from django.db import transaction

    with transaction.atomic():
        OfficeHours.objects.filter(unit=unit).delete()
        if week is not None:
            OfficeHours.objects.bulk_create([
                OfficeHours(unit=unit, weekday=weekday, opens=opens, closes=closes)
                for weekday, periods in sorted(week.items()) for opens, closes in periods
            ])
        unit.office_hours_from_pemda = week is None
        unit.save(update_fields=["office_hours_from_pemda"])
        calendar_changed()  # bulk_create sends no signal: every app server's cached calendars are stale now


def office_hours_of(unit: Unit) -> dict[int, list[tuple[time, time]]]:
    """The unit's own office hours by weekday (empty when it follows the Pemda calendar)."""
    week: dict[int, list[tuple[time, time]]] = {}
    for weekday, opens, closes in OfficeHours.objects.filter(unit=unit).values_list("weekday", "opens", "closes"):
        week.setdefault(weekday, []).append((opens, closes))
    return week


def office_hours_summary(unit: Unit) -> list[tuple[str, str]]:
    """(weekday name, "07.30–12.00, 13.00–16.00") for the open weekdays, consecutive equal days merged: the
    office hours as the portal and the service standard print them."""
    calendar = calendar_for_unit(unit)
    rows: list[tuple[list[int], str]] = []
    for weekday in range(7):
        periods = calendar.week[weekday]
        if not periods:
            continue
        text = ", ".join(f"{opens:%H.%M}–{closes:%H.%M}" for opens, closes in periods)
        if rows and rows[-1][1] == text and rows[-1][0][-1] == weekday - 1:
            rows[-1][0].append(weekday)
        else:
            rows.append(([weekday], text))
    names = WEEKDAY_NAMES_ID
    return [(names[days[0]] if len(days) == 1 else f"{names[days[0]]}–{names[days[-1]]}", text) for days, text in rows]
