"""Reads for the reports. Every figure is aggregated by the database: one row per group comes back, never
one per complaint (the only exceptions are lists capped at a handful of rows, such as the longest waits).

Definitions used throughout:
* received: complaints received in the period, less those set aside (spam, duplicates), which are
  counted apart; answered: complaints whose last step was done in the period (`ComplaintStat`);
* office time and "within the SOP": see reports.stats;
* open at the end of a period: received before its end and not answered (closed) before it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from django.contrib.auth import get_user_model
from django.db.models import Avg, Count, Exists, F, Max, Min, OuterRef, Q, QuerySet, Sum
from django.utils.translation import gettext as _

from pengaduan.complaints.kinds import get_kind
from pengaduan.complaints import channels
from pengaduan.complaints.models import (
    Complaint,
    ComplaintType,
    DecisionType,
    Examination,
    Rating,
    StepPause,
    StepRun,
)
from pengaduan.complaints.selectors import roles_by_unit, team_units
from pengaduan.reports.formatting import share
from pengaduan.reports.models import ComplaintStat, StepRunStat
from pengaduan.reports.periods import Period, month_bounds
from pengaduan.reports.sql import percentiles
from pengaduan.sop.selectors import current_sop
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


def received(unit: Unit, start: datetime, end: datetime) -> QuerySet[Complaint]:
    """Complaints received in [start, end), set-aside ones left out."""
    return Complaint.objects.filter(unit=unit, received_at__gte=start, received_at__lt=end).exclude(
        status=Complaint.Status.SET_ASIDE
    )


def _monthly_counts(queryset: QuerySet, field_name: str, months: list[date]) -> list[int]:
    """How many rows of `queryset` have `field_name` in each month: one query, one pass (no per-row function)."""
    if not months:
        return []
    aggregates = {}
    for index, month in enumerate(months):
        start, end = month_bounds(month)
        aggregates[f"m{index}"] = Count("pk", filter=Q(**{f"{field_name}__gte": start, f"{field_name}__lt": end}))
    result = queryset.aggregate(**aggregates)
    return [result[f"m{index}"] for index in range(len(months))]


@dataclass
class Breakdown:
    """Counts by one attribute, largest first, with labels ready to show."""

    title: str
    rows: list[tuple[str, int]] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(count for _label, count in self.rows)


def _breakdown(queryset: QuerySet, field_name: str, title: str, *, labels: dict | None = None,
               empty: str = "", top: int | None = None) -> Breakdown:
    counts = list(
        queryset.order_by().values_list(field_name).annotate(n=Count("pk")).order_by("-n", field_name)
    )
    rows = []
    for value, n in counts:
        label = (labels or {}).get(value, value) if value else empty
        rows.append((str(label), n))
    if top is not None and len(rows) > top:
        rest = sum(n for _label, n in rows[top - 1:])
        rows = rows[: top - 1] + [(_("Others"), rest)]
    return Breakdown(title, rows)


# -- SOP compliance -------------------------------------------------------------------------------------------

def step_stats(unit: Unit, period: Period) -> QuerySet[StepRunStat]:
    start, end = period.bounds()
    return StepRunStat.objects.filter(unit=unit, done_at__gte=start, done_at__lt=end)


@dataclass
class StepFigures:
    step: StepInfo
    done: int = 0
    on_time: int = 0
    median: float | None = None
    p90: float | None = None
    standard_median: float | None = None
    paused: int = 0  # office seconds spent waiting for the complainant

    @property
    def on_time_share(self) -> float | None:
        return share(self.on_time, self.done)


def compliance_by_step(*, unit: Unit, period: Period) -> list[StepFigures]:
    """Per SOP step, the steps done in the period: how many, the share on time, the median and 90th
    percentile of their office time, and the median office time the SOP allowed them."""
    stats = step_stats(unit, period)
    steps = sop_steps(unit)
    rows = {number: StepFigures(step) for number, step in steps.items()}
    for number, done, on_time, paused in (
        stats.values("step_number").annotate(done=Count("pk"), on_time=Count("pk", filter=Q(on_time=True)),
                                             paused=Sum("paused_office_seconds"))
        .values_list("step_number", "done", "on_time", "paused")
    ):
        row = rows.setdefault(number, StepFigures(_step_info(steps, number)))
        row.done, row.on_time, row.paused = done, on_time, paused or 0
    for (number,), (median, p90) in percentiles(stats, value="office_seconds", group_by=["step_number"]).items():
        rows[number].median, rows[number].p90 = median, p90
    for (number,), (median,) in percentiles(stats, value="standard_seconds", group_by=["step_number"],
                                            fractions=(0.5,)).items():
        rows[number].standard_median = median
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
    stats = step_stats(unit, period)
    steps = sop_steps(unit)
    groups = list(
        stats.values("done_by", "step_number").annotate(done=Count("pk"), on_time=Count("pk", filter=Q(on_time=True)))
        .values_list("done_by", "step_number", "done", "on_time")
    )
    medians = percentiles(stats, value="office_seconds", group_by=["done_by", "step_number"], fractions=(0.5,))
    users = get_user_model().objects.in_bulk([user_id for user_id, *_rest in groups if user_id])
    rows = []
    for user_id, number, done, on_time in groups:
        user = users.get(user_id)
        name = (user.get_full_name() or user.get_username()) if user else _("(unknown)")
        rows.append(OfficerFigures(name, _step_info(steps, number), done, on_time,
                                   medians.get((user_id, number), [None])[0]))
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


def compliance_by_month(*, unit: Unit, period: Period) -> list[MonthFigures]:
    """The trend: per month of the period, steps done and on time, complaints answered and within the SOP."""
    rows = {month: MonthFigures(month) for month in period.months()}
    for month, done, on_time in (
        step_stats(unit, period).values("done_month")
        .annotate(done=Count("pk"), on_time=Count("pk", filter=Q(on_time=True)))
        .values_list("done_month", "done", "on_time")
    ):
        row = rows.setdefault(month, MonthFigures(month))
        row.steps_done, row.steps_on_time = done, on_time
    answers = complaint_stats(unit, period)
    for month, answered, within in (
        answers.values("answered_month").annotate(n=Count("pk"), within=Count("pk", filter=Q(within_sop=True)))
        .values_list("answered_month", "n", "within")
    ):
        row = rows.setdefault(month, MonthFigures(month))
        row.answered, row.within_sop = answered, within
    for (month,), (median,) in percentiles(answers, value="working_days", group_by=["answered_month"],
                                           fractions=(0.5,)).items():
        rows[month].median_working_days = median
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

def complaint_stats(unit: Unit, period: Period) -> QuerySet[ComplaintStat]:
    start, end = period.bounds()
    return ComplaintStat.objects.filter(unit=unit, answered_at__gte=start, answered_at__lt=end)


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


def answer_figures(*, unit: Unit, period: Period) -> AnswerFigures:
    """Complaints answered in the period: how many, how fast, and how many within the SOP."""
    answers = complaint_stats(unit, period)
    totals = answers.aggregate(
        answered=Count("pk"), within_sop=Count("pk", filter=Q(within_sop=True)),
        average_working_days=Avg("working_days"), longest_working_days=Max("working_days"),
        average_office_seconds=Avg("office_seconds"), longest_office_seconds=Max("office_seconds"),
    )
    figures = AnswerFigures(**totals)
    medians = percentiles(answers, value="working_days", fractions=(0.5,))
    if medians:
        figures.median_working_days = medians[()][0]
    return figures


# -- the periodic report --------------------------------------------------------------------------------------

@dataclass
class RatingFigures:
    count: int = 0
    average: float | None = None
    by_score: dict[int, int] = field(default_factory=dict)


def rating_figures(*, unit: Unit, period: Period) -> RatingFigures:
    """Satisfaction ratings given by complainants during the period."""
    start, end = period.bounds()
    ratings = Rating.objects.filter(complaint__unit=unit, created_at__gte=start, created_at__lt=end)
    by_score = dict(ratings.order_by().values_list("score").annotate(n=Count("pk")))
    total = sum(by_score.values())
    average = ratings.aggregate(average=Avg("score"))["average"] if total else None
    return RatingFigures(total, average, {score: by_score.get(score, 0) for score in range(5, 0, -1)})


@dataclass
class PeriodEnd:
    open: int
    overdue: int


def at_period_end(*, unit: Unit, period: Period) -> PeriodEnd:
    """Complaints still open when the period ended, and those among them whose step was then past its deadline
    (not counting a step waiting for the complainant at that moment).

    The deadline is the one stored now: a clock paused only after the period's end moved it on, so such a
    step is not counted as overdue (rare, and in the officers' favour)."""
    _start, end = period.bounds()
    open_at_end = Complaint.objects.filter(unit=unit, received_at__lt=end).exclude(
        status=Complaint.Status.SET_ASIDE).filter(Q(closed_at__isnull=True) | Q(closed_at__gte=end))
    waiting = StepPause.objects.filter(step_run=OuterRef("pk"), started_at__lt=end).filter(
        Q(ended_at__isnull=True) | Q(ended_at__gte=end))
    late = StepRun.objects.filter(complaint__in=open_at_end, started_at__lt=end, due_at__lt=end).filter(
        Q(done_at__isnull=True) | Q(done_at__gte=end)).exclude(Exists(waiting))
    return PeriodEnd(open_at_end.count(), late.values("complaint_id").distinct().count())


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
    start, end = period.bounds()
    complaints = received(unit, start, end)
    totals = complaints.aggregate(
        total=Count("pk"), answered=Count("pk", filter=Q(status=Complaint.Status.CLOSED)),
        open=Count("pk", filter=Q(status=Complaint.Status.OPEN)),
    )
    set_aside = Complaint.objects.filter(unit=unit, received_at__gte=start, received_at__lt=end,
                                         status=Complaint.Status.SET_ASIDE).count()
    outcome = Breakdown(_("Outcome (today)"),
                        [(_("Answered"), totals["answered"]), (_("In progress"), totals["open"])])
    breakdowns = [
        _breakdown(complaints, "channel", _("Channel"), labels=channels.labels()),
        _breakdown(complaints, "complaint_type", _("Type"), labels=dict(ComplaintType.choices)),
        _breakdown(complaints, "category", _("Category"), empty=_("(not categorised yet)"), top=TOP),
        _breakdown(complaints, "subject", _("Subject of the complaint"), top=TOP),
        _breakdown(complaints, "decision_type", _("Follow-up decision"), labels=dict(DecisionType.choices),
                   empty=_("(not decided yet)")),
        outcome,
    ]
    months = period.months() if period.kind in ("year", "quarter") else []
    return PeriodicFigures(
        unit=unit, period=period, received=totals["total"], set_aside=set_aside,
        answered_of_received=totals["answered"], open_of_received=totals["open"], breakdowns=breakdowns,
        answers=answer_figures(unit=unit, period=period), ratings=rating_figures(unit=unit, period=period),
        end=at_period_end(unit=unit, period=period), steps=compliance_by_step(unit=unit, period=period),
        months=compliance_by_month(unit=unit, period=period) if months else [],
        received_by_month=_monthly_counts(complaints, "received_at", months),
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


def public_statistics(*, unit: Unit, year: int) -> PublicStatistics:
    """What anyone may see about a year: counts only, no names, no texts of complaints."""
    period = Period.year(year)
    start, end = period.bounds()
    complaints = received(unit, start, end)
    months = period.months()
    by_month = _monthly_counts(complaints, "received_at", months)
    answered = dict(complaint_stats(unit, period).values("answered_month").annotate(n=Count("pk"))
                    .values_list("answered_month", "n"))
    return PublicStatistics(
        year=year, months=months, received_by_month=by_month,
        answered_by_month=[answered.get(month, 0) for month in months], received=sum(by_month),
        answers=answer_figures(unit=unit, period=period),
        categories=_breakdown(complaints, "category", _("Category"), empty=_("(not categorised yet)"), top=TOP),
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
        start, end = period.bounds()
        rows.append(Comparison(period, received(unit, start, end).count(), answer_figures(unit=unit, period=period)))
    return rows


def trend(*, unit: Unit, months: list[date]) -> tuple[list[int], list[float | None]]:
    """Received per month, and the share answered within the SOP per month, over `months`."""
    if not months:
        return [], []
    span = Period("range", months[0], Period.month(months[-1].year, months[-1].month).end)
    start, end = span.bounds()
    by_month = _monthly_counts(received(unit, start, end), "received_at", months)
    answered = {
        month: (n, within) for month, n, within in complaint_stats(unit, span).values("answered_month")
        .annotate(n=Count("pk"), within=Count("pk", filter=Q(within_sop=True)))
        .values_list("answered_month", "n", "within")
    }
    shares = [share(answered[m][1], answered[m][0]) if m in answered else None for m in months]
    return by_month, shares
