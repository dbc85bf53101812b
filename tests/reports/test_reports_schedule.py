"""Periodic reports on schedule: generated on the unit's report day after each month, quarter and year, kept,
and sent once (two runs, two servers at once) to the unit's head and the oversight role, PDF attached."""

import importlib
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date

import pytest
import time_machine
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.db import connection

from factories import intake_data, make_unit, make_user, wib
from pengaduan.complaints.engine import complaint_record
from pengaduan.jobs.models import JobRun
from pengaduan.notifications.models import MessageTemplate, OutboxMessage
from pengaduan.notifications.services import send_due
from pengaduan.reports.models import PeriodicReport
from pengaduan.reports.schedule import due_periods, head_role, periodic_reports_send, report_recipients


@pytest.fixture
def people(unit, staff):
    """The Inspektur (the unit's head by default), a Sekretaris, and the Pemda's overseer, with e-mail addresses."""
    for user in staff.values():
        user.email = f"{user.username}@madiunkota.example"
        user.save()
    pemda = make_user("pemda")
    pemda.email = "pemda@madiunkota.example"
    pemda.save()
    # Directly: the group comes from a data migration, gone after a transactional test's flush (as the message).
    pemda.user_permissions.add(Permission.objects.get(codename="oversee_units"))
    template = importlib.import_module("pengaduan.reports.migrations.0004_periodic_report_template").TEMPLATE
    MessageTemplate.objects.get_or_create(key=template["key"], defaults=template)
    complaint_record(unit=unit, actor=staff["jfu"], data=intake_data(), now=wib(2026, 11, 2, 9, 0))
    return {**staff, "pemda": pemda}


def _sent_to():
    return sorted(OutboxMessage.objects.filter(template_key="periodic_report").values_list("address", flat=True))


def test_it_takes_the_last_escalation_role_as_the_unit_head_unless_set(unit):
    assert head_role(unit) == "inspektur"
    unit.escalation_roles = ["sekretaris", "kepala_dinas"]
    assert head_role(unit) == "kepala_dinas"
    unit.head_role = "kepala"
    assert head_role(unit) == "kepala"


def test_it_sends_nothing_before_the_report_day(unit):
    unit.report_day = 5
    assert [p.code for p in due_periods(unit, date(2027, 1, 4))] == []
    assert [p.code for p in due_periods(unit, date(2027, 1, 5))] == ["2026-12", "2026-Q4", "2026"]
    # The last quarter and year stay due (a server that was down catches up); the month waits for its day.
    assert [p.code for p in due_periods(unit, date(2026, 10, 4))] == ["2025"]
    assert [p.code for p in due_periods(unit, date(2026, 12, 5))] == ["2026-11", "2026-Q3", "2025"]
    unit.report_day = 0
    assert due_periods(unit, date(2027, 1, 20)) == []


@pytest.mark.django_db
def test_it_sends_the_monthly_report_on_the_day_to_the_head_and_the_overseer(unit, people, mailoutbox):
    unit.report_day = 5
    unit.save()
    # The job's clock is the one the outbox stamps its rows with: the messages are due from the moment queued.
    with time_machine.travel(wib(2026, 12, 4, 23, 0), tick=False) as clock:
        assert periodic_reports_send() == {"periodic_reports": 0, "periodic_report_messages": 0}
        clock.move_to(wib(2026, 12, 5, 0, 1))
        counts = periodic_reports_send()
    # November (the first complaint is from November: no report for the third quarter or 2025).
    assert counts == {"periodic_reports": 1, "periodic_report_messages": 2}
    report = PeriodicReport.objects.get()
    assert (report.kind, report.period_start, report.period_end) == ("month", date(2026, 11, 1), date(2026, 12, 1))
    assert report.file.read().startswith(b"%PDF")
    assert _sent_to() == ["inspektur@madiunkota.example", "pemda@madiunkota.example"]
    assert report.recipients == ["inspektur@madiunkota.example", "pemda@madiunkota.example"]
    mailoutbox.clear()
    with time_machine.travel(wib(2026, 12, 5, 0, 2), tick=False):
        send_due()
    sent = [mail for mail in mailoutbox if mail.subject.startswith("Laporan penanganan pengaduan")]
    assert sorted(mail.to[0] for mail in sent) == ["inspektur@madiunkota.example", "pemda@madiunkota.example"]
    name, content, mimetype = sent[0].attachments[0]
    assert (name, mimetype) == ("laporan-INSP-2026-11.pdf", "application/pdf")
    assert content.startswith(b"%PDF") and len(content) == report.size
    assert "November 2026" in sent[0].subject


@pytest.mark.django_db
def test_it_sends_each_report_once_when_run_twice(unit, people):
    periodic_reports_send(now=wib(2027, 1, 5, 8, 0))
    assert periodic_reports_send(now=wib(2027, 1, 5, 8, 1))["periodic_reports"] == 0
    assert periodic_reports_send(now=wib(2027, 1, 20, 8, 1))["periodic_reports"] == 0
    assert sorted(PeriodicReport.objects.values_list("kind", flat=True)) == ["month", "quarter", "year"]
    assert len(_sent_to()) == 6  # three reports, two recipients each


@pytest.mark.django_db
def test_it_sends_to_the_configured_head_role(unit, people):
    kepala = make_user("kepala", unit=unit, roles=("kepala",))
    kepala.email = "kepala@madiunkota.example"
    kepala.save()
    unit.head_role = "kepala"
    unit.save()
    assert [user.username for user in report_recipients(unit)] == ["pemda", "kepala"]


@pytest.mark.django_db
def test_it_records_the_reports_as_their_own_job_in_remind(unit, people):
    call_command("remind", stdout=open("/dev/null", "w"))
    assert JobRun.objects.filter(job="periodic_reports", outcome="ok").count() == 1


@pytest.mark.django_db(transaction=True)
def test_it_sends_each_report_once_from_two_servers_at_the_same_moment(unit, people):
    start = threading.Barrier(2)

    def run(_index):
        try:
            start.wait()
            return periodic_reports_send(now=wib(2026, 12, 7, 8, 0))["periodic_reports"]
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=2) as pool:
        made = list(pool.map(run, range(2)))
    assert sorted(made) == [0, 1]
    assert PeriodicReport.objects.count() == 1
    assert _sent_to() == ["inspektur@madiunkota.example", "pemda@madiunkota.example"]
