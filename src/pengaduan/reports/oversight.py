"""Reads for the Pemda-wide oversight dashboard: every unit side by side, read-only.

Who may read them is `units.oversight.oversees`; nothing here writes. Each figure is one aggregate grouped by
unit (or by unit and step), so the page costs the same whatever the number of complaints. Forwarding between
units is read in one place, `forwarding_overview`, from the forwards the engine records (complaints.Forward):
cases returned between units, forwards still waiting for the answer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Count, Q, QuerySet, Sum

from pengaduan.complaints.figure_models import AnswerDay, StepDay
from pengaduan.complaints.kinds import kinds
from pengaduan.complaints.models import Complaint, DecisionType, Examination, Forward, StepRun
from pengaduan.reports.formatting import share
from pengaduan.reports.periods import Period
from pengaduan.sop.selectors import current_sop
from pengaduan.units.models import Unit

FORWARDING_DECISIONS = (DecisionType.FORWARD, DecisionType.NOT_WITHIN_AUTHORITY)
OLDEST = 10


@dataclass
class UnitFigures:
    unit: Unit
    open: int = 0
    overdue: int = 0
    forwarded: int = 0
    examinations_open: int = 0
    steps_done: int = 0
    steps_on_time: int = 0
    answered: int = 0
    answered_within_sop: int = 0

    @property
    def on_time_share(self) -> float | None:
        return share(self.steps_on_time, self.steps_done)

    @property
    def within_sop_share(self) -> float | None:
        return share(self.answered_within_sop, self.answered)


def _per_unit(queryset: QuerySet, **aggregates) -> dict[int, dict]:
    return {row.pop("unit_id"): row for row in queryset.values("unit_id").annotate(**aggregates)}


def unit_figures(*, now: datetime, period: Period) -> list[UnitFigures]:
    """Per unit: cases open now, of which overdue (the current step or the examination past its deadline, clock
    running), forwarded (decided in the period), examinations open; steps done on time and complaints answered
    within the SOP in the period."""
    start, end = period.bounds()
    units = list(Unit.objects.order_by("name"))
    rows = {unit.pk: UnitFigures(unit) for unit in units}
    open_cases = _per_unit(Complaint.objects.filter(status=Complaint.Status.OPEN), n=Count("pk"))
    late_steps = _per_unit(StepRun.objects.open().filter(due_at__lt=now, paused_at__isnull=True), n=Count("pk"))
    examinations = _per_unit(Examination.objects.filter(submitted_at__isnull=True), n=Count("pk"),
                             late=Count("pk", filter=Q(due_at__lt=now)))
    forwarded = _per_unit(_forwarded_in(start, end), n=Count("pk", distinct=True))
    # Steps and answers from the rollups per unit and day (complaints.figures), as the unit reports read them.
    steps = _per_unit(StepDay.objects.filter(day__gte=period.start, day__lt=period.end).order_by(), n=Sum("n"),
                      on_time=Sum("on_time"))
    answered = _per_unit(AnswerDay.objects.filter(day__gte=period.start, day__lt=period.end).order_by(),
                         n=Sum("n"), within=Sum("within_sop"))
    for unit_id, row in rows.items():
        row.open = open_cases.get(unit_id, {}).get("n", 0)
        row.examinations_open = examinations.get(unit_id, {}).get("n", 0)
        row.overdue = late_steps.get(unit_id, {}).get("n", 0) + examinations.get(unit_id, {}).get("late", 0)
        row.forwarded = forwarded.get(unit_id, {}).get("n", 0)
        row.steps_done = steps.get(unit_id, {}).get("n") or 0
        row.steps_on_time = steps.get(unit_id, {}).get("on_time") or 0
        row.answered = answered.get(unit_id, {}).get("n") or 0
        row.answered_within_sop = answered.get(unit_id, {}).get("within") or 0
    return [rows[unit.pk] for unit in units]


@dataclass
class StepLine:
    number: int
    label: str
    done: int = 0
    on_time: int = 0
    open: int = 0
    overdue: int = 0

    @property
    def on_time_share(self) -> float | None:
        return share(self.on_time, self.done)


@dataclass
class UnitSteps:
    unit: Unit
    steps: list[StepLine] = field(default_factory=list)


def step_compliance(*, now: datetime, period: Period) -> list[UnitSteps]:
    """Per unit and SOP step: steps done in the period and the share on time, and those open now (overdue)."""
    done = {(row["unit_id"], row["step_number"]): row for row in
            StepDay.objects.filter(day__gte=period.start, day__lt=period.end).order_by()
            .values("unit_id", "step_number").annotate(n=Sum("n"), on_time=Sum("on_time"))}
    waiting = {(row["unit_id"], row["number"]): row for row in
               StepRun.objects.open().values("unit_id", "number")
               .annotate(n=Count("pk"), late=Count("pk", filter=Q(due_at__lt=now, paused_at__isnull=True)))}
    result = []
    for unit in Unit.objects.order_by("name"):
        sop = current_sop(unit)
        labels = {}
        if sop is not None:
            labels = {step.number: _step_label(step) for step in sop.steps.all()}
        numbers = sorted(set(labels) | {n for (u, n) in done if u == unit.pk} | {n for (u, n) in waiting if u == unit.pk})
        lines = []
        for number in numbers:
            finished, still = done.get((unit.pk, number), {}), waiting.get((unit.pk, number), {})
            lines.append(StepLine(number, labels.get(number, ""), finished.get("n") or 0, finished.get("on_time") or 0,
                                  still.get("n", 0), still.get("late", 0)))
        result.append(UnitSteps(unit, lines))
    return result


def _step_label(step) -> str:
    return str(kinds.get(step.kind).label) if step.kind in kinds else step.kind


def _forwarded_in(start: datetime, end: datetime) -> QuerySet[Complaint]:
    """Complaints whose decision forwarded them, decided in [start, end)."""
    decided = StepRun.objects.filter(step__kind__in=kinds.names_having("produces_decision"),
                                     done_at__gte=start, done_at__lt=end)
    return Complaint.objects.filter(decision_type__in=FORWARDING_DECISIONS, step_runs__in=decided)


@dataclass
class ForwardLine:
    complaint: Complaint
    decided_at: datetime | None
    to: str
    state: str


@dataclass
class ForwardingOverview:
    bounced: list[ForwardLine] = field(default_factory=list)  # cases sent back between units
    oldest_unanswered: list[ForwardLine] = field(default_factory=list)


def forwarding_overview(*, limit: int = OLDEST) -> ForwardingOverview:
    """Forwarding across the Pemda: cases returned between units (the latest) and the oldest forwards still
    waiting for their answer. The one place that reads forwarding for the oversight dashboard."""
    rows = Forward.objects.select_related("origin__unit", "target_unit").only(
        "forwarded_at", "returned_at", "return_reason", "state", "outside_body", "target_unit__name",
        "origin__register_number", "origin__summary", "origin__status", "origin__unit__name", "origin__unit__code")
    bounced = rows.filter(state=Forward.State.RETURNED).order_by("-returned_at", "-pk")[:limit]
    waiting = rows.filter(state=Forward.State.MONITORING).order_by("forwarded_at", "pk")[:limit]
    return ForwardingOverview(
        bounced=[ForwardLine(forward.origin, forward.forwarded_at, forward.to_name,
                             f"{forward.get_state_display()}: {forward.return_reason}") for forward in bounced],
        oldest_unanswered=[ForwardLine(forward.origin, forward.forwarded_at, forward.to_name,
                                       forward.get_state_display()) for forward in waiting],
    )


def overseen_complaints() -> QuerySet[Complaint]:
    """Every unit's complaints, for the oversight role (the caller has checked `oversees`)."""
    return Complaint.objects.all()
