"""A Pemda calendar (office week and days off for the whole install) with each unit's overrides on top."""

from datetime import date, time

import pytest

from pengaduan.workcalendar.calendar import DEFAULT_WEEK
from pengaduan.workcalendar.models import CalendarException, OfficeHours
from pengaduan.workcalendar.services import calendar_for_unit

pytestmark = pytest.mark.django_db

WORKING_WEDNESDAY = date(2026, 3, 11)


def _pemda_week():
    # The Pemda works Mon-Fri 08:00-16:00 (a regional decree), no Friday break.
    for weekday in range(5):
        OfficeHours.objects.create(unit=None, weekday=weekday, opens=time(8), closes=time(16))


def test_every_unit_follows_the_pemda_office_week_unless_it_has_its_own(pemda):
    _pemda_week()
    dinkes_hours = [(time(7), time(14))]
    for weekday in range(6):  # the Dinkes serves on Saturday too
        OfficeHours.objects.create(unit=pemda["DINKES"], weekday=weekday, opens=time(7), closes=time(14))
    insp = calendar_for_unit(pemda["INSP"])
    assert insp.week[2] == ((time(8), time(16)),) and insp.week[5] == ()
    dinkes = calendar_for_unit(pemda["DINKES"])
    assert list(dinkes.week[5]) == dinkes_hours and dinkes.week[2] == tuple(dinkes_hours)
    assert calendar_for_unit(None).week[0] == ((time(8), time(16)),)


def test_without_pemda_hours_the_default_week_stays(pemda):
    assert calendar_for_unit(pemda["INSP"]).week == DEFAULT_WEEK


def test_a_pemda_day_off_applies_to_every_unit_and_a_unit_may_work_through_it(pemda):
    CalendarException.objects.create(unit=None, date=WORKING_WEDNESDAY, kind="day_off", name="Hari jadi Kota Madiun")
    CalendarException.objects.create(unit=pemda["DINKES"], date=WORKING_WEDNESDAY, kind="working_day",
                                     name="Puskesmas tetap melayani")
    CalendarException.objects.create(unit=pemda["DINKES"], date=date(2026, 3, 12), kind="day_off",
                                     name="Pelatihan seluruh pegawai")
    insp, dinkes = calendar_for_unit(pemda["INSP"]), calendar_for_unit(pemda["DINKES"])
    assert not insp.is_working_day(WORKING_WEDNESDAY) and dinkes.is_working_day(WORKING_WEDNESDAY)
    assert insp.is_working_day(date(2026, 3, 12)) and not dinkes.is_working_day(date(2026, 3, 12))


def test_the_pemda_week_has_one_period_per_weekday_and_opening_time(pemda):
    from django.db import IntegrityError, transaction

    OfficeHours.objects.create(unit=None, weekday=0, opens=time(8), closes=time(16))
    with pytest.raises(IntegrityError), transaction.atomic():
        OfficeHours.objects.create(unit=None, weekday=0, opens=time(8), closes=time(15))
