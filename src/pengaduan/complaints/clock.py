"""A step's clock: its deadline, the reminders before it, and pauses while the complainant is asked for more.

Deadlines and reminder moments are computed once, when a step starts, and moved only when a pause ends:
lists and `pengaduan remind` read stored columns, never recompute.
"""

import math
from datetime import datetime, timedelta

from django.conf import settings

from pengaduan.complaints.models import Event, Reminder, StepPause, StepRun
from pengaduan.inserts import new
from pengaduan.workcalendar.calendar import BusinessCalendar
from pengaduan.workcalendar.durations import Duration, DurationUnit


def office_minutes(span: timedelta) -> int:
    return math.ceil(span.total_seconds() / 60)


def schedule_reminders(run: StepRun, calendar: BusinessCalendar) -> None:
    """A reminder at each configured share of the step's office time (e.g. 50 % and 80 %), and the breach."""
    Reminder.objects.bulk_create(plan_reminders(run, calendar))


def plan_reminders(run: StepRun, calendar: BusinessCalendar) -> list[Reminder]:
    """schedule_reminders' rows, not saved: computed before a write transaction that saves them with the run."""
    total = office_minutes(calendar.office_time_between(run.started_at, run.due_at))
    reminders = []
    for share in sorted(set(getattr(settings, "REMINDER_SHARES", [50, 80]))):
        if 0 < share < 100 and total:
            due_at = calendar.add(run.started_at, Duration(math.floor(total * share / 100), DurationUnit.MINUTES))
            reminders.append(new(Reminder, step_run=run, kind=Reminder.Kind.REMINDER, share=share, due_at=due_at))
    reminders.append(new(Reminder, step_run=run, kind=Reminder.Kind.BREACH, share=100, due_at=run.due_at))
    return reminders


def pause(run: StepRun, *, reason: str, now: datetime, actor, record: bool = True) -> StepPause:
    """Stop the step's clock while it waits for the complainant (or, `record=False`, for something that leaves
    its own event, such as an examination)."""
    run.paused_at = now
    run.save(update_fields=["paused_at"])
    if record:
        Event.objects.create(complaint_id=run.complaint_id, kind=Event.Kind.PAUSED, actor=actor,
                             step_number=run.number, created_at=now, data={"reason": reason})
    return StepPause.objects.create(step_run=run, reason=reason, started_at=now)


def resume(run: StepRun, calendar: BusinessCalendar, *, now: datetime, actor=None) -> None:
    """Start the clock again: the deadline and the unsent reminders move on by the office time paused."""
    paused = office_minutes(calendar.office_time_between(run.paused_at, now))
    shift = Duration(paused, DurationUnit.MINUTES)
    old_due = run.due_at
    if paused:
        run.due_at = calendar.add(run.due_at, shift)
        for reminder in run.reminders.filter(sent_at__isnull=True):
            reminder.due_at = calendar.add(reminder.due_at, shift)
            reminder.save(update_fields=["due_at"])
    run.paused_at = None
    run.save(update_fields=["due_at", "paused_at"])
    run.pauses.filter(ended_at__isnull=True).update(ended_at=now, office_seconds=paused * 60)
    Event.objects.create(complaint_id=run.complaint_id, kind=Event.Kind.RESUMED, actor=actor, step_number=run.number,
                         created_at=now, data={"paused_minutes": paused, "due_at_before": old_due.isoformat(),
                                               "due_at": run.due_at.isoformat()})
