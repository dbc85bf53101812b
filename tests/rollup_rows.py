"""The rollups as plain tuples, to compare what the engine or the seeder kept with a rebuild."""

from pengaduan.complaints.figure_models import AnswerDay, ComplaintFigure, DayCount, StepDay, StepMonth


def rollups() -> dict[str, list[tuple]]:
    """Every rollup row that counts something (rows worn down to a zero count count nothing)."""
    return {
        "days": sorted(DayCount.objects.exclude(n=0).values_list("unit_id", "day", "measure", "value", "n")),
        "steps": sorted(StepDay.objects.exclude(n=0).values_list(
            "unit_id", "day", "step_number", "officer_id", "n", "on_time", "seconds", "paused_seconds",
            "standard_seconds")),
        "histograms": sorted(StepMonth.objects.exclude(n=0).values_list(
            "unit_id", "month", "step_number", "officer_id", "measure", "bucket", "n", "seconds")),
        "answers": sorted(AnswerDay.objects.exclude(n=0).values_list(
            "unit_id", "day", "working_days", "n", "within_sop", "office_seconds", "office_max")),
        "complaints": sorted(ComplaintFigure.objects.values_list(
            "complaint_id", "unit_id", "day", "channel", "complaint_type", "category", "subject", "decision_type",
            "outcome")),
    }
