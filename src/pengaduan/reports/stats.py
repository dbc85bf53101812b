"""Keeping the report figures: a step's office time is measured once, when it completes, and stored.

`record_step_stats` is called by the engine inside the transaction that completes a step; `rebuild_stats`
(`pengaduan report rebuild-stats`) fills the tables in batches for steps finished before they existed or
after a calendar correction. Both write the same rows, computed by the same functions.

Counting rules (see docs/calendar.md for office time):
* a step's office time runs from its start to its completion, less the office time it waited for the
  complainant (its pauses); the time allowed is the office time from its start to its deadline, less the
  same pauses (the deadline moved on by exactly that time when the clock resumed);
* on time means done no later than the (possibly moved) deadline, as the workdesk shows it;
* a complaint is answered when its last step is done; its time to answer counts working days after the
  day of receipt up to the day of the answer (the start day is not counted, as for deadlines), and its office
  time is the sum over its steps. It was answered within the SOP when it used no more office time than its
  steps allowed together: a late step made up by a quick one still answers the citizen in time.
* complaints set aside (spam, duplicates) are not counted: they never entered the Buku Pengaduan.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from pengaduan.complaints.models import Complaint, StepPause, StepRun
from pengaduan.reports.models import ComplaintStat, StepRunStat
from pengaduan.units.models import Unit
from pengaduan.workcalendar.calendar import BusinessCalendar
from pengaduan.workcalendar.services import calendar_for_unit

Progress = Callable[[int, int], None]


def month_of(moment: datetime) -> date:
    """The first day of `moment`'s month in local time."""
    return timezone.localtime(moment).date().replace(day=1)


def _seconds(calendar: BusinessCalendar, start: datetime, end: datetime) -> int:
    return int(calendar.office_time_between(start, end).total_seconds())


@dataclass(frozen=True)
class _Run:
    pk: int
    complaint_id: int
    unit_id: int
    number: int
    role: str
    done_by_id: int | None
    started_at: datetime
    due_at: datetime
    done_at: datetime


def _step_stat(run: _Run, calendar: BusinessCalendar, paused: int) -> StepRunStat:
    return StepRunStat(
        step_run_id=run.pk, complaint_id=run.complaint_id, unit_id=run.unit_id, step_number=run.number,
        role=run.role, done_by_id=run.done_by_id, done_at=run.done_at, done_month=month_of(run.done_at),
        office_seconds=max(_seconds(calendar, run.started_at, run.done_at) - paused, 0),
        paused_office_seconds=paused,
        standard_seconds=max(_seconds(calendar, run.started_at, run.due_at) - paused, 0),
        on_time=run.done_at <= run.due_at,
    )


def _complaint_stat(*, complaint_id: int, unit_id: int, received_at: datetime, answered_at: datetime,
                    calendar: BusinessCalendar, paused: int, standard: int) -> ComplaintStat:
    office = max(_seconds(calendar, received_at, answered_at) - paused, 0)
    return ComplaintStat(
        complaint_id=complaint_id, unit_id=unit_id, received_at=received_at, answered_at=answered_at,
        answered_month=month_of(answered_at), working_days=calendar.working_days_between(received_at, answered_at),
        office_seconds=office, paused_office_seconds=paused, standard_seconds=standard, within_sop=office <= standard,
    )


_RUN_FIELDS = ("pk", "complaint_id", "unit_id", "number", "role", "done_by_id", "started_at", "due_at",
               "done_at")


def _paused_by_run(run_ids: Iterable[int]) -> dict[int, int]:
    return dict(
        StepPause.objects.filter(step_run_id__in=list(run_ids)).values("step_run_id")
        .annotate(total=Sum("office_seconds")).values_list("step_run_id", "total")
    )


def _counted_runs():
    """Finished step runs of complaints that were not set aside."""
    return StepRun.objects.filter(done_at__isnull=False).exclude(complaint__status=Complaint.Status.SET_ASIDE)


def record_step_stats(step_run: StepRun) -> StepRunStat | None:
    """Store the office-time figures of a step that has just been completed (and of its complaint when
    that step answered it). Idempotent: recording a run again replaces its figures.

    Called by the engine when a step completes (complaints.engine._finish_step), inside its transaction.
    """
    values = _counted_runs().filter(pk=step_run.pk).values_list(*_RUN_FIELDS).first()
    if values is None:
        return None
    run = _Run(*values)
    unit = Unit.objects.get(pk=run.unit_id)
    calendar = calendar_for_unit(unit)
    stat = _step_stat(run, calendar, _paused_by_run([run.pk]).get(run.pk, 0))
    StepRunStat.objects.filter(pk=stat.pk).delete()
    stat.save(force_insert=True)
    complaint = Complaint.objects.filter(pk=run.complaint_id).values("status", "received_at", "closed_at").get()
    if complaint["status"] == Complaint.Status.CLOSED:
        _record_complaint(run.complaint_id, unit.pk, complaint["received_at"], complaint["closed_at"], calendar)
    return stat


