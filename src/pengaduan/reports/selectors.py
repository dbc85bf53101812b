"""Reads for the reports. Every figure comes from the rollups kept beside the complaints (per unit and local
day, see complaints.figure_models): a year's report sums a few thousand rollup rows whatever the number of
complaints. Only what is open now is read from the step runs, along their partial indexes (open steps are
few), and lists capped at a handful of rows, such as the longest waits.

Definitions used throughout:
* received: complaints received in the period, less those set aside (spam, duplicates), which are
  counted apart; answered: complaints whose last step was done in the period (`ComplaintStat`);
* office time and "within the SOP": see complaints.figures;
* medians and percentiles: read from the office-time histogram of the rollups, interpolated as PostgreSQL's
  percentile_cont does between the values around the wanted position; a value is its bucket's mean, exact
  when the steps of a bucket took the same time and otherwise within the bucket's width (about 3 %);
* open at the end of a period: received before its end and not answered (closed) before it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, F, Max, Min, OuterRef, Q, QuerySet, Sum
from django.utils.translation import gettext as _

from pengaduan.complaints.kinds import get_kind
from pengaduan.complaints import channels
from pengaduan.complaints import examinations as examination_rules
from pengaduan.complaints import time_classes as lapor_classes
from pengaduan.complaints.figure_models import AnswerDay, DayCount, StepDay, StepMonth, StepRunStat, TimeClassDay
from pengaduan.complaints.figures import OFFICE, STANDARD, bucket
from pengaduan.complaints.models import (
    Complaint,
    ComplaintType,
    DecisionType,
    Examination,
    StepPause,
    StepRun,
)
from pengaduan.complaints.selectors import roles_by_unit, team_units
from pengaduan.reports.formatting import share
from pengaduan.reports.periods import Period
from pengaduan.reports.sql import percentiles
from pengaduan.sop.models import Sop
from pengaduan.sop.selectors import current_sop
from pengaduan.sop.selectors import time_classes as sop_time_classes
from pengaduan.units.models import Unit
from pengaduan.workcalendar.services import calendar_for_unit

TOP = 10
"""Free-text breakdowns (category, subject) list this many values, the rest as "others"."""


# -- access ---------------------------------------------------------------------------------------------------

def report_units(user) -> list[Unit]:
    """Units whose reports the user may see: those they hold a role in."""
    return list(Unit.objects.filter(pk__in=list(roles_by_unit(user))).order_by("name"))


def may_see_officers(user, unit: Unit) -> bool:
    """Figures per officer are for the unit's superiors (the roles alerted at a breach), not for colleagues."""
    return unit.pk in team_units(user)


# -- shared pieces --------------------------------------------------------------------------------------------

@dataclass
class StepInfo:
    number: int
    role: str
    role_title: str
    label: str
    standard: str  # the SOP's Waktu column, e.g. "maks 10 hari"


def sop_steps(unit: Unit) -> dict[int, StepInfo]:
    """The steps of the unit's current SOP, by number."""
    sop = current_sop(unit)
    if sop is None:
        return {}
    return {
        step.number: StepInfo(step.number, step.performer, sop.role_title(step.performer),
                              str(_kind_label(step.kind)), step.time_limit_text)
        for step in sop.steps.order_by("number")
    }


def _kind_label(kind: str) -> str:
    try:
        return get_kind(kind).label
    except (KeyError, LookupError):
        return kind


def _step_info(steps: dict[int, StepInfo], number: int) -> StepInfo:
    return steps.get(number) or StepInfo(number, "", "", _("Step %(number)s") % {"number": number}, "")


def _of_unit(rows: QuerySet, unit: Unit | None) -> QuerySet:
    """`rows` of one unit, or of every unit of the Pemda (its public statistics) when `unit` is None."""
    return rows if unit is None else rows.filter(unit=unit)


def received(unit: Unit | None, start: datetime, end: datetime) -> QuerySet[Complaint]:
    """Complaints received in [start, end) by `unit` (None: every unit of the Pemda), set-aside ones left out."""
    return _of_unit(Complaint.objects.filter(received_at__gte=start, received_at__lt=end), unit).exclude(
        status=Complaint.Status.SET_ASIDE
    )


