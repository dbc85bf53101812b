"""Keeping the report figures: facts measured once when a step completes, and rollups per unit and day.

The engine calls `complaint_counted` when a complaint arrives or is set aside, `step_counted` when a step
completes (inside its transaction), and `rating_counted` when a complainant rates; each writes a handful of
rows whatever the size of the tables. `rebuild_stats` (`pengaduan report rebuild-stats`) recomputes the
facts in batches for steps finished before they existed or after a calendar correction, then the rollups
from the facts; both paths use the same functions, so they agree (tests/complaints/test_figures.py).

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
* days are local days (TIME_ZONE): a report's period is a range of local days.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache

from django.db import connection, transaction
from django.db.models import F, IntegerField, Max, Sum
from django.db.models.expressions import ExpressionWrapper
from django.utils import timezone

from pengaduan.complaints.figure_models import (
    AnswerDay,
    ComplaintFigure,
    ComplaintStat,
    DayCount,
    StepDay,
    StepMonth,
    StepRunStat,
    TimeClassDay,
    TimeClassFact,
)
from pengaduan.complaints.models import Complaint, DecisionType, Examination, Rating, StepPause, StepRun
from pengaduan.inserts import execute, insert_new, new, prepare_insert, statements_only
from pengaduan.units.models import Unit
from pengaduan.workcalendar.calendar import BusinessCalendar
from pengaduan.workcalendar.services import calendar_for_unit

Progress = Callable[[int, int], None]

OFFICE, STANDARD = "o", "s"
RECEIVED_MEASURES = ("channel", "type", "category", "subject", "decision", "outcome")


def month_of(moment: datetime) -> date:
    """The first day of `moment`'s month in local time."""
    return timezone.localtime(moment).date().replace(day=1)


