"""The report figures are kept by `pengaduan.complaints.figures` (beside the complaints, in the engine's
transaction); these names stay for the reports' readers and the repair command."""

from pengaduan.complaints.figures import month_of, rebuild_rollups, rebuild_stats, record_step_stats  # noqa: F401
