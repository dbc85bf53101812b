"""Examinations: a decision "examination" sends an Irban to examine; the report (LHP) returns the case.

The case: the Inspektur orders the examination on Monday 2 November 2026 at 09:00 (no holidays that fortnight).
Ten working days after that day end at the close of office on Monday 16 November (15:00 is the close on Fridays,
16:00 Mondays); the reminder comes at 80 % of that office time.
"""

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from pengaduan.complaints.engine import complaint_record, examination_submit, step_complete, step_resume
from pengaduan.complaints.errors import NotPermitted, StepInputInvalid, StepNotCurrent
from pengaduan.complaints.models import Attachment, Complaint, Event, Examination
from pengaduan.sop.models import Sop
from pengaduan.units.models import Unit
from factories import intake_data, make_user, send_everything_queued, wib
from madiun_steps import STEP_DATA, advance

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
ORDERED = wib(2026, 11, 2, 9, 0)
REPORTED = wib(2026, 11, 10, 10, 0)
EXAMINE = {**STEP_DATA[3], "decision_type": "examination", "order": "",
           "examination_brief": "Periksa petugas loket KTP Kelurahan Manguharjo."}


def lhp(name="lhp.pdf", content=PDF):
    return {"report": SimpleUploadedFile(name, content, content_type="application/pdf")}


REPORT = {"outcome": "proven", "findings": "Petugas terbukti meminta uang.",
          "recommendations": "Hukuman disiplin sedang; uang dikembalikan."}


@pytest.fixture
def irban(unit):
    user = make_user("irban", unit=unit, roles=("irban",))
    user.email = "irban@inspektorat.example"
    user.save()
    return user


@pytest.fixture
def at_decision(unit, staff):
    complaint = complaint_record(unit=unit, actor=staff["jfu"], data=intake_data(), now=wib(2026, 10, 30, 9, 0))
    return advance(complaint, staff, to_step=3, now=wib(2026, 10, 30, 10, 0))


@pytest.fixture
def examining(at_decision, staff, irban):
    step_complete(complaint=at_decision, actor=staff["inspektur"], step_number=3, data=EXAMINE, now=ORDERED)
    return Examination.objects.get(complaint=at_decision)


def test_it_orders_an_examination_instead_of_finishing_the_decision(examining, at_decision):
    run = at_decision.step_runs.get(number=3)
    assert run.is_open and run.paused_at == ORDERED  # the case waits; its clock stands still
    assert not at_decision.step_runs.filter(number=4).exists()
    assert examining.role == "irban" and examining.is_open and examining.time_limit == "10 hari kerja"
    assert examining.due_at == wib(2026, 11, 16, 16, 0)
    assert examining.brief.startswith("Periksa petugas")
    assert at_decision.events.filter(kind=Event.Kind.EXAMINATION_ORDERED).count() == 1


def test_it_returns_the_case_to_the_inspektur_with_the_lhp(examining, at_decision, staff, irban):
    examination_submit(examination=examining, actor=irban, data=REPORT, files=lhp(), now=REPORTED)
    examining.refresh_from_db()
    assert not examining.is_open and examining.on_time and examining.outcome == "proven"
    assert examining.report.purpose == Attachment.Purpose.EXAMINATION_REPORT and examining.report.size == len(PDF)
    assert examining.office_seconds > 0
    run = at_decision.step_runs.get(number=3)
    assert run.is_open and run.paused_at is None and run.due_at > run.started_at
    # The Inspektur now decides the answer; the next steps follow the SOP.
    step_complete(complaint=at_decision, actor=staff["inspektur"], step_number=3,
                  data={**STEP_DATA[3], "decision_type": "examination"}, now=wib(2026, 11, 10, 11, 0))
    at_decision.refresh_from_db()
    assert at_decision.decision_type == "examination" and at_decision.step_runs.get(number=4).is_open
    assert Examination.objects.filter(complaint=at_decision).count() == 1  # not ordered a second time


def test_only_an_irban_of_the_unit_may_submit_the_report(examining, staff, outsider):
    for officer in (staff["inspektur"], staff["sekretaris"], outsider):
        with pytest.raises(NotPermitted):
            examination_submit(examination=examining, actor=officer, data=REPORT, files=lhp(), now=REPORTED)
    examining.refresh_from_db()
    assert examining.is_open


def test_only_the_named_irban_may_submit_when_one_was_named(at_decision, staff, irban, unit):
    other = make_user("irban2", unit=unit, roles=("irban",))
    step_complete(complaint=at_decision, actor=staff["inspektur"], step_number=3,
                  data={**EXAMINE, "examiner": str(irban.pk)}, now=ORDERED)
    examination = Examination.objects.get(complaint=at_decision)
    assert examination.assignee == irban
    with pytest.raises(NotPermitted):
        examination_submit(examination=examination, actor=other, data=REPORT, files=lhp(), now=REPORTED)


def test_the_report_is_submitted_once(examining, irban):
    examination_submit(examination=examining, actor=irban, data=REPORT, files=lhp(), now=REPORTED)
    with pytest.raises(StepNotCurrent):
        examination_submit(examination=examining, actor=irban, data=REPORT, files=lhp(), now=REPORTED)