def day_of(moment: datetime) -> date:
    """The local day of `moment`. Every time zone's offset is a multiple of 15 minutes, so the day is the
    same throughout a quarter hour: cached per quarter hour, which makes a rebuild over millions of rows
    several times faster."""
    return _day_of_quarter(int(moment.timestamp()) // 900, timezone.get_current_timezone())


@lru_cache(maxsize=65536)
def _day_of_quarter(quarter: int, zone) -> date:
    return datetime.fromtimestamp(quarter * 900, UTC).astimezone(zone).date()


@lru_cache(maxsize=262144)
def bucket(seconds: int) -> int:
    """The histogram bucket of a duration: exact below 64 s, then 32 buckets per doubling (≤ 3.2 % wide).
    Monotonic, so buckets sort like the durations they hold."""
    seconds = max(int(seconds), 0)
    if seconds < 64:
        return seconds
    octave = seconds.bit_length() - 7  # 0 for 64..127
    return 64 + octave * 32 + ((seconds >> (octave + 1)) & 31)


def _seconds(calendar: BusinessCalendar, start: datetime, end: datetime) -> int:
    return int(calendar.office_time_between(start, end).total_seconds())


# -- writing rollups --------------------------------------------------------------------------------------------

def _upsert(model, keys: list[str], sums: list[str], rows: dict[tuple, tuple], maxima: Iterable[str] = ()) -> None:
    """Add `rows` ({key tuple: value tuple}) to the rollup table in one statement: a new key is inserted,
    an existing one gets the values added (maxima: the larger kept)."""
    statement = _upsert_statement(model, keys, sums, rows, maxima)
    if statement is not None:
        with connection.cursor() as cursor:
            cursor.execute(*statement)


def _upsert_statement(model, keys: list[str], sums: list[str], rows: dict[tuple, tuple],
                      maxima: Iterable[str] = ()) -> tuple[str, list] | None:
    rows = {key: values for key, values in rows.items() if any(values[:len(sums)])}
    if not rows:
        return None
    maxima = list(maxima)
    qn = connection.ops.quote_name
    columns = [model._meta.get_field(name).column for name in keys + sums + maxima]
    table = qn(model._meta.db_table)
    greatest = "MAX" if connection.vendor == "sqlite" else "GREATEST"
    updates = [f"{qn(c)} = {table}.{qn(c)} + excluded.{qn(c)}" for c in columns[len(keys):len(keys) + len(sums)]]
    updates += [f"{qn(c)} = {greatest}({table}.{qn(c)}, excluded.{qn(c)})" for c in columns[len(keys) + len(sums):]]
    marks = "(" + ", ".join(["%s"] * len(columns)) + ")"
    sql = (f"INSERT INTO {table} ({', '.join(qn(c) for c in columns)}) VALUES {', '.join([marks] * len(rows))} "
           f"ON CONFLICT ({', '.join(qn(c) for c in columns[:len(keys)])}) DO UPDATE SET {', '.join(updates)}")
    return sql, [value for key, values in rows.items() for value in (*key, *values)]


def _count_days(unit_id: int, deltas: Counter) -> None:
    """Add `deltas` ({(day, measure, value): n}) to DayCount."""
    _upsert(DayCount, *_day_rows(unit_id, deltas))


def _day_rows(unit_id: int, deltas: Counter) -> tuple:
    return (["unit", "measure", "day", "value"], ["n"],
            {(unit_id, measure, day, value): (n,) for (day, measure, value), n in deltas.items() if n})


def _received_keys(figure: ComplaintFigure | None) -> list[tuple]:
    if figure is None:
        return []
    if figure.outcome == Complaint.Status.SET_ASIDE:
        return [(figure.day, "outcome", figure.outcome)]
    return [(figure.day, "channel", figure.channel), (figure.day, "type", figure.complaint_type),
            (figure.day, "category", figure.category), (figure.day, "subject", figure.subject),
            (figure.day, "decision", figure.decision_type), (figure.day, "outcome", figure.outcome)]


_FIGURE_FIELDS = ("day", "channel", "complaint_type", "category", "subject", "decision_type", "outcome")


def _figure(complaint: Complaint) -> ComplaintFigure:
    return new(
        ComplaintFigure, complaint=complaint, unit_id=complaint.unit_id, day=day_of(complaint.received_at),
        channel=complaint.channel, complaint_type=complaint.complaint_type, category=complaint.category,
        subject=complaint.subject[:300], decision_type=complaint.decision_type, outcome=complaint.status,
    )


def prepare_new_complaint_counted(complaint: Complaint) -> Callable[[], None]:
    """complaint_counted for a complaint being created, in two halves: its rows computed now (before the write
    transaction, the complaint not saved yet), written by the function returned, inside the transaction."""
    figure = _figure(complaint)
    counts = _upsert_statement(DayCount, *_day_rows(complaint.unit_id, Counter(_received_keys(figure))))
    insert = prepare_insert([figure])

    @statements_only
    def write() -> None:
        insert.run()
        if counts is not None:
            # Last of the two: the day's counter rows are shared by every complaint of the unit that day, and on
            # PostgreSQL the transaction holds their row lock from here to its commit.
            execute(*counts, alias=insert.alias)

    return write


def complaint_counted(complaint: Complaint, *, new: bool = False) -> None:
    """Count the complaint by day of receipt with its values as they are now (moving it from the values it
    was counted with before). `new`: it was just created, so it was counted nowhere yet (saves a read)."""
    figure = _figure(complaint)
    old = None if new else ComplaintFigure.objects.filter(pk=complaint.pk).first()
    if old is not None and all(getattr(old, f) == getattr(figure, f) for f in _FIGURE_FIELDS):
        return
    deltas = Counter(_received_keys(figure))
    deltas.subtract(_received_keys(old))
    _count_days(complaint.unit_id, deltas)
    if old is None:
        insert_new([figure])
    else:
        figure.save(force_update=True)


def rating_counted(rating: Rating, unit_id: int) -> None:
    _count_days(unit_id, Counter({(day_of(rating.created_at), "rating", str(rating.score)): 1}))


class _StepRows:
    """Rollup rows of finished steps, summed before they are written (one statement per table)."""

    KEYS = ["unit", "day", "step_number", "officer_id"]
    SUMS = ["n", "on_time", "seconds", "paused_seconds", "standard_seconds"]
    MONTH_KEYS = ["unit", "month", "step_number", "officer_id", "measure", "bucket"]
    MONTH_SUMS = ["n", "seconds"]

    def __init__(self):
        self.days: dict[tuple, list] = {}
        self.months: dict[tuple, list] = {}

    @staticmethod
    def _add(rows: dict, key: tuple, values: tuple) -> None:
        current = rows.get(key)
        rows[key] = list(values) if current is None else [a + b for a, b in zip(current, values)]

    def add(self, stat: StepRunStat, sign: int = 1) -> None:
        self.add_values(stat.unit_id, day_of(stat.done_at), stat.step_number, stat.done_by_id, stat.on_time,
                        stat.office_seconds, stat.paused_office_seconds, stat.standard_seconds, sign)

    def add_values(self, unit_id, day, number, officer, on_time, office, paused, standard, sign: int = 1) -> None:
        officer = officer or 0
        self._add(self.days, (unit_id, day, number, officer),
                  (sign, sign * on_time, sign * office, sign * paused, sign * standard))
        month = day.replace(day=1)
        self._add(self.months, (unit_id, month, number, officer, OFFICE, bucket(office)), (sign, sign * office))
        self._add(self.months, (unit_id, month, number, officer, STANDARD, bucket(standard)), (sign, sign * standard))

    def write(self) -> None:
        _upsert(StepDay, self.KEYS, self.SUMS, {key: tuple(values) for key, values in self.days.items()})
        _upsert(StepMonth, self.MONTH_KEYS, self.MONTH_SUMS, {key: tuple(v) for key, v in self.months.items()})
_ANSWER_KEYS = ["unit", "day", "working_days"]
_ANSWER_SUMS = ["n", "within_sop", "office_seconds"]


def _late_keys(due_at: datetime, done_at: datetime) -> list[tuple]:
    if done_at <= due_at:
        return []
    return [(day_of(due_at), "late_due", ""), (day_of(done_at), "late_done", "")]


# -- facts ----------------------------------------------------------------------------------------------------

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


def step_counted(step_run: StepRun, complaint: Complaint | None = None) -> StepRunStat | None:
    """Store the office-time figures of a step that has just been completed (and of its complaint when
    that step answered it), add them to the rollups, and count the complaint with its values as the step
    left them. Idempotent: recording a run again replaces its figures.

    Called by the engine when a step completes (complaints.engine._finish_step), inside its transaction,
    with the run and the complaint as it has them: then nothing is read again that the engine holds (the
    run cannot have figures yet, it was open a moment ago), which keeps the write transaction short.
    """
    if complaint is None:
        values = _counted_runs().filter(pk=step_run.pk).values_list(*_RUN_FIELDS).first()
        if values is None:
            return None
        run = _Run(*values)
        unit = Unit.objects.get(pk=run.unit_id)
        state = Complaint.objects.filter(pk=run.complaint_id).values("status", "received_at", "closed_at").get()
        old = StepRunStat.objects.filter(pk=run.pk).first()
    else:
        complaint_counted(complaint)
        if complaint.status == Complaint.Status.SET_ASIDE or step_run.done_at is None:
            return None
        run = _Run(step_run.pk, step_run.complaint_id, step_run.unit_id, step_run.number, step_run.role,
                   step_run.done_by_id, step_run.started_at, step_run.due_at, step_run.done_at)
        unit = complaint.unit
        state = {"status": complaint.status, "received_at": complaint.received_at, "closed_at": complaint.closed_at}
        old = None
    calendar = calendar_for_unit(unit)
    stat = _step_stat(run, calendar, _paused_by_run([run.pk]).get(run.pk, 0))
    rows = _StepRows()
    if old is not None:
        old.delete()
        rows.add(old, -1)
    else:
        _count_days(run.unit_id, Counter(_late_keys(run.due_at, run.done_at)))
    stat.save(force_insert=True)
    rows.add(stat)
    rows.write()
    if state["status"] == Complaint.Status.CLOSED:
        _record_complaint(run.complaint_id, unit.pk, state["received_at"], state["closed_at"], calendar)
    return stat


record_step_stats = step_counted  # the name the reports knew


def step_uncounted(step_run: StepRun) -> None:
    """Take a done step's figures out again: its step opens once more (a forwarded case returned to its decision
    step), and is counted anew when it is done again. Call it before the run's deadline and completion change."""
    old = StepRunStat.objects.filter(pk=step_run.pk).first()
    if old is None:
        return
    rows = _StepRows()
    rows.add(old, -1)
    rows.write()
    late = Counter()
    late.subtract(_late_keys(step_run.due_at, step_run.done_at))
    _count_days(old.unit_id, late)
    old.delete()


def _answer_row(stat: ComplaintStat, sign: int = 1) -> dict[tuple, tuple]:
    return {(stat.unit_id, day_of(stat.answered_at), stat.working_days):
            (sign, sign * stat.within_sop, sign * stat.office_seconds)}


def _record_complaint(complaint_id: int, unit_id: int, received_at: datetime, answered_at: datetime,
                      calendar: BusinessCalendar) -> None:
    missing = [
        _Run(*values) for values in _counted_runs().filter(complaint_id=complaint_id, stat__isnull=True)
        .values_list(*_RUN_FIELDS)
    ]
    if missing:
        paused = _paused_by_run(run.pk for run in missing)
        stats = [_step_stat(run, calendar, paused.get(run.pk, 0)) for run in missing]
        StepRunStat.objects.bulk_create(stats)
        rows = _StepRows()
        late = Counter()
        for run, stat in zip(missing, stats):
            rows.add(stat)
            late.update(_late_keys(run.due_at, run.done_at))
        rows.write()
        _count_days(unit_id, late)
    sums = StepRunStat.objects.filter(complaint_id=complaint_id).aggregate(
        paused=Sum("paused_office_seconds"), standard=Sum("standard_seconds")
    )
    old = ComplaintStat.objects.filter(pk=complaint_id).first()
    stat = _complaint_stat(
        complaint_id=complaint_id, unit_id=unit_id, received_at=received_at, answered_at=answered_at,
        calendar=calendar, paused=sums["paused"] or 0, standard=sums["standard"] or 0,
    )
    if old is not None:
        old.delete()
        _upsert(AnswerDay, _ANSWER_KEYS, _ANSWER_SUMS,
                {key: (*values, 0) for key, values in _answer_row(old, -1).items()}, maxima=["office_max"])
    stat.save(force_insert=True)
    _upsert(AnswerDay, _ANSWER_KEYS, _ANSWER_SUMS,
            {key: (*values, stat.office_seconds) for key, values in _answer_row(stat).items()},
            maxima=["office_max"])
    if old is not None:
        _refresh_answer_max(old)
    time_classes_counted(complaint_id, calendar=calendar)


# -- the LAPOR! time classes (complaints.time_classes) ------------------------------------------------------------

_ENDED = (Complaint.Status.CLOSED, Complaint.Status.NO_REPLY)


def _time_class_rows(fact: TimeClassFact, sign: int = 1) -> dict[tuple, tuple]:
    from pengaduan.complaints import time_classes

    day = day_of(fact.ended_at)
    rows = {}
    if fact.verified_within is not None:
        rows[(fact.unit_id, time_classes.VERIFICATION, day)] = (sign, sign * fact.verified_within)
    if fact.follow_up_class:
        rows[(fact.unit_id, fact.follow_up_class, day)] = (sign, sign * bool(fact.followed_up_within))
    if fact.no_reply:
        rows[(fact.unit_id, time_classes.NO_REPLY, day)] = (sign, 0)
    return rows


def _time_class_fact(complaint: Complaint, calendar: BusinessCalendar) -> TimeClassFact:
    from pengaduan.complaints import time_classes
    from pengaduan.sop.selectors import time_classes as sop_time_classes

    waited = dict(StepPause.objects.filter(step_run__complaint_id=complaint.pk).values("step_run__number")
                  .annotate(total=Sum("office_seconds")).values_list("step_run__number", "total"))
    first = 1  # the recording is the first step (the SOP schema's rule)
    examined = (complaint.decision_type == DecisionType.EXAMINATION
                or Examination.objects.filter(complaint_id=complaint.pk).exists())
    measured = time_classes.measure(
        calendar=calendar, classes=sop_time_classes(complaint.sop), received_at=complaint.received_at,
        recorded_at=complaint.recorded_at, ended_at=complaint.closed_at,
        answered=complaint.status == Complaint.Status.CLOSED, examined=examined,
        waited_recording=waited.get(first, 0) or 0,
        waited_after=sum(total or 0 for number, total in waited.items() if number != first))
    return TimeClassFact(complaint_id=complaint.pk, unit_id=complaint.unit_id, ended_at=complaint.closed_at,
                         verified_within=measured.verified_within, follow_up_class=measured.follow_up_class,
                         followed_up_within=measured.followed_up_within, no_reply=measured.no_reply)


def time_classes_counted(complaint: Complaint | int, *, calendar: BusinessCalendar | None = None) -> None:
    """Measure a case that has just ended (answered, or closed without the complainant's reply) against its SOP's
    LAPOR! time classes, and add it to `TimeClassDay` (replacing what it counted before). A case that is not ended
    counts for nothing."""
    pk = complaint if isinstance(complaint, int) else complaint.pk
    complaint = Complaint.objects.select_related("unit", "sop").only(
        "pk", "unit", "sop", "status", "decision_type", "received_at", "recorded_at", "closed_at").get(pk=pk)
    old = TimeClassFact.objects.filter(pk=pk).first()
    rows: dict[tuple, list] = {}

    def add(found: dict[tuple, tuple]) -> None:
        for key, values in found.items():
            current = rows.get(key, [0, 0])
            rows[key] = [current[0] + values[0], current[1] + values[1]]

    if old is not None:
        add(_time_class_rows(old, -1))
        old.delete()
    if complaint.status in _ENDED and complaint.closed_at is not None:
        fact = _time_class_fact(complaint, calendar or calendar_for_unit(complaint.unit))
        fact.save(force_insert=True)
        add(_time_class_rows(fact))
    _upsert(TimeClassDay, ["unit", "measure", "day"], ["n", "within"],
            {key: tuple(values) for key, values in rows.items()})


def _refresh_answer_max(stat: ComplaintStat) -> None:
    """A maximum cannot be subtracted: after replacing an answer's figures, its day's maximum is read again."""
    day = day_of(stat.answered_at)
    start = timezone.make_aware(datetime.combine(day, time()))
    end = timezone.make_aware(datetime.combine(day + timedelta(days=1), time()))
    largest = ComplaintStat.objects.filter(unit_id=stat.unit_id, working_days=stat.working_days,
                                           answered_at__gte=start, answered_at__lt=end).aggregate(m=Max("office_seconds"))
    AnswerDay.objects.filter(unit_id=stat.unit_id, day=day, working_days=stat.working_days).update(
        office_max=largest["m"] or 0)


# -- rebuilding -----------------------------------------------------------------------------------------------

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


def _rows_by_keyset(queryset, fields: tuple[str, ...], batch_size: int, *, unit: Unit | None = None):
    """`queryset`'s rows as value tuples (pk first), in batches by keyset; only `unit`'s, if given.

    The unit's column is compared as an expression (unit_id + 0), which no index serves: with the unit's index the
    database read every row of the unit and sorted them for each batch (SQLite at 5,000,000 step runs: the
    rebuild of bench/bench_reports.py ran for over twenty minutes), where along the key it reads one batch."""
    if unit is not None:
        queryset = queryset.alias(_unit_alone=ExpressionWrapper(F("unit_id") + 0, output_field=IntegerField())) \
            .filter(_unit_alone=unit.pk)
    last = None
    while True:
        page = queryset.order_by("pk")
        if last is not None:
            page = page.filter(pk__gt=last)
        rows = list(page.values_list("pk", *fields)[:batch_size])
        if not rows:
            return
        yield rows
        last = rows[-1][0]


def rebuild_stats(*, everything: bool = False, unit: Unit | None = None, batch_size: int = 2000,
                  progress: Progress | None = None) -> tuple[int, int]:
    """Fill the fact tables for finished steps and answered complaints that have no figures yet
    (`everything`: recompute all, e.g. after the calendar was corrected), then recompute the rollups
    (of `unit`, or of every unit) from the facts. Works in batches of `batch_size` runs, one transaction
    each, so memory stays flat and the tables stay usable.

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
    ended = Complaint.objects.filter(status__in=_ENDED)
    if unit is not None:
        ended = ended.filter(unit=unit)
    if not everything:
        ended = ended.exclude(pk__in=TimeClassFact.objects.values("complaint_id"))
    for keys in _batches(ended, batch_size):
        with transaction.atomic():
            TimeClassFact.objects.filter(pk__in=keys).delete()
            facts = [_time_class_fact(complaint, calendars[complaint.unit_id])
                     for complaint in Complaint.objects.filter(pk__in=keys).select_related("sop")]
            TimeClassFact.objects.bulk_create(facts)
    rebuild_rollups(unit=unit, batch_size=batch_size * 10)
    return written_runs, written_complaints


def _by_unit(queryset, unit: Unit | None, field: str = "unit"):
    return queryset if unit is None else queryset.filter(**{field: unit})


def rebuild_rollups(*, unit: Unit | None = None, batch_size: int = 20000) -> None:
    """Recompute every rollup (of `unit`, or of all units) from the facts and the complaints, in one
    transaction: readers see the old figures or the new ones, never a half. Memory holds the rollups (their
    size grows with days and distinct values) and one batch of rows, never all complaints."""
    received: dict[int, Counter] = defaultdict(Counter)
    steps = _StepRows()
    answers: dict[tuple, list] = {}
    with transaction.atomic():
        for model in (ComplaintFigure, DayCount, StepDay, StepMonth, AnswerDay, TimeClassDay):
            _by_unit(model.objects.all(), unit).delete()
        classes: dict[tuple, list] = {}
        for fact in _by_unit(TimeClassFact.objects.all(), unit).iterator(chunk_size=batch_size):
            for key, values in _time_class_rows(fact).items():
                current = classes.get(key, [0, 0])
                classes[key] = [current[0] + values[0], current[1] + values[1]]
        TimeClassDay.objects.bulk_create(
            [TimeClassDay(unit_id=key[0], measure=key[1], day=key[2], n=v[0], within=v[1])
             for key, v in classes.items() if v[0]], batch_size=2000)
        for rows in _rows_by_keyset(Complaint.objects.all(), (
                "unit_id", "received_at", "channel", "complaint_type", "category", "subject", "decision_type",
                "status"), batch_size, unit=unit):
            figures = []
            for pk, unit_id, received_at, channel, kind, category, subject, decision, status in rows:
                figure = ComplaintFigure(complaint_id=pk, unit_id=unit_id, day=day_of(received_at), channel=channel,
                                         complaint_type=kind, category=category, subject=subject[:300],
                                         decision_type=decision, outcome=status)
                figures.append(figure)
                received[unit_id].update(_received_keys(figure))
            ComplaintFigure.objects.bulk_create(figures, batch_size=2000)
        for unit_id, created_at, score in _by_unit(Rating.objects.all(), unit, "complaint__unit").values_list(
                "complaint__unit_id", "created_at", "score").iterator(chunk_size=batch_size):
            received[unit_id][(day_of(created_at), "rating", str(score))] += 1
        for rows in _rows_by_keyset(StepRunStat.objects.all(), (
                "unit_id", "done_at", "step_number", "done_by_id", "on_time", "office_seconds",
                "paused_office_seconds", "standard_seconds", "step_run__due_at"), batch_size, unit=unit):
            for _pk, unit_id, done_at, number, done_by, on_time, office, paused, standard, due_at in rows:
                steps.add_values(unit_id, day_of(done_at), number, done_by, on_time, office, paused, standard)
                if done_at > due_at:
                    received[unit_id].update(_late_keys(due_at, done_at))
        for unit_id, answered_at, working_days, within, office in _by_unit(ComplaintStat.objects.all(), unit)\
                .values_list("unit_id", "answered_at", "working_days", "within_sop", "office_seconds")\
                .iterator(chunk_size=batch_size):
            key = (unit_id, day_of(answered_at), working_days)
            n, w, s, m = answers.get(key, (0, 0, 0, 0))
            answers[key] = [n + 1, w + within, s + office, max(m, office)]
        DayCount.objects.bulk_create(
            [DayCount(unit_id=unit_id, day=day, measure=measure, value=value, n=n)
             for unit_id, counts in received.items() for (day, measure, value), n in counts.items() if n],
            batch_size=2000)
        StepDay.objects.bulk_create(
            [StepDay(unit_id=key[0], day=key[1], step_number=key[2], officer_id=key[3], n=v[0], on_time=v[1],
                     seconds=v[2], paused_seconds=v[3], standard_seconds=v[4]) for key, v in steps.days.items() if v[0]],
            batch_size=2000)
        StepMonth.objects.bulk_create(
            [StepMonth(unit_id=key[0], month=key[1], step_number=key[2], officer_id=key[3], measure=key[4],
                       bucket=key[5], n=v[0], seconds=v[1]) for key, v in steps.months.items() if v[0]],
            batch_size=2000)
        AnswerDay.objects.bulk_create(
            [AnswerDay(unit_id=key[0], day=key[1], working_days=key[2], n=v[0], within_sop=v[1], office_seconds=v[2],
                       office_max=v[3]) for key, v in answers.items() if v[0]],
            batch_size=2000)
