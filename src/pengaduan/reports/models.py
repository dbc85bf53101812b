"""Figures stored for reporting: office-time durations of finished steps and answered complaints.

Why a table of its own: an SOP's time limits are office time, and office time depends on the unit's
calendar (office hours, national holidays, decreed days off) which SQL cannot know. So the office time
of a step is computed once in Python, when the step completes (`reports.stats.record_step_stats`, called
by the engine), and stored here; every report then aggregates these rows in the database: counts,
on-time shares, medians and percentiles, with no Python loop over complaints.
`pengaduan report rebuild-stats` fills the tables for runs finished before they existed.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from pengaduan.complaints.models import Complaint, StepRun
from pengaduan.units.models import Unit


class StepRunStat(models.Model):
    """One finished step run, measured in office time against the SOP's standard (Mutu Baku)."""

    step_run = models.OneToOneField(StepRun, on_delete=models.CASCADE, primary_key=True, related_name="stat",
                                    verbose_name=_("step run"))
    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    step_number = models.PositiveSmallIntegerField(_("step"))
    role = models.CharField(_("performer role"), max_length=32)
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                related_name="+", verbose_name=_("done by"))
    done_at = models.DateTimeField(_("done at"))
    done_month = models.DateField(_("month done"), help_text=_("First day of the month, in local time."))
    office_seconds = models.PositiveIntegerField(
        _("office time (seconds)"), help_text=_("From start to completion, less the time waiting for the complainant.")
    )
    paused_office_seconds = models.PositiveIntegerField(_("office time waiting for the complainant (seconds)"))
    standard_seconds = models.PositiveIntegerField(
        _("office time allowed (seconds)"), help_text=_("The SOP's time limit for this run, in office time.")
    )
    on_time = models.BooleanField(_("on time"))

    class Meta:
        verbose_name = _("step statistic")
        verbose_name_plural = _("step statistics")
        indexes = [
            # Compliance reports: one unit's steps finished in a period (then grouped by step, officer or month).
            models.Index(fields=["unit", "done_at"], name="reports_steprunstat_unit_done"),
        ]

    def __str__(self):
        return f"{self.step_run_id}: {self.office_seconds}s / {self.standard_seconds}s"


class ComplaintStat(models.Model):
    """One answered complaint: how long the answer took, in working days and in office time."""

    complaint = models.OneToOneField(Complaint, on_delete=models.CASCADE, primary_key=True, related_name="stat",
                                     verbose_name=_("complaint"))
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    received_at = models.DateTimeField(_("received at"))
    answered_at = models.DateTimeField(_("answered at"))
    answered_month = models.DateField(_("month answered"), help_text=_("First day of the month, in local time."))
    working_days = models.PositiveIntegerField(
        _("working days to answer"), help_text=_("Working days after the day of receipt up to the day of the answer.")
    )
    office_seconds = models.PositiveIntegerField(
        _("office time to answer (seconds)"), help_text=_("Less the time waiting for the complainant.")
    )
    paused_office_seconds = models.PositiveIntegerField(_("office time waiting for the complainant (seconds)"))
    standard_seconds = models.PositiveIntegerField(_("office time allowed by the SOP (seconds)"))
    within_sop = models.BooleanField(
        _("answered within the SOP"), help_text=_("The office time used is no more than the SOP's steps allowed.")
    )

    class Meta:
        verbose_name = _("complaint statistic")
        verbose_name_plural = _("complaint statistics")
        indexes = [
            # Periodic report, public statistics, dashboard: one unit's complaints answered in a period.
            models.Index(fields=["unit", "answered_at"], name="reports_complaintstat_answered"),
        ]

    def __str__(self):
        return f"{self.complaint_id}: {self.working_days} d"
