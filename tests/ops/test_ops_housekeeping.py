"""`pengaduan remind` deletes what has expired: sessions past their expiry, attempt counters of past windows."""

from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.utils import timezone

from pengaduan.jobs.models import JobRun
from pengaduan.ops import housekeeping
from pengaduan.throttle.models import ThrottleCounter

pytestmark = pytest.mark.django_db


def test_it_deletes_expired_sessions_and_old_counters_and_keeps_the_rest():
    now = timezone.now()
    Session.objects.create(session_key="lewat" * 6, session_data="x", expire_date=now - timedelta(minutes=1))
    Session.objects.create(session_key="masih" * 6, session_data="x", expire_date=now + timedelta(hours=1))
    ThrottleCounter.objects.create(key="submit:a", window_start=now - timedelta(days=2), hits=3)
    ThrottleCounter.objects.create(key="submit:b", window_start=now - timedelta(minutes=5), hits=1)
    assert housekeeping.housekeeping(now) == {"expired_sessions": 1, "old_attempt_counters": 1}
    assert list(Session.objects.values_list("session_key", flat=True)) == ["masih" * 6]
    assert list(ThrottleCounter.objects.values_list("key", flat=True)) == ["submit:b"]


def test_it_deletes_a_bounded_batch_per_run(monkeypatch):
    monkeypatch.setattr(housekeeping, "BATCH", 2)
    past = timezone.now() - timedelta(days=1)
    Session.objects.bulk_create([Session(session_key=f"{n:032d}", session_data="x", expire_date=past)
                                 for n in range(5)])
    assert housekeeping.housekeeping(timezone.now())["expired_sessions"] == 2
    assert Session.objects.count() == 3


def test_remind_runs_it_as_a_job_of_its_own():
    Session.objects.create(session_key="lewat" * 6, session_data="x",
                           expire_date=timezone.now() - timedelta(minutes=1))
    call_command("remind", stdout=open("/dev/null", "w"))
    run = JobRun.objects.get(job="housekeeping")
    assert run.outcome == "ok" and run.counts["expired_sessions"] == 1
    assert not Session.objects.exists()