def _day_counts(unit: Unit | None, measure: str, first: date | None, end: date) -> list[tuple[date, str, int]]:
    """(day, value, n) of one rollup measure for the days in [first, end) (`first` None: from the beginning)."""
    rows = _of_unit(DayCount.objects.filter(measure=measure, day__lt=end), unit)
    if first is not None:
        rows = rows.filter(day__gte=first)
    return list(rows.order_by().values("day", "value").annotate(total=Sum("n")).values_list("day", "value", "total"))


def _by_value(rows: list[tuple[date, str, int]]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for _day, value, n in rows:
        counts[value] = counts.get(value, 0) + n
    return counts


def _per_month(pairs, months: list[date]) -> list[int]:
    """Sum (day, n) pairs into the given months (first days), in order."""
    totals = dict.fromkeys(months, 0)
    for day, n in pairs:
        month = day.replace(day=1)
        if month in totals:
            totals[month] += n
    return [totals[month] for month in months]


def _received_days(unit: Unit | None, first: date | None, end: date) -> list[tuple[date, str, int]]:
    """Complaints received per day by outcome (open, closed, set_aside)."""
    return _day_counts(unit, "outcome", first, end)


def _received_count(rows) -> int:
    return sum(n for _day, value, n in rows if value != Complaint.Status.SET_ASIDE)


def _received_by_month(unit: Unit | None, months: list[date], end: date) -> list[int]:
    if not months:
        return []
    rows = _received_days(unit, months[0], end)
    return _per_month(((day, n) for day, value, n in rows if value != Complaint.Status.SET_ASIDE), months)


@dataclass
class Breakdown:
    """Counts by one attribute, largest first, with labels ready to show."""

    title: str
    rows: list[tuple[str, int]] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(count for _label, count in self.rows)


def _breakdown(counts: dict[str, int], title: str, *, labels: dict | None = None, empty: str = "",
               top: int | None = None) -> Breakdown:
    ordered = sorted(((value, n) for value, n in counts.items() if n), key=lambda pair: (-pair[1], pair[0]))
    rows = []
    for value, n in ordered:
        label = (labels or {}).get(value, value) if value else empty
        rows.append((str(label), n))
    if top is not None and len(rows) > top:
        rest = sum(n for _label, n in rows[top - 1:])
        rows = rows[: top - 1] + [(_("Others"), rest)]
    return Breakdown(title, rows)


def histogram_percentiles(buckets: list[tuple[int, int, int]], fractions=(0.5, 0.9)) -> list[float | None]:
    """Percentiles of the durations in `buckets` ([(bucket, n, seconds summed)]), interpolated linearly between
    the values around the position p·(n−1) as percentile_cont does; each value is its bucket's mean."""
    buckets = sorted((b, n, total) for b, n, total in buckets if n > 0)
    count = sum(n for _b, n, _total in buckets)
    if not count:
        return [None for _fraction in fractions]

    def value_at(index: int) -> float:
        seen = 0
        for _b, n, total in buckets:
            seen += n
            if index < seen:
                return total / n
        return buckets[-1][2] / buckets[-1][1]

    results = []
    for fraction in fractions:
        position = fraction * (count - 1)
        low = int(position)
        weight = position - low
        value = value_at(low)
        if weight:
            value = value * (1 - weight) + value_at(low + 1) * weight
        results.append(value)
    return results


# -- SOP compliance -------------------------------------------------------------------------------------------

def _step_days(unit: Unit, period: Period) -> QuerySet[StepDay]:
    return StepDay.objects.filter(unit=unit, day__gte=period.start, day__lt=period.end).order_by()


def _histograms(unit: Unit, period: Period, measure: str, group_by: list[str]) -> dict[tuple, list]:
    """{group: [(bucket, n, seconds)]} of the office times in the period. Whole months (every period but a
    range of days) read the monthly histograms; a range of days reads the buckets of its own steps' figures."""
    if period.start.day == 1 and period.end.day == 1:
        rows = (StepMonth.objects.filter(unit=unit, measure=measure, month__gte=period.start, month__lt=period.end)
                .order_by().values(*group_by, "bucket").annotate(total=Sum("n"), s=Sum("seconds"))
                .values_list(*group_by, "bucket", "total", "s"))
    else:
        start, end = period.bounds()
        value = "office_seconds" if measure == OFFICE else "standard_seconds"
        fields = {"officer_id": "done_by_id"}
        raw = StepRunStat.objects.filter(unit=unit, done_at__gte=start, done_at__lt=end).values_list(
            *[fields.get(name, name) for name in group_by], value)
        sums: dict[tuple, list] = {}
        for *group, seconds in raw.iterator():
            key = (*[g or 0 for g in group], bucket(seconds))
            total = sums.setdefault(key, [0, 0])
            total[0] += 1
            total[1] += seconds
        rows = [(*key, n, seconds) for key, (n, seconds) in sums.items()]
    histograms: dict[tuple, list] = {}
    for *group, bucket_number, n, seconds in rows:
        if n:
            histograms.setdefault(tuple(group), []).append((bucket_number, n, seconds))
    return histograms


@dataclass
class StepFigures:
    step: StepInfo
    done: int = 0
    on_time: int = 0
    median: float | None = None
    p90: float | None = None
    standard_median: float | None = None
    paused: int = 0  # office seconds spent waiting for the complainant
    extended: int = 0  # of the steps done, those whose deadline the superior extended (measured against it)

    @property
    def on_time_share(self) -> float | None:
        return share(self.on_time, self.done)


def compliance_by_step(*, unit: Unit, period: Period) -> list[StepFigures]:
    """Per SOP step, the steps done in the period: how many, the share on time, the median and 90th
    percentile of their office time, and the median office time the SOP allowed them."""
    steps = sop_steps(unit)
    rows = {number: StepFigures(step) for number, step in steps.items()}
    for number, n, on_time, paused in (
        _step_days(unit, period).values("step_number")
        .annotate(total=Sum("n"), on=Sum("on_time"), p=Sum("paused_seconds"))
        .values_list("step_number", "total", "on", "p")
    ):
        if n:
            row = rows.setdefault(number, StepFigures(_step_info(steps, number)))
            row.done, row.on_time, row.paused = n, on_time, paused or 0
    for (number,), histogram in _histograms(unit, period, OFFICE, ["step_number"]).items():
        if number in rows:
            rows[number].median, rows[number].p90 = histogram_percentiles(histogram)
    for (number,), histogram in _histograms(unit, period, STANDARD, ["step_number"]).items():
        if number in rows:
            rows[number].standard_median = histogram_percentiles(histogram, (0.5,))[0]
    # Extensions are rare: counted from the step runs themselves along their small partial index
    # (complaints_steprun_extended), not from a rollup.
    start, end = period.bounds()
    for number, n in (StepRun.objects.filter(unit=unit, extended_from__isnull=False, done_at__gte=start,
                                             done_at__lt=end)
                      .order_by().values("number").annotate(n=Count("id")).values_list("number", "n")):
        if number in rows:
            rows[number].extended = n
    return [rows[number] for number in sorted(rows)]


@dataclass
class ExaminationFigures:
    """The unit's examinations: ordered and reported in the period, their office time and outcome, and those open
    now. Office time runs from the order to the report (stored on the examination when it reports)."""

    ordered: int = 0
    reported: int = 0
    on_time: int = 0
    median: float | None = None
    p90: float | None = None
    outcomes: list[tuple[str, int]] = field(default_factory=list)
    open: int = 0
    overdue: int = 0

    @property
    def on_time_share(self) -> float | None:
        return share(self.on_time, self.reported)


def examination_figures(*, unit: Unit, period: Period, now: datetime) -> ExaminationFigures:
    start, end = period.bounds()
    examinations = Examination.objects.filter(unit=unit)
    reported = examinations.filter(submitted_at__gte=start, submitted_at__lt=end)
    figures = ExaminationFigures(
        ordered=examinations.filter(ordered_at__gte=start, ordered_at__lt=end).count(),
        **reported.aggregate(reported=Count("pk"), on_time=Count("pk", filter=Q(submitted_at__lte=F("due_at")))),
        **examinations.filter(submitted_at__isnull=True).aggregate(
            open=Count("pk"), overdue=Count("pk", filter=Q(due_at__lt=now))),
    )
    for (_unit,), (median, p90) in percentiles(reported, value="office_seconds", group_by=["unit_id"]).items():
        figures.median, figures.p90 = median, p90
    counted = dict(reported.values("outcome").annotate(n=Count("pk")).values_list("outcome", "n"))
    figures.outcomes = [(str(label), counted.get(value, 0)) for value, label in Examination.Outcome.choices]
    return figures


@dataclass
class OfficerFigures:
    name: str
    step: StepInfo
    done: int
    on_time: int
    median: float | None

    @property
    def on_time_share(self) -> float | None:
        return share(self.on_time, self.done)


def compliance_by_officer(*, unit: Unit, period: Period) -> list[OfficerFigures]:
    """Per officer and step: steps done in the period, share on time, median office time."""
    steps = sop_steps(unit)
    groups = [
        row for row in _step_days(unit, period).values("officer_id", "step_number")
        .annotate(total=Sum("n"), on=Sum("on_time")).values_list("officer_id", "step_number", "total", "on")
        if row[2]
    ]
    medians = _histograms(unit, period, OFFICE, ["officer_id", "step_number"])
    users = get_user_model().objects.in_bulk([officer for officer, *_rest in groups if officer])
    rows = []
    for officer, number, done, on_time in groups:
        user = users.get(officer)
        name = (user.get_full_name() or user.get_username()) if user else _("(unknown)")
        histogram = medians.get((officer, number), [])
        rows.append(OfficerFigures(name, _step_info(steps, number), done, on_time,
                                   histogram_percentiles(histogram, (0.5,))[0]))
    rows.sort(key=lambda row: (row.name.lower(), row.step.number))
    return rows


@dataclass
class MonthFigures:
    month: date
    steps_done: int = 0
    steps_on_time: int = 0
    answered: int = 0
    within_sop: int = 0
    median_working_days: float | None = None

    @property
    def on_time_share(self) -> float | None:
        return share(self.steps_on_time, self.steps_done)

    @property
    def within_sop_share(self) -> float | None:
        return share(self.within_sop, self.answered)


def _answer_days(unit: Unit | None, first: date | None, end: date) -> QuerySet[AnswerDay]:
    rows = _of_unit(AnswerDay.objects.filter(day__lt=end), unit).order_by()
    return rows if first is None else rows.filter(day__gte=first)


def compliance_by_month(*, unit: Unit, period: Period) -> list[MonthFigures]:
    """The trend: per month of the period, steps done and on time, complaints answered and within the SOP."""
    rows = {month: MonthFigures(month) for month in period.months()}
    for day, done, on_time in (
        _step_days(unit, period).values("day").annotate(total=Sum("n"), on=Sum("on_time"))
        .values_list("day", "total", "on")
    ):
        row = rows.setdefault(day.replace(day=1), MonthFigures(day.replace(day=1)))
        row.steps_done, row.steps_on_time = row.steps_done + done, row.steps_on_time + on_time
    histograms: dict[date, list] = {}
    for day, working_days, answered, within in (
        _answer_days(unit, period.start, period.end).values("day", "working_days")
        .annotate(n=Sum("n"), w=Sum("within_sop")).values_list("day", "working_days", "n", "w")
    ):
        if not answered:
            continue
        month = day.replace(day=1)
        row = rows.setdefault(month, MonthFigures(month))
        row.answered, row.within_sop = row.answered + answered, row.within_sop + within
        histograms.setdefault(month, []).append((working_days, answered, working_days * answered))
    for month, histogram in histograms.items():
        rows[month].median_working_days = histogram_percentiles(histogram, (0.5,))[0]
    return [rows[month] for month in sorted(rows)]


@dataclass
class WaitingStep:
    step: StepInfo
    open: int
    overdue: int
    paused: int
    oldest_started_at: datetime | None


@dataclass
class WaitingCase:
    run: StepRun
    step: StepInfo
    office_seconds: int
    working_days: int
    overdue: bool


def open_steps(unit: Unit) -> QuerySet[StepRun]:
    return StepRun.objects.open().filter(unit=unit)


def waiting_by_step(*, unit: Unit, now: datetime) -> list[WaitingStep]:
    """Open steps now, per step: how many, how many past their deadline (clock running), how many waiting
    for the complainant, and since when the oldest waits."""
    steps = sop_steps(unit)
    rows = (
        open_steps(unit).values("number")
        .annotate(n=Count("pk"), overdue=Count("pk", filter=Q(due_at__lt=now, paused_at__isnull=True)),
                  paused=Count("pk", filter=Q(paused_at__isnull=False)), oldest=Min("started_at"))
        .values_list("number", "n", "overdue", "paused", "oldest").order_by("number")
    )
    found = {number: WaitingStep(_step_info(steps, number), n, overdue, paused, oldest)
             for number, n, overdue, paused, oldest in rows}
    for number, step in steps.items():
        found.setdefault(number, WaitingStep(step, 0, 0, 0, None))
    return [found[number] for number in sorted(found)]


def waiting_longest(*, unit: Unit, now: datetime, limit: int = 10) -> list[WaitingCase]:
    """The open steps that started longest ago, with the office time and working days they have waited."""
    steps = sop_steps(unit)
    calendar = calendar_for_unit(unit)
    runs = open_steps(unit).select_related("complaint").order_by("started_at", "pk")[:limit]
    return [
        WaitingCase(run, _step_info(steps, run.number),
                    int(calendar.office_time_between(run.started_at, now).total_seconds()),
                    calendar.working_days_between(run.started_at, now),
                    run.paused_at is None and run.due_at < now)
        for run in runs
    ]


# -- complaints answered --------------------------------------------------------------------------------------

@dataclass
class AnswerFigures:
    answered: int = 0
    within_sop: int = 0
    average_working_days: float | None = None
    median_working_days: float | None = None
    longest_working_days: int | None = None
    average_office_seconds: float | None = None
    longest_office_seconds: int | None = None

    @property
    def within_sop_share(self) -> float | None:
        return share(self.within_sop, self.answered)


def answer_figures(*, unit: Unit | None, period: Period) -> AnswerFigures:
    """Complaints answered in the period: how many, how fast, and how many within the SOP."""
    figures = AnswerFigures()
    histogram, days_total, office_total = [], 0, 0
    for working_days, n, within, office, longest in (
        _answer_days(unit, period.start, period.end).values("working_days")
        .annotate(n=Sum("n"), w=Sum("within_sop"), s=Sum("office_seconds"), m=Max("office_max"))
        .values_list("working_days", "n", "w", "s", "m")
    ):
        if not n:
            continue
        figures.answered += n
        figures.within_sop += within
        days_total += working_days * n
        office_total += office
        histogram.append((working_days, n, working_days * n))
        figures.longest_working_days = max(figures.longest_working_days or 0, working_days)
        figures.longest_office_seconds = max(figures.longest_office_seconds or 0, longest)
    if figures.answered:
        figures.average_working_days = days_total / figures.answered
        figures.average_office_seconds = office_total / figures.answered
        figures.median_working_days = histogram_percentiles(histogram, (0.5,))[0]
    return figures


# -- the SP4N-LAPOR! time classes beside the Mutu Baku --------------------------------------------------------------

@dataclass
class TimeClassRow:
    """One LAPOR! time class (its limit, the cases measured against it in the period and how many kept it) beside
    the SOP's own standard for the same stretch of the work (its Mutu Baku and the share that kept it)."""

    measure: str
    label: str
    limit: str
    measured: int = 0
    within: int = 0
    sop_standard: str = ""
    sop_measured: int = 0
    sop_within: int = 0

    @property
    def within_share(self) -> float | None:
        return share(self.within, self.measured)

    @property
    def sop_share(self) -> float | None:
        return share(self.sop_within, self.sop_measured)


def time_class_figures(*, unit: Unit, period: Period) -> list[TimeClassRow]:
    """Cases that ended in the period (answered, or closed without the complainant's reply) against the LAPOR!
    time classes of the unit's SOP (complaints.time_classes), each beside the SOP's own standard: verification
    beside the recording step's Mutu Baku, follow-up beside "answered within the SOP", the examination class
    beside the examinations' own limit. Sums of the `TimeClassDay` and `StepDay`/`AnswerDay` rollups: a few
    hundred rows a year whatever the number of complaints. The limits shown are the current SOP version's; each
    case was measured against its own version's."""
    sop = current_sop(unit)
    classes = sop_time_classes(sop) if sop is not None else sop_time_classes(Sop(document={}))
    rows = {
        lapor_classes.VERIFICATION: TimeClassRow(lapor_classes.VERIFICATION, _("Verification (entered in the "
                                                 "register)"), classes.verification),
        lapor_classes.FOLLOW_UP: TimeClassRow(lapor_classes.FOLLOW_UP, _("Follow-up (answered)"), classes.follow_up),
        lapor_classes.FOLLOW_UP_EXAMINATION: TimeClassRow(
            lapor_classes.FOLLOW_UP_EXAMINATION, _("Follow-up of a matter needing examination"),
            classes.follow_up_examination),
        lapor_classes.NO_REPLY: TimeClassRow(lapor_classes.NO_REPLY, _("Closed: the complainant did not reply"),
                                             classes.closing_without_reply),
    }
    days = TimeClassDay.objects.filter(unit=unit, day__gte=period.start, day__lt=period.end)
    for measure, n, within in (days.values("measure").annotate(total=Sum("n"), w=Sum("within"))
                               .values_list("measure", "total", "w")):
        if measure in rows:
            rows[measure].measured, rows[measure].within = n or 0, within or 0
    steps = sop_steps(unit)
    first = min(steps) if steps else None
    if first is not None:
        verification = rows[lapor_classes.VERIFICATION]
        verification.sop_standard = _("step %(n)s: %(standard)s") % {"n": first, "standard": steps[first].standard}
        totals = _step_days(unit, period).filter(step_number=first).aggregate(n=Sum("n"), on=Sum("on_time"))
        verification.sop_measured, verification.sop_within = totals["n"] or 0, totals["on"] or 0
    answers = answer_figures(unit=unit, period=period)
    follow_up = rows[lapor_classes.FOLLOW_UP]
    follow_up.sop_standard = _("all steps within their Mutu Baku together")
    follow_up.sop_measured, follow_up.sop_within = answers.answered, answers.within_sop
    if sop is not None:
        examined = examination_figures(unit=unit, period=period, now=period.bounds()[1])
        examination = rows[lapor_classes.FOLLOW_UP_EXAMINATION]
        examination.sop_standard = _("examination: %(limit)s") % {"limit": examination_rules.rules_for(sop).time_limit}
        examination.sop_measured, examination.sop_within = examined.reported, examined.on_time
    return list(rows.values())


# -- the periodic report --------------------------------------------------------------------------------------

@dataclass
class RatingFigures:
    count: int = 0
    average: float | None = None
    by_score: dict[int, int] = field(default_factory=dict)


def rating_figures(*, unit: Unit, period: Period) -> RatingFigures:
    """Satisfaction ratings given by complainants during the period."""
    by_score = {int(score): n for score, n in _by_value(_day_counts(unit, "rating", period.start, period.end)).items()
                if n}
    total = sum(by_score.values())
    average = sum(score * n for score, n in by_score.items()) / total if total else None
    return RatingFigures(total, average, {score: by_score.get(score, 0) for score in range(5, 0, -1)})


@dataclass
class PeriodEnd:
    open: int
    overdue: int


def at_period_end(*, unit: Unit, period: Period) -> PeriodEnd:
    """Complaints still open when the period ended, and those among them whose step was then past its deadline
    (not counting a step waiting for the complainant at that moment).

    Open at the end: received before it (not set aside) less answered before it, both from the rollups.
    Past a deadline at the end: the steps done late whose deadline fell before the end and which were done
    after it (rollups: late steps by day of deadline less late steps by day of completion), and the steps
    still open whose deadline fell before the end and which were not waiting for the complainant then.
    The deadline is the one stored now: a clock paused only after the period's end moved it on, so such a
    step is not counted as overdue (rare, and in the officers' favour)."""
    start, end = period.bounds()
    received_before = _received_count(_received_days(unit, None, period.end))
    answered_before = _answer_days(unit, None, period.end).aggregate(n=Sum("n"))["n"] or 0
    late = _by_value(_day_counts(unit, "late_due", None, period.end)).get("", 0) - _by_value(
        _day_counts(unit, "late_done", None, period.end)).get("", 0)
    waiting = StepPause.objects.filter(step_run=OuterRef("pk"), started_at__lt=end).filter(
        Q(ended_at__isnull=True) | Q(ended_at__gte=end))
    late += StepRun.objects.open().filter(unit=unit, due_at__lt=end).exclude(Exists(waiting)).count()
    return PeriodEnd(received_before - answered_before, late)


@dataclass
class PeriodicFigures:
    unit: Unit
    period: Period
    received: int
    set_aside: int
    answered_of_received: int
    open_of_received: int
    breakdowns: list[Breakdown]
    answers: AnswerFigures
    ratings: RatingFigures
    end: PeriodEnd
    steps: list[StepFigures]
    months: list[MonthFigures]
    received_by_month: list[int]


def periodic_figures(*, unit: Unit, period: Period) -> PeriodicFigures:
    """Everything the periodic report to the Walikota says, for one unit and period."""
    outcomes = _received_days(unit, period.start, period.end)
    by_outcome = _by_value(outcomes)
    answered, still_open = by_outcome.get(Complaint.Status.CLOSED, 0), by_outcome.get(Complaint.Status.OPEN, 0)
    outcome = Breakdown(_("Outcome (today)"), [(_("Answered"), answered), (_("In progress"), still_open)])

    def counts(measure: str) -> dict[str, int]:
        return _by_value(_day_counts(unit, measure, period.start, period.end))

    breakdowns = [
        _breakdown(counts("channel"), _("Channel"), labels=channels.labels()),
        _breakdown(counts("type"), _("Type"), labels=dict(ComplaintType.choices)),
        _breakdown(counts("category"), _("Category"), empty=_("(not categorised yet)"), top=TOP),
        _breakdown(counts("subject"), _("Subject of the complaint"), top=TOP),
        _breakdown(counts("decision"), _("Follow-up decision"), labels=dict(DecisionType.choices),
                   empty=_("(not decided yet)")),
        outcome,
    ]
    months = period.months() if period.kind in ("year", "quarter") else []
    return PeriodicFigures(
        unit=unit, period=period, received=answered + still_open,
        set_aside=by_outcome.get(Complaint.Status.SET_ASIDE, 0),
        answered_of_received=answered, open_of_received=still_open, breakdowns=breakdowns,
        answers=answer_figures(unit=unit, period=period), ratings=rating_figures(unit=unit, period=period),
        end=at_period_end(unit=unit, period=period), steps=compliance_by_step(unit=unit, period=period),
        months=compliance_by_month(unit=unit, period=period) if months else [],
        received_by_month=_per_month(((day, n) for day, value, n in outcomes
                                      if value != Complaint.Status.SET_ASIDE), months),
    )


# -- public statistics and dashboard --------------------------------------------------------------------------

@dataclass
class PublicStatistics:
    year: int
    months: list[date]
    received_by_month: list[int]
    answered_by_month: list[int]
    received: int
    answers: AnswerFigures
    categories: Breakdown


def public_statistics(*, unit: Unit | None, year: int) -> PublicStatistics:
    """What anyone may see about a year: counts only, no names, no texts of complaints; one unit's, or the whole
    Pemda's (every unit) when `unit` is None."""
    period = Period.year(year)
    months = period.months()
    by_month = _received_by_month(unit, months, period.end)
    answered = _per_month(_answer_days(unit, period.start, period.end).values("day").annotate(n=Sum("n"))
                          .values_list("day", "n"), months)
    categories = _by_value(_day_counts(unit, "category", period.start, period.end))
    return PublicStatistics(
        year=year, months=months, received_by_month=by_month, answered_by_month=answered, received=sum(by_month),
        answers=answer_figures(unit=unit, period=period),
        categories=_breakdown(categories, _("Category"), empty=_("(not categorised yet)"), top=TOP),
    )


@dataclass
class Comparison:
    period: Period
    received: int
    answers: AnswerFigures


def month_comparison(*, unit: Unit, month: Period) -> list[Comparison]:
    """This month and the month before: received, answered, within the SOP."""
    rows = []
    for period in (month, month.previous()):
        rows.append(Comparison(period, _received_count(_received_days(unit, period.start, period.end)),
                               answer_figures(unit=unit, period=period)))
    return rows


def trend(*, unit: Unit, months: list[date]) -> tuple[list[int], list[float | None]]:
    """Received per month, and the share answered within the SOP per month, over `months`."""
    if not months:
        return [], []
    end = Period.month(months[-1].year, months[-1].month).end
    by_month = _received_by_month(unit, months, end)
    answered: dict[date, list[int]] = {}
    for day, n, within in (_answer_days(unit, months[0], end).values("day").annotate(n=Sum("n"), w=Sum("within_sop"))
                           .values_list("day", "n", "w")):
        pair = answered.setdefault(day.replace(day=1), [0, 0])
        pair[0] += n
        pair[1] += within
    shares = [share(answered[m][1], answered[m][0]) if answered.get(m, [0])[0] else None for m in months]
    return by_month, shares
