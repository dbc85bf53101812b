"""Building a unit's calendar from its database rows."""

from datetime import date, time

import pytest

from pengaduan.units.models import Unit
from pengaduan.workcalendar.calendar import DEFAULT_WEEK
from pengaduan.workcalendar.models import CalendarException, OfficeHours
from pengaduan.workcalendar.services import calendar_for_unit

DAY_OFF, WORKING_DAY = CalendarException.Kind.DAY_OFF, CalendarException.Kind.WORKING_DAY


@pytest.fixture
def insp(db):
    return Unit.objects.create(code="INSP", name="Inspektorat", sop_code="3.1.1.10", register_code="INSP")


@pytest.fixture
def dinkes(db):
    return Unit.objects.create(code="DINKES", name="Dinas Kesehatan", sop_code="3.1.1.10", register_code="DINKES")


@pytest.mark.django_db
def test_a_unit_without_office_hours_uses_the_default_week_and_national_holidays(insp):
    calendar = calendar_for_unit(insp)
    assert dict(calendar.week) == DEFAULT_WEEK
    assert calendar.national_holidays
    assert not calendar.is_working_day(date(2026, 3, 19))  # Nyepi


@pytest.mark.django_db
def test_a_units_office_hours_rows_are_its_whole_week(insp):
    OfficeHours.objects.create(unit=insp, weekday=0, opens=time(13, 0), closes=time(16, 0))
    OfficeHours.objects.create(unit=insp, weekday=0, opens=time(8, 0), closes=time(12, 0))
    OfficeHours.objects.create(unit=insp, weekday=5, opens=time(8, 0), closes=time(11, 0))
    calendar = calendar_for_unit(insp)
    assert calendar.week[0] == ((time(8, 0), time(12, 0)), (time(13, 0), time(16, 0)))
    assert calendar.week[5] == ((time(8, 0), time(11, 0)),)
    assert calendar.closed_weekdays == (1, 2, 3, 4, 6)


@pytest.mark.django_db
def test_global_exceptions_apply_and_the_units_own_row_wins_on_the_same_date(insp, dinkes):
    CalendarException.objects.create(unit=None, date=date(2026, 4, 13), kind=DAY_OFF, name="Hari Jadi Kota")
    CalendarException.objects.create(unit=None, date=date(2026, 4, 14), kind=DAY_OFF, name="Libur daerah")
    CalendarException.objects.create(unit=insp, date=date(2026, 4, 14), kind=WORKING_DAY, name="Piket audit")
    CalendarException.objects.create(unit=dinkes, date=date(2026, 4, 15), kind=DAY_OFF, name="Only Dinkes")

    calendar = calendar_for_unit(insp)
    assert dict(calendar.days_off) == {date(2026, 4, 13): "Hari Jadi Kota"}
    assert dict(calendar.extra_working_days) == {date(2026, 4, 14): "Piket audit"}
    assert not calendar.is_working_day(date(2026, 4, 13))
    assert calendar.is_working_day(date(2026, 4, 14))
    assert calendar.is_working_day(date(2026, 4, 15))
    assert not calendar_for_unit(dinkes).is_working_day(date(2026, 4, 14))


@pytest.mark.django_db
def test_without_a_unit_only_global_exceptions_apply(insp):
    CalendarException.objects.create(unit=None, date=date(2026, 4, 13), kind=DAY_OFF, name="Hari Jadi Kota")
    CalendarException.objects.create(unit=insp, date=date(2026, 4, 14), kind=DAY_OFF, name="Rapat kerja")
    calendar = calendar_for_unit(None)
    assert dict(calendar.days_off) == {date(2026, 4, 13): "Hari Jadi Kota"}
    assert dict(calendar.week) == DEFAULT_WEEK


@pytest.mark.django_db
def test_building_a_calendar_takes_two_queries(insp, django_assert_num_queries):
    OfficeHours.objects.create(unit=insp, weekday=0, opens=time(8, 0), closes=time(12, 0))
    CalendarException.objects.create(unit=None, date=date(2026, 4, 13), kind=DAY_OFF, name="Hari Jadi Kota")
    CalendarException.objects.create(unit=insp, date=date(2026, 4, 14), kind=DAY_OFF, name="Rapat kerja")
    with django_assert_num_queries(2):
        calendar_for_unit(insp)


@pytest.mark.django_db
def test_the_time_zone_is_read_from_settings_at_call_time(insp, settings):
    settings.TIME_ZONE = "Asia/Makassar"
    assert calendar_for_unit(insp).tz.key == "Asia/Makassar"
