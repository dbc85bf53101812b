"""`pengaduan remind`: each reminder once, escalation at breach, paused clocks and office hours respected.

The case: step 2 (10 minutes of office time) starts Wednesday 23 December 2026 at 15:55. Five minutes run on
Wednesday (the office closes at 16:00); Thursday 24 is cuti bersama Natal, Friday 25 Natal, then the weekend;
the last five run on Monday 28 from 07:30. So: 50 % at Wednesday 16:00, 80 % at Monday 07:33, due 07:35.
"""

import pytest
import time_machine
from django.core.management import call_command

from pengaduan.complaints.engine import complaint_record, information_request
from pengaduan.complaints.models import Event
from factories import intake_data, send_everything_queued, wib

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(unit, staff):
    for role, user in staff.items():
        user.email = f"{role}@inspektorat.example"
        user.save()
    complaint = complaint_record(unit=unit, actor=staff["jfu"], data=intake_data(complainant_email=""),
                                 now=wib(2026, 12, 23, 15, 55))
    flush_outbox()
    return complaint


def flush_outbox():
    """Send what the actions queued (the step-assigned mails), so that only reminders are left to count."""
    send_everything_queued()


def remind_at(moment, mailoutbox):
    before = len(mailoutbox)
    with time_machine.travel(moment, tick=False):
        call_command("remind", stdout=open("/dev/null", "w"))
    return mailoutbox[before:]


def recipients(mails):
    return sorted(address for mail in mails for address in mail.to)


def test_it_reminds_at_half_time_once(case, mailoutbox):
    assert remind_at(wib(2026, 12, 23, 15, 59), mailoutbox) == []
    sent = remind_at(wib(2026, 12, 24, 10, 0), mailoutbox)
    assert recipients(sent) == ["sekretaris@inspektorat.example"]
    assert "50" in sent[0].body
    assert remind_at(wib(2026, 12, 24, 10, 1), mailoutbox) == []  # running again sends nothing twice


def test_it_waits_for_office_hours_across_christmas_and_the_weekend(case, mailoutbox):
    remind_at(wib(2026, 12, 24, 10, 0), mailoutbox)
    mailoutbox.clear()
    assert remind_at(wib(2026, 12, 27, 20, 0), mailoutbox) == []  # Sunday evening: nothing more is due
    assert recipients(remind_at(wib(2026, 12, 28, 7, 33), mailoutbox)) == ["sekretaris@inspektorat.example"]
    assert not case.events.filter(kind=Event.Kind.ESCALATED).exists()


def test_it_escalates_to_the_superior_at_the_deadline_once(case, mailoutbox):
    remind_at(wib(2026, 12, 28, 7, 34), mailoutbox)
    mailoutbox.clear()
    sent = remind_at(wib(2026, 12, 28, 7, 35), mailoutbox)
    # The performer is told the time is up; the Inspektur (the Sekretaris' superior) is alerted.
    assert recipients(sent) == ["inspektur@inspektorat.example", "sekretaris@inspektorat.example"]
    escalation = case.events.get(kind=Event.Kind.ESCALATED)
    assert escalation.data["roles"] == ["inspektur"]
    assert remind_at(wib(2026, 12, 28, 9, 0), mailoutbox) == []


def test_it_sends_nothing_while_the_clock_waits_for_the_complainant(case, staff, mailoutbox):
    information_request(complaint=case, actor=staff["sekretaris"], question="Nama petugas?", pause_clock=True,
                        now=wib(2026, 12, 23, 15, 56))
    flush_outbox()
    mailoutbox.clear()
    assert remind_at(wib(2026, 12, 28, 9, 0), mailoutbox) == []
    assert not case.events.filter(kind__in=[Event.Kind.REMINDED, Event.Kind.ESCALATED]).exists()


def test_it_sends_nothing_for_a_step_already_done(case, staff, mailoutbox):
    from pengaduan.complaints.engine import step_complete
    from madiun_steps import STEP_DATA

    step_complete(complaint=case, actor=staff["sekretaris"], step_number=2, data=STEP_DATA[2],
                  now=wib(2026, 12, 23, 15, 58))
    flush_outbox()
    mailoutbox.clear()
    assert remind_at(wib(2026, 12, 28, 9, 0), mailoutbox) == []


def test_it_sends_only_the_latest_news_after_a_long_silence(case, mailoutbox):
    # Nobody ran the command until after the deadline: one reminder and one escalation, not three reminders.
    sent = remind_at(wib(2026, 12, 28, 10, 0), mailoutbox)
    assert recipients(sent) == ["inspektur@inspektorat.example", "sekretaris@inspektorat.example"]
    assert case.step_runs.get(number=2).reminders.filter(sent_at__isnull=True).count() == 0
