"""Figures kept beside the complaints for reporting: facts per finished step and answered complaint, and
rollups per unit and local day that the reports sum instead of reading complaints.

Why facts: an SOP's time limits are office time, and office time depends on the unit's calendar (office
hours, national holidays, decreed days off) which SQL cannot know. So the office time of a step is computed
once in Python, when the step completes, and stored (`StepRunStat`, `ComplaintStat`).

Why rollups: a year's report would otherwise aggregate millions of facts. The rollups hold, per unit and
local day, counts and office-time sums (and a histogram of office times for medians and percentiles), kept
up to date by `complaints.figures` in the transaction of each engine action. Their size grows with days,
steps, officers and distinct values, not with the number of complaints. The tables of the two fact models
keep their old names (they were the reports app's), so no data moved when they moved here.
`pengaduan report rebuild-stats` recomputes facts and rollups (a repair tool).
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
        db_table = "reports_steprunstat"
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
        db_table = "reports_complaintstat"
        verbose_name = _("complaint statistic")
        verbose_name_plural = _("complaint statistics")
        indexes = [
            # Periodic report, public statistics, dashboard: one unit's complaints answered in a period.
            models.Index(fields=["unit", "answered_at"], name="reports_complaintstat_answered"),
        ]

    def __str__(self):
        return f"{self.complaint_id}: {self.working_days} d"


class ComplaintFigure(models.Model):
    """What a complaint last counted for in `DayCount` (its day of receipt and attribute values), so that a
    change (categorised, decided, answered, set aside) moves its count from the old values to the new ones."""

    complaint = models.OneToOneField(Complaint, on_delete=models.CASCADE, primary_key=True, related_name="+")
    # No index (keys without an index, at the top of models.py): read by complaint; only a repair
    # (rebuild_rollups of one unit) looks them up by unit, and may scan.
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+", db_index=False)
    day = models.DateField(_("day received"))
    channel = models.CharField(max_length=20)
    complaint_type = models.CharField(max_length=24)
    category = models.CharField(max_length=100, blank=True)
    subject = models.CharField(max_length=300, blank=True)
    decision_type = models.CharField(max_length=24, blank=True)
    outcome = models.CharField(max_length=10)

    class Meta:
        verbose_name = _("complaint figure")
        verbose_name_plural = _("complaint figures")

    def __str__(self):
        return f"{self.complaint_id}: {self.day} {self.outcome}"


class DayCount(models.Model):
    """How many complaints of a unit counted for one value of one measure on one local day.

    Measures: by day of receipt, `channel`, `type`, `category`, `subject`, `decision`, `outcome` (open,
    closed, set_aside; complaints set aside count for nothing else); by day of rating, `rating` (the score);
    steps done late, `late_due` on the day of their deadline and `late_done` on the day they were done.
    """

    # Found by the index of the unique key (unit, measure, day, value).
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+", db_index=False)
    day = models.DateField(_("day"))
    measure = models.CharField(max_length=16)
    value = models.CharField(max_length=300, blank=True)
    n = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("daily count")
        verbose_name_plural = _("daily counts")
        constraints = [
            models.UniqueConstraint(fields=["unit", "measure", "day", "value"], name="complaints_daycount_key"),
        ]

    def __str__(self):
        return f"{self.day} {self.measure}={self.value}: {self.n}"


class StepDay(models.Model):
    """Steps of a unit finished on one local day, per step and officer: how many, how many on time, and the
    office time they took, waited for the complainant and were allowed (sums)."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    day = models.DateField(_("day done"))
    step_number = models.PositiveSmallIntegerField(_("step"))
    officer_id = models.IntegerField(default=0, help_text=_("The user who did the steps; 0 when unknown."))
    n = models.IntegerField(default=0)
    on_time = models.IntegerField(default=0)
    seconds = models.BigIntegerField(default=0)
    paused_seconds = models.BigIntegerField(default=0)
    standard_seconds = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("steps done per day")
        verbose_name_plural = _("steps done per day")
        constraints = [
            models.UniqueConstraint(fields=["unit", "day", "step_number", "officer_id"], name="complaints_stepday_key"),
        ]

    def __str__(self):
        return f"{self.day} step {self.step_number}: {self.n}"


