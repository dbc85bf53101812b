"""Heartbeats of the background jobs: every job declares its interval here and wraps each run in `job_run`.

    with job_run("remind") as run:
        ...
        run.count(reminders=3, escalations=1)

A run that ends records its outcome and counts; one that raises records the error (personal data masked)
and the exception goes on. A job that has not succeeded within `stale_after`, or that failed
`JOB_FAILURES_ALERT` times in a row, is unhealthy: /readyz, `pengaduan status`, the metrics and the
workdesk banner for administrators and superiors all read `jobs_health()`.

A new job (mailbox fetch, LAPOR! sync, scheduled reports, retention) needs one line in JOBS and one
`with job_run(...)` around its work.
"""

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import DatabaseError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from pengaduan.jobs.models import Job, JobRun
from pengaduan.redact import scrub_text

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class JobSpec:
    name: str
    label: Promise  # what the banner calls it, e.g. "Pengingat"
    impact: Promise  # what goes wrong while it does not run, for the banner
    every: timedelta  # how often the timer starts it
    stale_after: timedelta  # no success for this long: the job is overdue
    # Watched only once it has run: a job a unit may not use at all (the LAPOR! sync where no unit has an
    # account) does not raise the alarm on installs that never start it.
    optional: bool = False


# Every background job, with how often it runs. Stale after: JOB_STALE_AFTER (e.g. "remind=5" minutes).
JOBS: dict[str, JobSpec] = {spec.name: spec for spec in [
    JobSpec("remind", _("Reminders"), _("Reminders, escalations and queued mail are not being sent."),
            every=timedelta(minutes=1), stale_after=timedelta(minutes=5)),
    # Run by `pengaduan remind` (reports/schedule.py): due at most once a day, checked every minute.
    JobSpec("periodic_reports", _("Periodic reports"),
            _("The monthly, quarterly and yearly reports are not being generated and sent."),
            every=timedelta(minutes=1), stale_after=timedelta(minutes=60)),
    JobSpec("lapor-sync", _("SP4N-LAPOR! sync"),
            _("Reports disposed through SP4N-LAPOR! are not arriving and our follow-up is not reported back."),
            every=timedelta(minutes=10), stale_after=timedelta(hours=1), optional=True),
    JobSpec("mail-fetch", _("Mailbox"), _("Mail sent to the unit's address is not being taken in."),
            every=timedelta(minutes=1), stale_after=timedelta(minutes=15), optional=True),
    # Run by `pengaduan remind` (ops/housekeeping.py). Watched once it has run: it came after the others.
    JobSpec("housekeeping", _("Housekeeping"),
            _("Expired sessions and old attempt counters are not being deleted: the database keeps growing."),
            every=timedelta(minutes=1), stale_after=timedelta(hours=2), optional=True),
]}


def job_spec(name: str) -> JobSpec:
    """The declared job, with its stale interval as configured (settings.JOB_STALE_AFTER, in minutes)."""
    spec = JOBS[name]
    minutes = (getattr(settings, "JOB_STALE_AFTER", None) or {}).get(name)
    if minutes:
        spec = JobSpec(spec.name, spec.label, spec.impact, spec.every, timedelta(minutes=minutes), spec.optional)
    return spec


@dataclass
class RunHandle:
    """What the job's code holds while it runs: it adds its counts."""

    run: JobRun
    counts: dict[str, int] = field(default_factory=dict)

    def count(self, **counts: int) -> None:
        for key, value in counts.items():
            self.counts[key] = self.counts.get(key, 0) + int(value)


@contextmanager
def job_run(name: str, *, now=None) -> Iterator[RunHandle]:
    """Record one run of a declared job (see the module docstring). Raises KeyError for an undeclared job."""
    job_spec(name)
    clock = (lambda: now) if now is not None else timezone.now
    started = clock()
    Job.objects.get_or_create(name=name, defaults={"watched_since": started})
    Job.objects.filter(name=name).update(last_started_at=started)
    run = JobRun.objects.create(job=name, started_at=started)
    handle = RunHandle(run)
    try:
        yield handle
    except BaseException as error:
        _finish(handle, ended=clock(), error=error)
        raise
    _finish(handle, ended=clock(), error=None)


