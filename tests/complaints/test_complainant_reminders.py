"""The complainant is reminded too, and a case whose complainant never answers closes by the SOP's rule.

The case: step 2 asks the complainant on Monday 7 December 2026 at 09:00 and waits for the answer (clock paused).
Reminder after 2 working days (the SOP's default): Wednesday 9 December, end of the office day. Closing after 10
working days: 8, 9, 10, 11, 14, 15, 16, 17, 18, 21 December, so Monday 21 December at 16:00 (then cuti bersama and
Christmas come, which the count never needs).
"""

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse

from pengaduan.complaints.engine import complaint_receive, complaint_record, information_reply, information_request
from pengaduan.complaints.figure_models import TimeClassFact
from pengaduan.complaints.models import Complaint, Event
from pengaduan.complaints.page import public_status
from pengaduan.complaints.reminders import complainant_reminders_send, no_reply_closings
from pengaduan.notifications.models import OutboxMessage
from pengaduan.sop.models import Sop
from factories import intake_data, wib

pytestmark = pytest.mark.django_db

ASKED = wib(2026, 12, 7, 9, 0)


@pytest.fixture
def question(unit, staff):
    complaint = complaint_record(unit=unit, actor=staff["jfu"], data=intake_data(), now=wib(2026, 12, 4, 9, 0))
    return information_request(complaint=complaint, actor=staff["sekretaris"], question="Kapan tepatnya kejadian?",
                               pause_clock=True, now=ASKED)


def remind(moment):
    with time_machine.travel(moment, tick=False):
        call_command("remind", stdout=open("/dev/null", "w"))


def reminders():
    return OutboxMessage.objects.filter(template_key="information_reminder")


def test_it_schedules_the_reminder_and_the_closing_on_the_unit_calendar(question):
    assert question.remind_at == wib(2026, 12, 9, 16, 0)
    assert question.close_at == wib(2026, 12, 21, 16, 0)


def test_it_reminds_the_complainant_once_however_often_remind_runs(question):
    remind(wib(2026, 12, 9, 15, 59))
    assert not reminders().exists()
    remind(wib(2026, 12, 9, 16, 1))
    remind(wib(2026, 12, 9, 16, 2))
    remind(wib(2026, 12, 15, 9, 0))
    message = reminders().get()
    assert message.address == "siti@example.org" and "Kapan tepatnya kejadian?" in message.body
    assert "21" in message.body  # the day the case would close
    assert question.complaint.events.filter(kind=Event.Kind.COMPLAINANT_REMINDED).count() == 1


def test_it_reminds_as_often_as_the_sop_says(unit, staff, question):
    sop = question.complaint.sop
    Sop.objects.filter(pk=sop.pk).update(document={**sop.document, "sop": {
        **sop.document["sop"], "complainant_reminder": {"after": "1 hari kerja", "times": 3}}})
    complaint = Complaint.objects.get(pk=question.complaint_id)
    later = information_request(complaint=complaint, actor=staff["sekretaris"], question="Siapa saksinya?",
                                now=wib(2026, 12, 7, 10, 0))
    assert later.remind_at == wib(2026, 12, 8, 16, 0) and later.close_at is None  # the clock was already waiting
    for day in (8, 9, 10, 11, 14):
        complainant_reminders_send(now=wib(2026, 12, day, 16, 30))
    later.refresh_from_db()
    assert later.reminders_sent == 3 and later.remind_at is None
    assert reminders().filter(dedupe_key__startswith=f"information_reminder:{later.pk}:").count() == 3


def test_it_sends_no_reminder_once_the_complainant_answered(question):
    information_reply(request=question, reply="Tanggal 20 November pagi.", now=wib(2026, 12, 8, 9, 0))
    assert complainant_reminders_send(now=wib(2026, 12, 10, 9, 0)) == 0
    assert no_reply_closings(now=wib(2026, 12, 22, 9, 0)) == 0
    assert question.complaint.status == Complaint.Status.OPEN


def test_it_closes_the_case_when_the_complainant_never_answers(question):
    complaint = question.complaint
    remind(wib(2026, 12, 21, 15, 59))
    complaint.refresh_from_db()
    assert complaint.status == Complaint.Status.OPEN
    remind(wib(2026, 12, 21, 16, 1))
    remind(wib(2026, 12, 21, 16, 2))  # a second run changes nothing
    complaint.refresh_from_db()
    assert complaint.status == Complaint.Status.NO_REPLY and complaint.closed_at == wib(2026, 12, 21, 16, 1)
    # The register keeps its number and says how it ended; the timeline says why; no step is left open.
    assert complaint.register_number and complaint.status_label == "Ditutup: pengadu tidak menjawab"
    assert complaint.events.filter(kind=Event.Kind.CLOSED_NO_REPLY).count() == 1
    run = complaint.step_runs.get(number=2)
    assert run.done_at and run.ended_without_reply and run.done_by is None and run.paused_at is None
    assert not complaint.step_runs.filter(done_at__isnull=True).exists()
    # The complainant is told politely, by the medium they chose, once.
    told = OutboxMessage.objects.filter(template_key="complaint_closed_no_reply")
    assert told.count() == 1 and "pengaduan baru" in told.get().body
    status = public_status(complaint)
    assert status.state == "no_reply" and "pengaduan baru" in status.detail
    # Reports count it as closed without reply, not as answered.
    fact = TimeClassFact.objects.get(pk=complaint.pk)
    assert fact.no_reply and fact.followed_up_within is None
    assert not hasattr(complaint, "stat") or not Complaint.objects.filter(pk=complaint.pk, stat__isnull=False).exists()


