"""/healthz, /readyz and `pengaduan status`: a stopped remind timer is noticed within its interval."""

import json
import re
from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command

from pengaduan.jobs.models import Job
from factories import wib
from datetime import UTC

pytestmark = pytest.mark.django_db

START = wib(2026, 12, 3, 10, 42)


def utc(moment):
    return moment.astimezone(UTC).isoformat()


def remind(moment):
    with time_machine.travel(moment, tick=False):
        call_command("remind", stdout=open("/dev/null", "w"))


def readyz(client, moment, query=""):
    with time_machine.travel(moment, tick=False):
        return client.get(f"/readyz{query}")


def test_it_answers_healthz_without_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"] or "no-store" in response["Cache-Control"]


def test_it_reports_ready_with_every_check(client):
    remind(START)
    response = readyz(client, START + timedelta(minutes=1))
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"] == {"database": "ok", "migrations": "ok", "data_dir": "ok", "jobs": "ok"}
    assert body["jobs"]["remind"]["stale"] is False
    assert body["jobs"]["remind"]["last_ok"] == utc(START)


def test_it_reports_a_stale_remind_after_its_interval_and_fresh_after_a_run(client):
    remind(START)
    assert readyz(client, START + timedelta(minutes=5)).status_code == 200

    late = readyz(client, START + timedelta(minutes=6))
    assert late.status_code == 503
    body = late.json()
    assert body["status"] == "fail" and body["checks"]["jobs"] == "stale or failing"
    assert body["jobs"]["remind"]["stale"] is True
    assert body["jobs"]["remind"]["last_ok"] == utc(START)

    remind(START + timedelta(minutes=7))
    fresh = readyz(client, START + timedelta(minutes=7, seconds=30))
    assert fresh.status_code == 200
    assert fresh.json()["jobs"]["remind"] == {
        "ok": True, "last_ok": utc(START + timedelta(minutes=7)),
        "last_run": utc(START + timedelta(minutes=7)), "stale": False, "failing": False,
        "failures_in_row": 0, "stale_after_seconds": 300,
    }


def test_it_lets_a_load_balancer_ignore_the_jobs(client):
    remind(START)
    response = readyz(client, START + timedelta(hours=1), "?jobs=0")
    assert response.status_code == 200
    assert response.json()["jobs"]["remind"]["stale"] is True


def test_it_reports_a_job_that_never_ran_once_its_interval_passed_since_watching_began(client):
    assert readyz(client, START).status_code == 200  # watching begins
    assert Job.objects.get(name="remind").watched_since == START
    response = readyz(client, START + timedelta(minutes=6))
    assert response.status_code == 503
    assert response.json()["jobs"]["remind"]["last_ok"] is None


def test_it_takes_the_interval_from_the_settings(client, settings):
    settings.JOB_STALE_AFTER = {"remind": 30}
    remind(START)
    assert readyz(client, START + timedelta(minutes=29)).status_code == 200
    assert readyz(client, START + timedelta(minutes=31)).status_code == 503


def test_it_reports_a_job_that_keeps_failing(client, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("mail server said no to budi@example.com")

    monkeypatch.setattr("pengaduan.notifications.management.commands.remind.reminders_send", broken)
    for minute in range(3):
        with pytest.raises(RuntimeError):
            remind(START + timedelta(minutes=minute))
    body = readyz(client, START + timedelta(minutes=3)).json()
    assert body["jobs"]["remind"]["failing"] is True and body["jobs"]["remind"]["failures_in_row"] == 3
    assert body["jobs"]["remind"]["stale"] is False  # watched since the first run, not 5 minutes yet
    assert "example.com" not in json.dumps(body)
    assert Job.objects.get(name="remind").last_error == "RuntimeError: mail server said no to [email]"


def test_it_says_which_check_fails_when_the_data_folder_is_not_writable(client, settings, tmp_path):
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("")
    settings.DATA_DIR = not_a_folder
    response = client.get("/readyz?jobs=0")
    assert response.status_code == 503 and response.json()["checks"]["data_dir"] == "data folder not writable"


def test_it_does_not_log_a_not_ready_answer_as_a_server_error(client, caplog):
    readyz(client, START)
    with caplog.at_level("WARNING", logger="django.request"):
        assert readyz(client, START + timedelta(hours=1)).status_code == 503
    assert caplog.records == []


def test_status_prints_the_same_and_exits_non_zero_when_not_ready(capsys):
    remind(START)
    with time_machine.travel(START + timedelta(minutes=2), tick=False):
        call_command("status")
    assert re.search(r"^job remind +ok ", capsys.readouterr().out, re.M)
    with time_machine.travel(START + timedelta(minutes=20), tick=False), pytest.raises(SystemExit) as stopped:
        call_command("status")
    assert stopped.value.code == 1
    out, err = capsys.readouterr()
    assert "STALE" in out and "20 min ago" in out and "NOT READY" in err


def test_it_reports_an_unreachable_database_without_details(client, monkeypatch):
    from django.db import OperationalError, connection

    def refuse(*args, **kwargs):
        raise OperationalError("could not connect to server at 10.0.0.5 as pengaduan")

    monkeypatch.setattr(connection, "cursor", refuse)
    response = client.get("/readyz")
    body = response.json()
    assert response.status_code == 503 and body["status"] == "fail"
    assert body["checks"]["database"] == "unreachable (OperationalError)"
    assert body["checks"]["jobs"] == "not checked" and "migrations" not in body["checks"]
    assert "10.0.0.5" not in response.content.decode()