def _record_complaint(complaint_id: int, unit_id: int, received_at: datetime, answered_at: datetime,
                      calendar: BusinessCalendar) -> None:
    missing = [
        _Run(*values) for values in _counted_runs().filter(complaint_id=complaint_id, stat__isnull=True)
        .values_list(*_RUN_FIELDS)
    ]
    if missing:
        paused = _paused_by_run(run.pk for run in missing)
        StepRunStat.objects.bulk_create([_step_stat(run, calendar, paused.get(run.pk, 0)) for run in missing])
    sums = StepRunStat.objects.filter(complaint_id=complaint_id).aggregate(
        paused=Sum("paused_office_seconds"), standard=Sum("standard_seconds")
    )
    ComplaintStat.objects.filter(pk=complaint_id).delete()
    _complaint_stat(
        complaint_id=complaint_id, unit_id=unit_id, received_at=received_at, answered_at=answered_at,
        calendar=calendar, paused=sums["paused"] or 0, standard=sums["standard"] or 0,
    ).save(force_insert=True)


class _Calendars(dict):
    def __missing__(self, unit_id: int) -> BusinessCalendar:
        self[unit_id] = calendar_for_unit(Unit.objects.get(pk=unit_id))
        return self[unit_id]


def _batches(queryset, batch_size: int):
    """Primary keys of `queryset` in ascending batches, by keyset (never OFFSET, never the whole list)."""
    last = 0
    while True:
        keys = list(queryset.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:batch_size])
        if not keys:
            return
        yield keys
        last = keys[-1]


def rebuild_stats(*, everything: bool = False, unit: Unit | None = None, batch_size: int = 2000,
                  progress: Progress | None = None) -> tuple[int, int]:
    """Fill the report tables for finished steps and answered complaints that have no figures yet
    (`everything`: recompute all, e.g. after the calendar was corrected). Works in batches of
    `batch_size` runs, one transaction each, so memory stays flat and the tables stay usable.

    Returns (step runs, complaints) written. `progress(done, total)` is called after each batch.
    """
    runs, complaints = _counted_runs(), Complaint.objects.filter(status=Complaint.Status.CLOSED)
    if unit is not None:
        runs, complaints = runs.filter(unit=unit), complaints.filter(unit=unit)
    if not everything:
        runs, complaints = runs.filter(stat__isnull=True), complaints.filter(stat__isnull=True)
    calendars = _Calendars()
    total = runs.count() + complaints.count()
    done = written_runs = written_complaints = 0
    for keys in _batches(runs, batch_size):
        rows = [_Run(*values) for values in StepRun.objects.filter(pk__in=keys).values_list(*_RUN_FIELDS)]
        paused = _paused_by_run(keys)
        stats = [_step_stat(run, calendars[run.unit_id], paused.get(run.pk, 0)) for run in rows]
        with transaction.atomic():
            StepRunStat.objects.filter(pk__in=keys).delete()
            StepRunStat.objects.bulk_create(stats)
        written_runs += len(stats)
        done += len(keys)
        if progress:
            progress(done, total)
    for keys in _batches(complaints, batch_size):
        sums = {
            row["complaint_id"]: row for row in StepRunStat.objects.filter(complaint_id__in=keys)
            .values("complaint_id").annotate(paused=Sum("paused_office_seconds"), standard=Sum("standard_seconds"))
        }
        stats = []
        for pk, unit_id, received_at, closed_at in Complaint.objects.filter(pk__in=keys).values_list(
            "pk", "unit_id", "received_at", "closed_at"
        ):
            row = sums.get(pk, {})
            stats.append(_complaint_stat(
                complaint_id=pk, unit_id=unit_id, received_at=received_at, answered_at=closed_at,
                calendar=calendars[unit_id], paused=row.get("paused") or 0, standard=row.get("standard") or 0,
            ))
        with transaction.atomic():
            ComplaintStat.objects.filter(pk__in=keys).delete()
            ComplaintStat.objects.bulk_create(stats)
        written_complaints += len(stats)
        done += len(keys)
        if progress:
            progress(done, total)
    return written_runs, written_complaints
