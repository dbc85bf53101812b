"""The report figures live beside the complaints now (complaints.figure_models), so that the engine, which
keeps them, imports nothing above its layer. Their tables kept their names; these names stay for readers."""

from pengaduan.complaints.figure_models import ComplaintStat, StepRunStat  # noqa: F401
