"""`pengaduan seed`: realistic complaints in bulk, consistent with the calendar, the register and the engine."""

import random
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db.models import Count, Max

from pengaduan.complaints.engine import complaint_record
from pengaduan.complaints.models import Complaint, Event, RegisterCounter, Reminder, StepRun
from pengaduan.ops.officetime import OfficeTimeline, from_minute, to_minute
from pengaduan.ops.seed import SeedError, seed_complaints
from pengaduan.workcalendar.calendar import BusinessCalendar
from pengaduan.workcalendar.durations import Duration, DurationUnit
from pengaduan.workcalendar.services import calendar_for_unit
from factories import intake_data, wib

pytestmark = pytest.mark.django_db
NOW = wib(2026, 11, 20, 10, 0)


@pytest.fixture
def seeded(unit, staff):
    return seed_complaints(unit=unit, count=200, years=3, now=NOW)


def test_it_adds_the_complaints_with_their_steps_and_events(unit, seeded):
    assert Complaint.objects.filter(unit=unit).count() == 200 == seeded.complaints
    assert StepRun.objects.count() == seeded.step_runs and Event.objects.count() == seeded.events
    closed = Complaint.objects.filter(status="closed").first()
    assert list(closed.step_runs.values_list("number", flat=True)) == [1, 2, 3, 4, 5]
    kinds = list(closed.events.values_list("kind", flat=True))
    assert kinds[:3] == ["received", "step_started", "recorded"] and kinds[-1] == "closed"


def test_its_anonymous_complaints_keep_nothing_that_identifies_the_person(seeded):
    anonymous = Complaint.objects.filter(is_anonymous=True)
    assert anonymous.exists()
    assert not anonymous.exclude(caller_number="", source_link="").exists()
    outputs = StepRun.objects.filter(complaint__is_anonymous=True).values_list("output", flat=True)
    assert not any(output.get("recipient") for output in outputs)


def test_it_numbers_the_register_gaplessly_per_year_in_the_order_of_recording(unit, seeded):
    years = Complaint.objects.filter(register_year__isnull=False).values("register_year").annotate(
        n=Count("pk"), last=Max("register_seq"))
    assert len(years) >= 3
    for year in years:
        numbers = list(Complaint.objects.filter(register_year=year["register_year"])
                       .order_by("recorded_at", "pk").values_list("register_seq", flat=True))
        assert numbers == list(range(1, year["n"] + 1))
        assert RegisterCounter.objects.get(unit=unit, year=year["register_year"]).last_number == year["n"]


def test_it_represents_every_step_and_state(seeded):
    assert set(StepRun.objects.values_list("number", flat=True)) == {1, 2, 3, 4, 5}
    assert set(Complaint.objects.values_list("status", flat=True)) == {"open", "closed", "set_aside"}
    assert not Complaint.objects.filter(status="set_aside", register_seq__isnull=False).exists()


def test_it_leaves_recent_complaints_in_progress_some_overdue_some_paused(unit, staff):
    seed_complaints(unit=unit, count=200, years=0.1, now=NOW)
    open_runs = StepRun.objects.filter(done_at__isnull=True)
    assert len({run.number for run in open_runs}) >= 3
    assert open_runs.filter(due_at__lt=NOW).exists() and open_runs.filter(due_at__gt=NOW).exists()
    assert open_runs.filter(paused_at__isnull=False).exists()
    assert Reminder.objects.filter(sent_at__isnull=True, step_run__done_at__isnull=True).exists()


def test_it_computes_deadlines_as_the_calendar_does(unit, seeded):
    calendar = calendar_for_unit(unit)
    for run in StepRun.objects.select_related("step").order_by("?")[:150]:
        assert run.due_at == calendar.add(run.started_at, run.step.duration), run


def test_it_continues_the_register_after_seeding(unit, staff, seeded):
    year = NOW.year
    last = RegisterCounter.objects.get(unit=unit, year=year).last_number
    complaint = complaint_record(unit=unit, actor=staff["jfu"], data=intake_data(), now=NOW + timedelta(hours=1))
    assert (complaint.register_year, complaint.register_seq) == (year, last + 1)


def test_it_gives_a_second_run_other_tracking_codes_and_the_next_numbers(unit, staff, seeded):
    again = seed_complaints(unit=unit, count=50, years=0.2, now=NOW)
    assert Complaint.objects.count() == 250 and again.complaints == 50
    numbers = list(Complaint.objects.filter(register_year=NOW.year).order_by("register_seq")
                   .values_list("register_seq", flat=True))
    assert numbers == list(range(1, len(numbers) + 1))


def test_it_needs_an_officer_for_every_role(unit, jfu):
    with pytest.raises(SeedError, match="no officer with the role"):
        seed_complaints(unit=unit, count=5, now=NOW)


def test_the_command_creates_the_demo_unit_when_missing(madiun_sop, capsys):
    call_command("seed", "--complaints", "30", "--years", "0.5")
    assert Complaint.objects.filter(unit__code="INSP").count() == 30 + 14  # the demo's own fourteen
    assert "30 complaints" in capsys.readouterr().out


def test_the_timeline_agrees_with_the_calendar():
    calendar = BusinessCalendar()
    start_day = wib(2025, 12, 20, 0, 0)
    timeline = OfficeTimeline(calendar, start_day.date(), start_day.date() + timedelta(days=200))
    rng = random.Random(7)
    durations = [Duration(30, DurationUnit.MINUTES), Duration(10, DurationUnit.MINUTES),
                 Duration(1, DurationUnit.HOURS), Duration(7, DurationUnit.HOURS),
                 Duration(10, DurationUnit.WORKING_DAYS), Duration(2, DurationUnit.CALENDAR_DAYS),
                 Duration(0, DurationUnit.MINUTES)]
    for _ in range(400):
        start = start_day + timedelta(minutes=rng.randrange(100 * 24 * 60))
        for duration in durations:
            assert from_minute(timeline.add(to_minute(start), duration)) == calendar.add(start, duration), (
                start, duration)
        end = start + timedelta(minutes=rng.randrange(20 * 24 * 60))
        assert (timeline.office_minutes_between(to_minute(start), to_minute(end))
                == calendar.office_time_between(start, end).total_seconds() // 60)


def test_it_writes_the_report_figures_a_rebuild_would(unit, seeded):
    from pengaduan.complaints.figures import rebuild_stats
    from pengaduan.complaints.models import ComplaintStat, StepRunStat
    from rollup_rows import rollups

    def facts():
        return (sorted(StepRunStat.objects.values_list("step_run_id", "step_number", "done_by_id", "done_month",
                                                       "office_seconds", "standard_seconds", "on_time")),
                sorted(ComplaintStat.objects.values_list("complaint_id", "answered_month", "working_days",
                                                         "office_seconds", "standard_seconds", "within_sop")))

    seeded_facts, seeded_rollups = facts(), rollups()
    assert seeded_facts[0] and seeded_facts[1] and seeded_rollups["answers"]

    rebuild_stats(everything=True)

    assert facts() == seeded_facts
    assert rollups() == seeded_rollups
