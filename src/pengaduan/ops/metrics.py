"""Prometheus metrics: requests (counts and latency, per view) and the domain's own figures.

The domain figures (complaints per channel, open and overdue steps per unit, the outbox, the jobs) are not
kept in the process: `DomainCollector` reads them at scrape time with a few indexed queries, so every
worker and server reports the same numbers and nothing drifts.

Several gunicorn workers: each keeps its own request counters. Set PROMETHEUS_MULTIPROC_DIR to an empty
folder (systemd: RuntimeDirectory=, emptied at each start) and prometheus-client keeps them in files there,
which /metrics adds up over all workers (docs/deploy.md, "Monitoring").
"""

import os

from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily

REQUESTS = Counter("pengaduan_http_requests", "HTTP requests answered, by view and status code.",
                   ["method", "view", "status"])
LATENCY = Histogram("pengaduan_http_request_duration_seconds", "Time to answer an HTTP request, by view.",
                    ["method", "view"], buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10))
_METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}


def record_request(request, response, elapsed: float) -> None:
    """Counts the request and its time, labelled by the view's name (a bounded set), never by the path."""
    match = getattr(request, "resolver_match", None)
    view = (match.view_name or match.route) if match else "unmatched"
    method = request.method if request.method in _METHODS else "other"
    key = (method, view)
    latency = _latency.get(key) or _latency.setdefault(key, LATENCY.labels(method, view))
    latency.observe(elapsed)
    key = (method, view, response.status_code)
    count = _requests.get(key) or _requests.setdefault(key, REQUESTS.labels(method, view, str(key[2])))
    count.inc()


# The labelled series, kept: prometheus-client looks each up under a lock, on every request otherwise.
_latency: dict = {}
_requests: dict = {}


class DomainCollector:
    """The domain's figures, read from the database at each scrape."""

    def collect(self):
        from django.db.models import Count, Q
        from django.utils import timezone

        from pengaduan.complaints import search
        from pengaduan.complaints.models import Complaint, StepRun
        from pengaduan.notifications.models import OutboxMessage
        from pengaduan.jobs.services import jobs_health
        from pengaduan.units.models import Unit

        now = timezone.now()
        units = dict(Unit.objects.values_list("pk", "code"))

        received = CounterMetricFamily("pengaduan_complaints_received", "Complaints received, by unit and channel.",
                                       labels=["unit", "channel"])
        # complaints_by_channel: an index-only count.
        for row in Complaint.objects.order_by().values("unit_id", "channel").annotate(n=Count("pk")):
            received.add_metric([units.get(row["unit_id"], str(row["unit_id"])), row["channel"]], row["n"])
        yield received

        open_steps = GaugeMetricFamily("pengaduan_steps_open", "Steps waiting to be done, by unit.", labels=["unit"])
        overdue = GaugeMetricFamily("pengaduan_steps_overdue",
                                    "Steps past their deadline (not waiting for the complainant), by unit.",
                                    labels=["unit"])
        # complaints_open_by_role: the open steps alone (a partial index).
        for row in (StepRun.objects.open().order_by().values("unit_id")
                    .annotate(n=Count("pk"), late=Count("pk", filter=Q(due_at__lt=now, paused_at__isnull=True)))):
            code = units.get(row["unit_id"], str(row["unit_id"]))
            open_steps.add_metric([code], row["n"])
            overdue.add_metric([code], row["late"])
        yield open_steps
        yield overdue

        yield from self._outbox(OutboxMessage)

        yield GaugeMetricFamily("pengaduan_search_unindexed",
                                "Complaints not yet in the similar-case search's index (SQLite indexes them in "
                                "batches; always 0 on PostgreSQL).", value=search.unindexed())

        health = jobs_health(now=now)
        last_ok = GaugeMetricFamily("pengaduan_job_last_success_timestamp_seconds",
                                    "When each background job last succeeded (Unix time; 0: never).", labels=["job"])
        age = GaugeMetricFamily("pengaduan_job_age_seconds",
                                "Seconds since each background job last succeeded (or was first watched).",
                                labels=["job"])
        stale = GaugeMetricFamily("pengaduan_job_stale",
                                  "1 when a background job has not succeeded within its interval.", labels=["job"])
        failures = GaugeMetricFamily("pengaduan_job_failures_in_row",
                                     "Consecutive failed runs of each background job.", labels=["job"])
        for name, job in health.items():
            last_ok.add_metric([name], job.last_ok.timestamp() if job.last_ok else 0)
            age.add_metric([name], job.age(now))
            stale.add_metric([name], 1 if job.stale else 0)
            failures.add_metric([name], job.failures_in_row)
        yield from (last_ok, age, stale, failures)

    @staticmethod
    def _outbox(OutboxMessage):
        """Messages waiting (pending or being sent) and given up on; per medium once the outbox has one."""
        from django.db.models import Count

        by = [name for name in ("medium",) if any(f.name == name for f in OutboxMessage._meta.concrete_fields)]
        pending = GaugeMetricFamily("pengaduan_outbox_pending", "Outgoing messages waiting to be sent.",
                                    labels=by)
        failed = GaugeMetricFamily("pengaduan_outbox_failed", "Outgoing messages given up on after their retries.",
                                   labels=by)
        waiting = OutboxMessage.objects.order_by()
        # notifications_outbox_due and notifications_outbox_failed: partial indexes over these rows only.
        for family, rows in ((pending, waiting.filter(status__in=["pending", "sending"])),
                             (failed, waiting.filter(status="failed"))):
            counted = rows.values(*by).annotate(n=Count("pk")) if by else [{"n": rows.count()}]
            for row in counted:
                family.add_metric([str(row[name]) for name in by], row["n"])
        yield pending
        yield failed


def render() -> tuple[bytes, str]:
    """The exposition text: this process's (or, in multiprocess mode, every worker's) request metrics and
    the domain figures."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        registry = CollectorRegistry()
        registry.register(_ProcessMetrics())
    registry.register(DomainCollector())
    return generate_latest(registry), CONTENT_TYPE_LATEST


class _ProcessMetrics:
    """The default registry's metrics (requests, the process, the platform) inside a registry of our own."""

    def collect(self):
        yield from REGISTRY.collect()
