"""What an officer reads as time left: office time, working days, overdue (no database)."""

from datetime import datetime
from zoneinfo import ZoneInfo

from django.utils import translation

from pengaduan.complaints.models import StepRun
from pengaduan.workcalendar.calendar import BusinessCalendar
from pengaduan.workdesk.deadlines import time_left

WIB = ZoneInfo("Asia/Jakarta")
CALENDAR = BusinessCalendar()


def run(started, due, done=None):
    return StepRun(started_at=started, due_at=due, done_at=done)


def test_it_counts_minutes_left_in_office_time_only():
    # Started Thursday 15:45 with 30 minutes: at 15:55 there are 5 minutes today and 15 tomorrow morning.
    step = run(datetime(2026, 11, 26, 15, 45, tzinfo=WIB), datetime(2026, 11, 27, 7, 45, tzinfo=WIB))
    with translation.override("en"):
        left = time_left(step, CALENDAR, datetime(2026, 11, 26, 15, 55, tzinfo=WIB))
    assert (left.label, left.state) == ("20 min left", "ok")


def test_it_counts_working_days_left_for_long_steps():
    step = run(datetime(2026, 11, 23, 9, 0, tzinfo=WIB), datetime(2026, 12, 7, 16, 0, tzinfo=WIB))
    with translation.override("id"):
        left = time_left(step, CALENDAR, datetime(2026, 11, 24, 9, 0, tzinfo=WIB))
    assert (left.label, left.state) == ("sisa 9 hari kerja", "ok")


def test_it_says_how_late_an_open_step_is():
    step = run(datetime(2026, 11, 20, 9, 0, tzinfo=WIB), datetime(2026, 11, 20, 9, 30, tzinfo=WIB))
    with translation.override("en"):
        left = time_left(step, CALENDAR, datetime(2026, 11, 24, 10, 0, tzinfo=WIB))
    assert (left.label, left.state) == ("2 working days overdue", "overdue")


def test_it_marks_a_done_step_on_time_or_late():
    due = datetime(2026, 11, 20, 9, 30, tzinfo=WIB)
    start = datetime(2026, 11, 20, 9, 0, tzinfo=WIB)
    assert time_left(run(start, due, done=due), CALENDAR, due).state == "done-on-time"
    assert time_left(run(start, due, done=due.replace(minute=31)), CALENDAR, due).state == "done-late"


def test_it_warns_when_less_than_half_the_time_is_left():
    step = run(datetime(2026, 11, 26, 9, 0, tzinfo=WIB), datetime(2026, 11, 26, 10, 0, tzinfo=WIB))
    assert time_left(step, CALENDAR, datetime(2026, 11, 26, 9, 40, tzinfo=WIB)).state == "soon"


def test_it_counts_long_overdue_steps_in_weeks():
    step = run(datetime(2024, 1, 2, 9, 0, tzinfo=WIB), datetime(2024, 1, 2, 9, 30, tzinfo=WIB))
    with translation.override("en"):
        left = time_left(step, CALENDAR, datetime(2026, 11, 24, 10, 0, tzinfo=WIB))
    assert (left.label, left.state) == ("151 weeks overdue", "overdue")  # 1057 days
