"""The report figures live beside the complaints now (complaints.figure_models), so that the engine, which
keeps them, imports nothing above its layer. Their tables kept their names; these names stay for readers.

What the reports app keeps itself: the periodic reports sent on schedule (reports/schedule.py)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from pengaduan.complaints.figure_models import ComplaintStat, StepRunStat  # noqa: F401
from pengaduan.reports.periods import Period
from pengaduan.units.models import Unit


def periodic_report_path(instance, filename: str) -> str:
    return f"reports/periodic/{instance.unit.code}/{filename}"


class PeriodicReport(models.Model):
    """One periodic report generated on schedule for a unit and a period, kept as sent.

    The row is the schedule's claim: it is written in the transaction that generates the PDF and queues the
    messages, and the unique constraint lets only one run (or one server) write it, so each report goes out once.
    """

    class Kind(models.TextChoices):
        MONTH = "month", _("Monthly")
        QUARTER = "quarter", _("Quarterly")
        YEAR = "year", _("Yearly")

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="periodic_reports",
                             verbose_name=_("unit"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period until (exclusive)"))
    generated_at = models.DateTimeField(_("generated at"))
    file = models.FileField(_("file"), upload_to=periodic_report_path, max_length=200)
    size = models.PositiveIntegerField(_("size"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    recipients = models.JSONField(_("sent to"), default=list, blank=True)

    class Meta:
        verbose_name = _("periodic report")
        verbose_name_plural = _("periodic reports")
        ordering = ["-period_start", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "kind", "period_start"],
                                    name="reports_periodicreport_once_per_period"),
            models.CheckConstraint(condition=models.Q(kind__in=["month", "quarter", "year"]),
                                   name="reports_periodicreport_kind_valid"),
            models.CheckConstraint(condition=models.Q(period_end__gt=models.F("period_start")),
                                   name="reports_periodicreport_period_not_empty"),
        ]
        indexes = [
            # The workdesk's archive and the evidence pack: one unit's reports, newest period first.
            models.Index(fields=["unit", "-period_start"], name="reports_periodic_by_unit"),
        ]

    def __str__(self):
        return f"{self.unit.code} {self.kind} {self.period_start:%Y-%m}"

    @property
    def file_name(self) -> str:
        return self.file.name.rsplit("/", 1)[-1]

    @property
    def period_label(self) -> str:
        return Period(self.kind, self.period_start, self.period_end).label
