"""`pengaduan calendar show|deadline` from the console."""

from datetime import date, time
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from pengaduan.units.models import Unit
from pengaduan.workcalendar.models import CalendarException, OfficeHours

pytestmark = pytest.mark.django_db  # the command looks units up


def run(*args: str) -> list[str]:
    out = StringIO()
    call_command("calendar", *args, stdout=out)
    return out.getvalue().splitlines()


@pytest.fixture
def insp(db):
    return Unit.objects.create(code="INSP", name="Inspektorat", sop_code="3.1.1.10", register_code="INSP")


def test_deadline_prints_the_iso_deadline_as_the_last_line():
    lines = run("deadline", "2026-03-18T15:00", "maks 10 hari")
    assert lines[-1] == "2026-04-08T16:00:00+07:00"
    assert any("10 hari kerja" in line for line in lines[:-1])


def test_deadline_accepts_a_start_with_an_offset():
    assert run("deadline", "2026-03-18T08:00:00+00:00", "10 hari kerja")[-1] == "2026-04-08T16:00:00+07:00"
    assert run("deadline", "2026-03-26T08:45Z", "30 menit")[-1] == "2026-03-27T07:45:00+07:00"


def test_deadline_says_when_the_clock_waits_for_the_office_to_open():
    lines = run("deadline", "2026-04-11T10:00", "30 menit")
    assert lines[-1] == "2026-04-13T08:00:00+07:00"
    assert any("clock starts" in line and "2026-04-13 07:30" in line for line in lines)


def test_deadline_uses_the_units_calendar(insp):
    CalendarException.objects.create(unit=insp, date=date(2026, 4, 13), kind="day_off", name="Rapat kerja")
    assert run("deadline", "2026-04-10T10:00", "1 hari kerja", "--unit", "INSP")[-1] == "2026-04-14T16:00:00+07:00"


def test_without_unit_the_only_unit_is_used(insp):
    OfficeHours.objects.create(unit=insp, weekday=5, opens=time(8, 0), closes=time(12, 0))
    lines = run("deadline", "2026-04-10T10:00", "1 hari kerja")
    assert lines[-1] == "2026-04-11T12:00:00+07:00"  # Saturday service
    assert any("INSP" in line for line in lines)


def test_an_unknown_unit_is_a_clear_error(insp):
    with pytest.raises(CommandError, match="Unknown unit 'NOPE'.*INSP"):
        run("show", "2026", "--unit", "NOPE")


@pytest.mark.parametrize("start", ["kemarin", "2026-13-01T10:00", "18/03/2026 15:00"])
def test_an_unreadable_start_is_a_clear_error(start):
    with pytest.raises(CommandError, match="Cannot read START.*ISO 8601"):
        run("deadline", start, "1 jam")


def test_an_unreadable_duration_is_a_clear_error_quoting_it():
    with pytest.raises(CommandError, match="'secepatnya'"):
        run("deadline", "2026-03-18T15:00", "secepatnya")


def test_a_missing_action_is_an_error():
    with pytest.raises(CommandError):
        run()


def test_show_lists_the_years_non_working_days_and_the_office_hours():
    lines = run("show", "2026")
    assert any(line.split() == ["2026-03-19", "Kamis", "Hari", "Suci", "Nyepi"] for line in lines)
    assert any(line.startswith("  2026-03-21  Sabtu") for line in lines)  # Idul Fitri on a Saturday
    assert not any("2026-03-28" in line for line in lines)  # an ordinary Saturday
    assert "Closed every week: Sabtu, Minggu" in lines
    assert "  Jumat   07:30-11:30, 13:00-15:00" in lines
    assert "  Minggu  closed" in lines


def test_show_includes_the_units_exceptions(insp):
    CalendarException.objects.create(unit=None, date=date(2026, 4, 13), kind="day_off", name="Hari Jadi Kota")
    CalendarException.objects.create(unit=insp, date=date(2026, 3, 20), kind="working_day", name="Piket")
    lines = run("show", "2026", "--unit", "INSP")
    assert any("2026-04-13" in line and "Hari Jadi Kota" in line for line in lines)
    extra = lines.index("Extra working days:")
    assert "2026-03-20" in lines[extra + 1] and "Piket" in lines[extra + 1]
