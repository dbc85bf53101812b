"""/metrics: request counts and latency, and the domain's figures read at scrape time, for loopback or a token."""

from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from prometheus_client.parser import text_string_to_metric_families

from pengaduan.complaints.engine import complaint_record
from pengaduan.notifications.models import OutboxMessage
from factories import intake_data, wib

pytestmark = pytest.mark.django_db

START = wib(2026, 12, 3, 10, 42)


def scrape(client, moment=None, **extra):
    if moment is None:
        response = client.get("/metrics", **extra)
    else:
        with time_machine.travel(moment, tick=False):
            response = client.get("/metrics", **extra)
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("text/plain")
    return {(sample.name, tuple(sorted(sample.labels.items()))): sample.value
            for family in text_string_to_metric_families(response.content.decode()) for sample in family.samples}


def test_it_exposes_the_domain_gauges(client, unit, staff):
    for channel, count in (("walk_in", 2), ("email", 1)):
        for _ in range(count):
            complaint_record(unit=unit, actor=staff["jfu"], data=intake_data(channel=channel), now=START)
    with time_machine.travel(START, tick=False):
        call_command("remind", stdout=open("/dev/null", "w"))
    OutboxMessage.objects.all().update(status="pending", sent_at=None)
    OutboxMessage.objects.filter(pk=OutboxMessage.objects.first().pk).update(status="failed")
    pending = OutboxMessage.objects.filter(status="pending").count()

    # Three working days later: every complaint's second step is past its deadline.
    metrics = scrape(client, START + timedelta(days=5))
    assert metrics["pengaduan_complaints_received_total", (("channel", "walk_in"), ("unit", "INSP"))] == 2
    assert metrics["pengaduan_complaints_received_total", (("channel", "email"), ("unit", "INSP"))] == 1
    assert metrics["pengaduan_steps_open", (("unit", "INSP"),)] == 3
    assert metrics["pengaduan_steps_overdue", (("unit", "INSP"),)] == 3
    assert metrics["pengaduan_outbox_pending", (("medium", "email"),)] == pending
    assert metrics["pengaduan_outbox_failed", (("medium", "email"),)] == 1
    assert metrics["pengaduan_job_stale", (("job", "remind"),)] == 1
    assert metrics["pengaduan_job_age_seconds", (("job", "remind"),)] == 5 * 24 * 3600
    assert metrics["pengaduan_job_last_success_timestamp_seconds", (("job", "remind"),)] == START.timestamp()
    assert metrics["pengaduan_job_failures_in_row", (("job", "remind"),)] == 0


def test_it_says_how_many_complaints_wait_for_the_search_index(client, unit, staff):
    from django.db import connection

    from pengaduan.complaints import search
    from pengaduan.complaints.engine import complaint_receive

    search.index_new_complaints()
    for _ in range(3):
        complaint_receive(unit=unit, data=intake_data(channel="web"))
    waiting = 3 if connection.vendor == "sqlite" else 0  # PostgreSQL's index is kept by the database
    assert scrape(client)["pengaduan_search_unindexed", ()] == waiting
    search.index_new_complaints()
    assert scrape(client)["pengaduan_search_unindexed", ()] == 0


def test_it_counts_requests_and_their_latency_per_view(client, db):
    def count():
        return scrape(client).get(("pengaduan_http_requests_total",
                                   (("method", "GET"), ("status", "200"), ("view", "ops:healthz"))), 0)

    before = count()
    client.get("/healthz")
    client.get("/healthz")
    metrics = scrape(client)
    assert count() - before >= 2
    assert ("pengaduan_http_request_duration_seconds_bucket",
            (("le", "+Inf"), ("method", "GET"), ("view", "ops:healthz"))) in metrics
    assert not any("/healthz" in str(labels) for _name, labels in metrics)  # views, never paths


def test_it_refuses_other_addresses_without_the_token(client, db, settings):
    settings.METRICS_TOKEN = "a-long-random-metrics-token"
    assert client.get("/metrics", REMOTE_ADDR="10.0.0.9").status_code == 403
    assert client.get("/metrics", REMOTE_ADDR="10.0.0.9", HTTP_AUTHORIZATION="Bearer wrong").status_code == 403
    scrape(client, REMOTE_ADDR="10.0.0.9", HTTP_AUTHORIZATION="Bearer a-long-random-metrics-token")
    scrape(client, REMOTE_ADDR="::1")


def test_it_refuses_everyone_but_loopback_when_no_token_is_set(client, db, settings):
    settings.METRICS_TOKEN = ""
    assert client.get("/metrics", REMOTE_ADDR="10.0.0.9", HTTP_AUTHORIZATION="Bearer ").status_code == 403


def test_it_labels_the_outbox_by_medium_once_the_outbox_has_one(monkeypatch):
    """The gauges split by the outbox's medium (e-mail, WhatsApp, SMS), read from the model's fields."""
    from pengaduan.ops.metrics import DomainCollector

    class Field:
        name = "medium"

    class Rows:
        def __init__(self, rows):
            self.rows = rows

        def order_by(self):
            return self

        def filter(self, status=None, status__in=None):
            wanted = {status} if status else set(status__in)
            return Rows([row for row in self.rows if row["status"] in wanted])

        def values(self, *names):
            assert names == ("medium",)
            return self

        def annotate(self, n):
            counts = {}
            for row in self.rows:
                counts[row["medium"]] = counts.get(row["medium"], 0) + 1
            return [{"medium": medium, "n": value} for medium, value in counts.items()]

    class FakeOutbox:
        class _meta:
            concrete_fields = [Field()]

        objects = Rows([{"status": "pending", "medium": "email"}, {"status": "pending", "medium": "whatsapp"},
                        {"status": "sending", "medium": "email"}, {"status": "failed", "medium": "sms"}])

    pending, failed = DomainCollector._outbox(FakeOutbox)
    assert {tuple(s.labels.items()): s.value for s in pending.samples} == {
        (("medium", "email"),): 2, (("medium", "whatsapp"),): 1}
    assert {tuple(s.labels.items()): s.value for s in failed.samples} == {(("medium", "sms"),): 1}


def test_a_scrape_costs_a_few_queries(client, unit, staff, django_assert_max_num_queries):
    complaint_record(unit=unit, actor=staff["jfu"], data=intake_data(), now=START)
    scrape(client)
    with django_assert_max_num_queries(7):
        scrape(client)