def test_a_question_without_a_paused_clock_never_closes_the_case(unit, staff):
    complaint = complaint_record(unit=unit, actor=staff["jfu"], data=intake_data(), now=wib(2026, 12, 4, 9, 0))
    request = information_request(complaint=complaint, actor=staff["sekretaris"], question="Ada foto?", now=ASKED)
    assert request.close_at is None
    assert no_reply_closings(now=wib(2027, 2, 1, 9, 0)) == 0


def test_a_case_not_yet_in_the_register_is_left_to_the_recording_officer(unit, staff):
    complaint = complaint_receive(unit=unit, data=intake_data(channel="web"), now=wib(2026, 12, 4, 9, 0))
    request = information_request(complaint=complaint, actor=staff["jfu"], question="Di kelurahan mana?",
                                  pause_clock=True, now=ASKED)
    assert no_reply_closings(now=wib(2027, 1, 15, 9, 0)) == 0
    complaint.refresh_from_db()
    assert complaint.status == Complaint.Status.OPEN and request.close_at is not None


def test_the_tracking_page_says_kindly_that_the_case_was_closed(client, question):
    complaint = question.complaint
    remind(wib(2026, 12, 22, 9, 0))
    code = complaint.__class__.objects.get(pk=complaint.pk)
    session = client.session
    session["tracked_complaint"] = code.tracking_code_hash
    session.save()
    page = client.get(reverse("portal:status")).text
    assert "tidak menerima jawaban" in page or "belum menerima jawaban" in page
    assert "pengaduan baru" in page


def test_a_forwarded_case_closed_without_reply_closes_its_origin_the_same_way(unit, staff):
    from factories import EXAMPLE_SOP, load_sop, make_unit, make_user
    from madiun_steps import STEP_DATA, advance

    from pengaduan.complaints.engine import step_complete

    load_sop(EXAMPLE_SOP)
    dinkes = make_unit(code="DINKES", name="Dinas Kesehatan Kota Madiun", sop_code="400.1/EX/1")
    petugas = make_user("petugas.dinkes", unit=dinkes, roles=("petugas",))
    kepala = make_user("kepala_bidang.dinkes", unit=dinkes, roles=("kepala_bidang",))
    origin = complaint_record(unit=unit, actor=staff["jfu"], data=intake_data(), now=wib(2026, 11, 2, 8, 0))
    advance(origin, staff, to_step=3, now=wib(2026, 11, 2, 9, 0))
    step_complete(complaint=origin, actor=staff["inspektur"], step_number=3, now=wib(2026, 11, 3, 9, 0),
                  data={**STEP_DATA[3], "decision_type": "forward", "reasoning": "Kewenangan Dinas Kesehatan.",
                        "order": "Limpahkan.", "forward_to_unit": "DINKES"})
    target = origin.forwards.get().target
    step_complete(complaint=target, actor=petugas, step_number=1, now=wib(2026, 11, 3, 10, 0),
                  data={**intake_data(), "summary": target.summary})
    information_request(complaint=target, actor=kepala, question="Puskesmas mana?", pause_clock=True,
                        now=wib(2026, 11, 4, 9, 0))
    assert no_reply_closings(now=wib(2026, 12, 1, 9, 0)) == 1
    origin.refresh_from_db()
    target.refresh_from_db()
    assert (target.status, origin.status) == (Complaint.Status.NO_REPLY, Complaint.Status.NO_REPLY)
    assert origin.events.filter(kind=Event.Kind.CLOSED_NO_REPLY).exists()
    assert TimeClassFact.objects.get(pk=origin.pk).no_reply


def test_it_stops_reminding_when_the_officer_went_on_without_the_answer(question, staff):
    from pengaduan.complaints.engine import step_resume

    step_resume(complaint=question.complaint, actor=staff["sekretaris"], now=wib(2026, 12, 8, 9, 0))
    assert complainant_reminders_send(now=wib(2026, 12, 10, 9, 0)) == 0
    assert no_reply_closings(now=wib(2026, 12, 22, 9, 0)) == 0
