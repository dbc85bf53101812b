"""Background jobs watched: one row per job with its current state, and a bounded history of its runs.

The state row (`Job`) is what /readyz, `pengaduan status`, the metrics and the workdesk banner read: one
query over a table of a handful of rows. The runs (`JobRun`) are the history an operator reads in the admin
when a job misbehaves; `pengaduan.jobs.services` prunes them so they never grow without bound.
"""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Job(models.Model):
    """A background job's current state, updated at the start and the end of each of its runs."""

    name = models.CharField(_("job"), max_length=50, unique=True)
    watched_since = models.DateTimeField(
        _("watched since"), default=timezone.now,
        help_text=_("A job that never ran is overdue once its interval has passed since this moment."),
    )
    last_started_at = models.DateTimeField(_("last started at"), null=True, blank=True)
    last_ok_at = models.DateTimeField(_("last success at"), null=True, blank=True)
    last_failed_at = models.DateTimeField(_("last failure at"), null=True, blank=True)
    failures_in_row = models.PositiveIntegerField(_("failures in a row"), default=0)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")
        ordering = ["name"]

    def __str__(self):
        return self.name


class JobRun(models.Model):
    """One run of a background job: when, how it ended, what it did (counts) and, if it failed, why."""

    class Outcome(models.TextChoices):
        RUNNING = "running", _("Running")
        OK = "ok", _("Succeeded")
        FAILED = "failed", _("Failed")

    job = models.CharField(_("job"), max_length=50)
    started_at = models.DateTimeField(_("started at"))
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, default=Outcome.RUNNING)
    counts = models.JSONField(_("counts"), default=dict, blank=True)
    # The exception's type and message with personal data masked (pengaduan.redact.scrub_text).
    error = models.CharField(_("error"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("job run")
        verbose_name_plural = _("job runs")
        ordering = ["-started_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(outcome__in=["running", "ok", "failed"]),
                                   name="jobs_jobrun_outcome_valid"),
            models.CheckConstraint(condition=Q(outcome="running", ended_at__isnull=True)
                                   | (~Q(outcome="running") & Q(ended_at__isnull=False)),
                                   name="jobs_jobrun_ended_when_done"),
        ]
        # The admin's history of one job, and pruning: runs of a job older than the kept ones.
        indexes = [models.Index(fields=["job", "started_at"], name="jobs_jobrun_by_job")]

    def __str__(self):
        return f"{self.job} · {self.started_at:%Y-%m-%d %H:%M} · {self.outcome}"