def test_the_report_needs_a_real_file_and_findings(examining, irban):
    with pytest.raises(StepInputInvalid) as refused:
        examination_submit(examination=examining, actor=irban, data={"outcome": "proven"},
                           files=lhp("lhp.pdf", b"MZ not a pdf at all"), now=REPORTED)
    assert {"report", "findings"} <= set(refused.value.errors)
    examining.refresh_from_db()
    assert examining.is_open and not Attachment.objects.filter(purpose="lhp").exists()


def test_the_decision_waits_while_the_examination_runs(examining, at_decision, staff):
    with pytest.raises(StepNotCurrent):
        step_complete(complaint=at_decision, actor=staff["inspektur"], step_number=3, data=STEP_DATA[3])
    with pytest.raises(StepNotCurrent):
        step_resume(complaint=at_decision, actor=staff["inspektur"])


def test_an_examination_needs_its_brief(at_decision, staff):
    with pytest.raises(StepInputInvalid) as refused:
        step_complete(complaint=at_decision, actor=staff["inspektur"], step_number=3,
                      data={**EXAMINE, "examination_brief": ""}, now=ORDERED)
    assert "examination_brief" in refused.value.errors
    assert not Examination.objects.exists()


def test_the_sop_may_set_the_examiner_role_and_time_limit(at_decision, staff, unit):
    sop = at_decision.sop
    document = {**sop.document, "sop": {**sop.document["sop"],
                                        "examination": {"role": "irban", "time_limit": "3 hari kerja"}}}
    Sop.objects.filter(pk=sop.pk).update(document=document)
    at_decision.refresh_from_db()
    make_user("irban", unit=unit, roles=("irban",))
    step_complete(complaint=at_decision, actor=staff["inspektur"], step_number=3, data=EXAMINE, now=ORDERED)
    examination = Examination.objects.get(complaint=at_decision)
    assert examination.time_limit == "3 hari kerja" and examination.due_at == wib(2026, 11, 5, 16, 0)


def remind_at(moment, mailoutbox):
    before = len(mailoutbox)
    with time_machine.travel(moment, tick=False):
        call_command("remind", stdout=open("/dev/null", "w"))
    return mailoutbox[before:]


def test_it_reminds_the_irban_and_then_alerts_the_inspektur(examining, staff, mailoutbox):
    Unit.objects.update(report_day=0)  # the periodic reports, due in these weeks too, are tested on their own
    staff["inspektur"].email = "inspektur@inspektorat.example"
    staff["inspektur"].save()
    send_everything_queued()
    assert remind_at(examining.remind_at - (examining.remind_at - ORDERED) / 2, mailoutbox) == []
    reminded = remind_at(examining.remind_at, mailoutbox)
    assert [mail.to for mail in reminded] == [["irban@inspektorat.example"]]
    assert remind_at(examining.remind_at, mailoutbox) == []  # once
    alerted = remind_at(examining.due_at, mailoutbox)
    assert ["inspektur@inspektorat.example"] in [mail.to for mail in alerted]
    assert remind_at(examining.due_at, mailoutbox) == []
    examining.refresh_from_db()
    assert examining.reminded_at and examining.escalated_at


def test_no_reminder_once_the_report_is_in(examining, irban, mailoutbox):
    examination_submit(examination=examining, actor=irban, data=REPORT, files=lhp(), now=REPORTED)
    send_everything_queued()
    assert remind_at(examining.due_at, mailoutbox) == []


def test_a_closed_complaint_keeps_its_examination(examining, at_decision, staff, irban):
    examination_submit(examination=examining, actor=irban, data=REPORT, files=lhp(), now=REPORTED)
    step_complete(complaint=at_decision, actor=staff["inspektur"], step_number=3, data=STEP_DATA[3])
    for number, role in ((4, "sekretaris"), (5, "jfu")):
        step_complete(complaint=at_decision, actor=staff[role], step_number=number, data=STEP_DATA[number])
    at_decision.refresh_from_db()
    assert at_decision.status == Complaint.Status.CLOSED
    assert at_decision.examinations.get().outcome == "proven"


def test_the_irban_is_told_of_the_order_and_the_inspektur_of_the_report(at_decision, staff, irban, mailoutbox):
    staff["inspektur"].email = "inspektur@inspektorat.example"
    staff["inspektur"].save()
    send_everything_queued()
    before = len(mailoutbox)
    step_complete(complaint=at_decision, actor=staff["inspektur"], step_number=3, data=EXAMINE, now=ORDERED)
    send_everything_queued()
    assert [mail.to for mail in mailoutbox[before:]] == [["irban@inspektorat.example"]]
    before = len(mailoutbox)
    examination_submit(examination=Examination.objects.get(), actor=irban, data=REPORT, files=lhp(), now=REPORTED)
    send_everything_queued()
    assert [mail.to for mail in mailoutbox[before:]] == [["inspektur@inspektorat.example"]]
