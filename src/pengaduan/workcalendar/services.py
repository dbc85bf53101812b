"""The database side of the office calendar: a unit's rows turned into a pure BusinessCalendar."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Q

from pengaduan.units.models import Unit
from pengaduan.workcalendar.calendar import DEFAULT_WEEK, BusinessCalendar, Period
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
