"""Recording a step's figures when it completes (the engine's hook) and rebuilding them agree."""

import pytest

from factories import intake_data, wib
from madiun_steps import STEP_DATA
from pengaduan.complaints import engine
from pengaduan.complaints.engine import complaint_receive, complaint_record, complaint_set_aside, step_complete
from pengaduan.reports.models import ComplaintStat, StepRunStat
from pengaduan.reports.stats import rebuild_stats, record_step_stats

pytestmark = pytest.mark.django_db


@pytest.fixture
def hooked(monkeypatch):
    """The engine with the one line the reports need at the end of `_finish_step`."""
    finish = engine._finish_step

    def finish_and_record(kind, ctx, cleaned):
        finish(kind, ctx, cleaned)
        record_step_stats(ctx.run)

    monkeypatch.setattr(engine, "_finish_step", finish_and_record)


def figures():
    steps = sorted(StepRunStat.objects.values_list("step_run_id", "step_number", "office_seconds",
                                                   "paused_office_seconds", "standard_seconds", "on_time",
                                                   "done_by_id", "done_month"))
    complaints = sorted(ComplaintStat.objects.values_list("complaint_id", "working_days", "office_seconds",
                                                          "standard_seconds", "within_sop", "answered_month"))
    return steps, complaints


def test_it_records_each_step_as_the_engine_completes_it(unit, staff, hooked):
    complaint = complaint_record(unit=unit, actor=staff["jfu"], data=intake_data(), now=wib(2026, 12, 21, 8, 0))
    assert StepRunStat.objects.get().office_seconds == 0
    step_complete(complaint=complaint, actor=staff["sekretaris"], step_number=2, data=STEP_DATA[2],
                  now=wib(2026, 12, 21, 8, 12))
    assert StepRunStat.objects.get(step_number=2).on_time is False and not ComplaintStat.objects.exists()
    step_complete(complaint=complaint, actor=staff["inspektur"], step_number=3, data=STEP_DATA[3],
                  now=wib(2026, 12, 28, 9, 0))
    step_complete(complaint=complaint, actor=staff["sekretaris"], step_number=4, data=STEP_DATA[4],
                  now=wib(2026, 12, 28, 9, 30))
    step_complete(complaint=complaint, actor=staff["jfu"], step_number=5, data=STEP_DATA[5],
                  now=wib(2026, 12, 28, 9, 50))
    # Across Christmas: 24 600 − 120 (step 2 took 12 minutes) + 54 000 + 5 400, and 1 800 + 1 200.
    assert StepRunStat.objects.get(step_number=3).office_seconds == 83880
    stat = ComplaintStat.objects.get()
    assert (stat.working_days, stat.office_seconds, stat.within_sop) == (3, 87600, True)

    recorded = figures()
    assert rebuild_stats(everything=True) == (5, 1)
    assert figures() == recorded


def test_it_records_a_step_twice_without_duplicating_it(unit, staff):
    complaint = complaint_record(unit=unit, actor=staff["jfu"], data=intake_data(), now=wib(2026, 11, 2, 8, 0))
    run = complaint.step_runs.get(number=1)
    record_step_stats(run)
    record_step_stats(run)
    assert StepRunStat.objects.count() == 1
    assert record_step_stats(complaint.step_runs.get(number=2)) is None  # still open


def test_it_never_counts_a_complaint_set_aside(unit, staff):
    spam = complaint_receive(unit=unit, data=intake_data(channel="web"), now=wib(2026, 11, 2, 8, 0))
    complaint_set_aside(complaint=spam, actor=staff["jfu"], reason="spam", note="Iklan.", now=wib(2026, 11, 2, 8, 5))
    assert record_step_stats(spam.step_runs.get()) is None
    assert rebuild_stats() == (0, 0)


def test_it_rebuilds_in_batches(unit, staff):
    for day in (2, 3, 4):
        complaint_record(unit=unit, actor=staff["jfu"], data=intake_data(), now=wib(2026, 11, day, 8, 0))
    StepRunStat.objects.all().delete()  # as for runs finished before the engine recorded figures
    seen = []
    assert rebuild_stats(batch_size=2, progress=lambda done, total: seen.append((done, total))) == (3, 0)
    assert seen == [(2, 3), (3, 3)]
