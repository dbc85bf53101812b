"""A step's clock: reminders scheduled in office time, and pauses while the complainant is asked for more."""

import pytest

from pengaduan.complaints.engine import (
    complaint_record,
    information_reply,
    information_request,
    step_complete,
    step_resume,
)
from pengaduan.complaints.errors import NotPermitted, StepNotCurrent
from pengaduan.complaints.models import Event, Reminder
from factories import intake_data, wib
from madiun_steps import STEP_DATA

pytestmark = pytest.mark.django_db


def record_at(unit, staff, moment):
    return complaint_record(unit=unit, actor=staff["jfu"], data=intake_data(), now=moment)


def test_it_schedules_reminders_at_half_and_four_fifths_of_the_office_time(unit, staff):
    # Step 2 (10 minutes) starts Monday 23 Nov 2026 at 09:00.
    complaint = record_at(unit, staff, wib(2026, 11, 23, 9, 0))
    run = complaint.step_runs.get(number=2)
    reminders = {r.share: r.due_at for r in run.reminders.all()}
    assert reminders == {50: wib(2026, 11, 23, 9, 5), 80: wib(2026, 11, 23, 9, 8), 100: wib(2026, 11, 23, 9, 10)}


def test_it_schedules_reminders_inside_office_hours_across_a_weekend(unit, staff):
    # 10 minutes from Friday 14:56: 4 minutes on Friday (closes 15:00), the rest on Monday from 07:30.
    complaint = record_at(unit, staff, wib(2026, 11, 27, 14, 56))
    reminders = {r.share: r.due_at for r in complaint.step_runs.get(number=2).reminders.all()}
    assert reminders[50] == wib(2026, 11, 30, 7, 31)
    assert reminders[100] == wib(2026, 11, 30, 7, 36)


def test_it_drops_unsent_reminders_when_the_step_is_done(unit, staff):
    complaint = record_at(unit, staff, wib(2026, 11, 23, 9, 0))
    step_complete(complaint=complaint, actor=staff["sekretaris"], step_number=2, data=STEP_DATA[2],
                  now=wib(2026, 11, 23, 9, 4))
    assert not Reminder.objects.filter(step_run__number=2).exists()
    assert Reminder.objects.filter(step_run__number=3).count() == 3


def test_it_pauses_the_clock_until_the_complainant_answers(unit, staff):
    complaint = record_at(unit, staff, wib(2026, 11, 23, 9, 0))
    run = complaint.step_runs.get(number=2)
    # At 09:04 (6 minutes left) the Sekretaris asks and waits; the answer comes Tuesday 10:00.
    question = information_request(complaint=complaint, actor=staff["sekretaris"], question="Nama petugas?",
                                   pause_clock=True, now=wib(2026, 11, 23, 9, 4))
    run.refresh_from_db()
    assert run.paused_at == wib(2026, 11, 23, 9, 4)
    information_reply(request=question, reply="Pak Budi.", now=wib(2026, 11, 24, 10, 0))
    run.refresh_from_db()
    assert run.paused_at is None
    # Waited: Monday 09:04–16:00 (5h56) + Tuesday 07:30–10:00 (2h30) = 506 office minutes; 09:10 + 506 min.
    assert run.due_at == wib(2026, 11, 24, 10, 6)
    pause = run.pauses.get()
    assert (pause.ended_at, pause.office_seconds) == (wib(2026, 11, 24, 10, 0), 506 * 60)
    assert {r.share: r.due_at for r in run.reminders.filter(sent_at__isnull=True)}[100] == run.due_at
    assert complaint.events.filter(kind=Event.Kind.RESUMED).exists()


def test_it_keeps_waiting_while_another_question_is_open(unit, staff):
    complaint = record_at(unit, staff, wib(2026, 11, 23, 9, 0))
    first = information_request(complaint=complaint, actor=staff["sekretaris"], question="Kapan?", pause_clock=True,
                                now=wib(2026, 11, 23, 9, 2))
    information_request(complaint=complaint, actor=staff["sekretaris"], question="Di mana?",
                        now=wib(2026, 11, 23, 9, 3))
    information_reply(request=first, reply="Senin.", now=wib(2026, 11, 23, 10, 0))
    assert complaint.step_runs.get(number=2).paused_at is not None


def test_it_lets_the_performer_resume_the_clock(unit, staff):
    complaint = record_at(unit, staff, wib(2026, 11, 23, 9, 0))
    information_request(complaint=complaint, actor=staff["sekretaris"], question="?", pause_clock=True,
                        now=wib(2026, 11, 23, 9, 2))
    with pytest.raises(NotPermitted):
        step_resume(complaint=complaint, actor=staff["jfu"], now=wib(2026, 11, 23, 9, 30))
    step_resume(complaint=complaint, actor=staff["sekretaris"], now=wib(2026, 11, 23, 9, 30))
    run = complaint.step_runs.get(number=2)
    assert run.paused_at is None and run.due_at == wib(2026, 11, 23, 9, 38)
    with pytest.raises(StepNotCurrent):
        step_resume(complaint=complaint, actor=staff["sekretaris"], now=wib(2026, 11, 23, 9, 31))


def test_it_ends_the_pause_when_the_step_is_done_while_waiting(unit, staff):
    complaint = record_at(unit, staff, wib(2026, 11, 23, 9, 0))
    information_request(complaint=complaint, actor=staff["sekretaris"], question="?", pause_clock=True,
                        now=wib(2026, 11, 23, 9, 2))
    step_complete(complaint=complaint, actor=staff["sekretaris"], step_number=2, data=STEP_DATA[2],
                  now=wib(2026, 11, 23, 11, 0))
    run = complaint.step_runs.get(number=2)
    assert run.paused_at is None and run.on_time
    assert run.pauses.get().ended_at == wib(2026, 11, 23, 11, 0)
