"""Job heartbeats: each run recorded with its outcome and counts, failures with masked errors, a bounded history."""

from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command

from pengaduan.jobs.models import Job, JobRun
from pengaduan.jobs.services import job_run, jobs_health, prune_runs
from factories import wib

pytestmark = pytest.mark.django_db

START = wib(2026, 12, 3, 10, 42)


def remind(moment):
    with time_machine.travel(moment, tick=False):
        call_command("remind", stdout=open("/dev/null", "w"))


def test_it_records_a_run_with_its_counts():
    with job_run("remind", now=START) as run:
        run.count(sent=2)
        run.count(sent=1, failed=1)
    recorded = JobRun.objects.get()
    assert (recorded.outcome, recorded.counts, recorded.started_at, recorded.ended_at) == (
        "ok", {"sent": 3, "failed": 1}, START, START)
    job = Job.objects.get(name="remind")
    assert job.last_ok_at == START and job.failures_in_row == 0


def test_it_records_a_failure_without_personal_data_and_lets_the_error_through():
    with pytest.raises(ValueError), job_run("remind", now=START):
        raise ValueError("no mailbox for siti@example.org, tel 0812 3456 7890, NIK 3577014501900001")
    recorded = JobRun.objects.get()
    assert recorded.outcome == "failed"
    assert recorded.error == "ValueError: no mailbox for [email], tel [phone], NIK [number]"
    assert Job.objects.get(name="remind").failures_in_row == 1
    with job_run("remind", now=START + timedelta(minutes=1)):
        pass
    assert Job.objects.get(name="remind").failures_in_row == 0


def test_it_keeps_a_bounded_history_of_runs():
    for minute in range(12):
        remind(START + timedelta(minutes=minute))
    assert prune_runs("remind", keep=5) == 7
    kept = list(JobRun.objects.filter(job="remind").values_list("started_at", flat=True))
    assert kept == [START + timedelta(minutes=m) for m in range(11, 6, -1)]
    assert all(run.outcome == "ok" and "mail_sent" in run.counts for run in JobRun.objects.filter(job="remind"))


def test_it_refuses_an_undeclared_job():
    with pytest.raises(KeyError), job_run("no-such-job"):
        pass


def test_jobs_health_is_one_query_once_watched(django_assert_num_queries):
    jobs_health(now=START)
    with django_assert_num_queries(1):
        jobs_health(now=START)


def test_it_watches_an_optional_job_only_once_it_has_run(db):
    """The LAPOR! sync is not overdue on an install that never started it; once started, it is watched."""
    from pengaduan.jobs.services import job_run

    assert "lapor-sync" not in jobs_health(now=START)
    with job_run("lapor-sync", now=START):
        pass
    later = jobs_health(now=START + timedelta(hours=2))
    assert later["lapor-sync"].stale and not later["lapor-sync"].ok