class StepMonth(models.Model):
    """The histogram of office times of a unit's steps finished in one month, per step and officer, for
    medians and percentiles: `measure` "o" the time the steps took, "s" the time the SOP allowed them.

    The bucket (`figures.bucket`) is exact below 64 seconds and then 32 buckets per doubling (about 3 % wide);
    `seconds` is the exact sum, so a bucket's mean is exact whenever its steps took the same time. By month,
    not by day: a month's histogram fills up (a few hundred buckets a step) while days would each hold
    their own, so its size stops growing with the number of complaints.
    """

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    month = models.DateField(_("month done"), help_text=_("First day of the month, in local time."))
    step_number = models.PositiveSmallIntegerField(_("step"))
    officer_id = models.IntegerField(default=0, help_text=_("The user who did the steps; 0 when unknown."))
    measure = models.CharField(max_length=1)
    bucket = models.IntegerField()
    n = models.IntegerField(default=0)
    seconds = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("office times per month")
        verbose_name_plural = _("office times per month")
        constraints = [
            models.UniqueConstraint(fields=["unit", "month", "step_number", "officer_id", "measure", "bucket"],
                                    name="complaints_stepmonth_key"),
        ]

    def __str__(self):
        return f"{self.month:%Y-%m} step {self.step_number} {self.measure}{self.bucket}: {self.n}"


class AnswerDay(models.Model):
    """Complaints of a unit answered on one local day, per number of working days the answer took."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    day = models.DateField(_("day answered"))
    working_days = models.PositiveIntegerField(_("working days to answer"))
    n = models.IntegerField(default=0)
    within_sop = models.IntegerField(default=0)
    office_seconds = models.BigIntegerField(default=0)
    office_max = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("complaints answered per day")
        verbose_name_plural = _("complaints answered per day")
        constraints = [
            models.UniqueConstraint(fields=["unit", "day", "working_days"], name="complaints_answerday_key"),
        ]

    def __str__(self):
        return f"{self.day} {self.working_days} d: {self.n}"


class TimeClassFact(models.Model):
    """One finished complaint measured against the LAPOR! time classes of its SOP (`[sop.time_classes]`):
    verified (recorded) within its class, followed up (answered) within its class, or closed because the
    complainant did not reply. Written once when the case ends (complaints.time_classes); the rollup
    `TimeClassDay` is what the compliance report sums."""

    complaint = models.OneToOneField(Complaint, on_delete=models.CASCADE, primary_key=True, related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    ended_at = models.DateTimeField(_("ended at"))
    # None: not measured (a case that was never recorded; a case closed without reply is not "followed up").
    verified_within = models.BooleanField(_("verified within its class"), null=True)
    follow_up_class = models.CharField(_("follow-up class"), max_length=24, blank=True)
    followed_up_within = models.BooleanField(_("followed up within its class"), null=True)
    no_reply = models.BooleanField(_("closed: the complainant did not reply"), default=False)

    class Meta:
        verbose_name = _("time-class figure")
        verbose_name_plural = _("time-class figures")

    def __str__(self):
        return f"{self.complaint_id}: {self.follow_up_class} {self.followed_up_within}"


class TimeClassDay(models.Model):
    """Complaints of a unit that ended on one local day, per LAPOR! time class (`measure`: verification,
    follow_up, follow_up_examination, no_reply): how many were measured and how many kept within the class."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    day = models.DateField(_("day ended"))
    measure = models.CharField(max_length=24)
    n = models.IntegerField(default=0)
    within = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("time classes per day")
        verbose_name_plural = _("time classes per day")
        constraints = [
            models.UniqueConstraint(fields=["unit", "measure", "day"], name="complaints_timeclassday_key"),
        ]

    def __str__(self):
        return f"{self.day} {self.measure}: {self.within}/{self.n}"