def _finish(handle: RunHandle, *, ended: datetime, error: BaseException | None) -> None:
    run = handle.run
    try:
        # Outside whatever transaction the job broke: the record of its failure must stay.
        with transaction.atomic():
            if error is None:
                JobRun.objects.filter(pk=run.pk).update(outcome=JobRun.Outcome.OK, ended_at=ended,
                                                        counts=handle.counts)
                Job.objects.filter(name=run.job).update(last_ok_at=ended, failures_in_row=0)
            else:
                text = scrub_text(f"{type(error).__name__}: {error}")[:500]
                JobRun.objects.filter(pk=run.pk).update(outcome=JobRun.Outcome.FAILED, ended_at=ended,
                                                        counts=handle.counts, error=text)
                Job.objects.filter(name=run.job).update(last_failed_at=ended, last_error=text,
                                                        failures_in_row=F("failures_in_row") + 1)
        if run.pk % 100 == 0:
            prune_runs(run.job)
    except DatabaseError:
        # The database itself is gone: the job's own error (if any) is what matters; staleness will show.
        logger.exception("could not record the end of the %s run", run.job)


def prune_runs(name: str, *, keep: int | None = None) -> int:
    """Delete a job's runs beyond the newest `keep` (settings.JOB_RUNS_KEPT); returns how many."""
    keep = keep if keep is not None else getattr(settings, "JOB_RUNS_KEPT", 10_000)
    oldest_kept = (JobRun.objects.filter(job=name).order_by("-started_at", "-pk")
                   .values_list("started_at", flat=True)[keep - 1:keep])
    cutoff = next(iter(oldest_kept), None)
    if cutoff is None:
        return 0
    deleted, _rows = JobRun.objects.filter(job=name, started_at__lt=cutoff).delete()
    return deleted


@dataclass(frozen=True)
class JobHealth:
    name: str
    label: str
    impact: str
    last_ok: datetime | None
    last_run: datetime | None
    since: datetime  # the last success, or when watching began if it never succeeded
    failures_in_row: int
    last_error: str
    stale_after: timedelta
    stale: bool  # no success within stale_after
    failing: bool  # failed JOB_FAILURES_ALERT times in a row

    @property
    def ok(self) -> bool:
        return not (self.stale or self.failing)

    def age(self, now: datetime) -> float:
        """Seconds since the last success (or since watching began)."""
        return max(0.0, (now - self.since).total_seconds())

    def as_json(self) -> dict:
        """For /readyz: times and flags only; the error text stays with `pengaduan status` and the admin."""
        return {
            "ok": self.ok,
            "last_ok": self.last_ok.isoformat() if self.last_ok else None,
            "last_run": self.last_run.isoformat() if self.last_run else None,
            "stale": self.stale,
            "failing": self.failing,
            "failures_in_row": self.failures_in_row,
            "stale_after_seconds": int(self.stale_after.total_seconds()),
        }


def jobs_health(*, now: datetime | None = None) -> dict[str, JobHealth]:
    """The health of every declared job, in one query (plus one insert the first time a job is watched)."""
    now = now or timezone.now()
    rows = {job.name: job for job in Job.objects.filter(name__in=list(JOBS))}
    missing = [name for name in JOBS if name not in rows]
    if missing:
        # Watching starts now: a job that never runs is reported once its interval has passed.
        Job.objects.bulk_create([Job(name=name, watched_since=now) for name in missing], ignore_conflicts=True)
        rows = {job.name: job for job in Job.objects.filter(name__in=list(JOBS))}
    threshold = max(1, getattr(settings, "JOB_FAILURES_ALERT", 3))
    health = {}
    for name in JOBS:
        spec, job = job_spec(name), rows[name]
        if spec.optional and job.last_started_at is None:
            continue
        since = job.last_ok_at or job.watched_since
        health[name] = JobHealth(
            name=name, label=str(spec.label), impact=str(spec.impact), last_ok=job.last_ok_at, last_run=job.last_started_at, since=since,
            failures_in_row=job.failures_in_row, last_error=job.last_error, stale_after=spec.stale_after,
            stale=now - since > spec.stale_after, failing=job.failures_in_row >= threshold,
        )
    return health
