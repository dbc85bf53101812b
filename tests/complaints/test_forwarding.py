"""Forwarding that arrives: a decision names a unit of this install (a linked complaint in its inbox, under its
SOP and register) or an outside body (a forwarding letter); the origin is monitored until the answer comes back,
and a target unit may return a case that is not its own."""

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from factories import (EXAMPLE_SOP, intake_data, load_sop, make_unit, make_user, send_everything_queued,
                       tiny_jpeg, wib)
from madiun_steps import STEP_DATA, advance

from pengaduan.complaints import selectors
from pengaduan.complaints.engine import (
    complaint_record,
    forward_answer_record,
    forward_return,
    step_complete,
)
from pengaduan.complaints.errors import NotPermitted, StepInputInvalid
from pengaduan.complaints.models import Complaint, Event, Forward, StepRun
from pengaduan.complaints.page import public_status
from pengaduan.notifications.models import OutboxMessage

pytestmark = pytest.mark.django_db

FORWARD = {**STEP_DATA[3], "decision_type": "forward", "reasoning": "Kewenangan Dinas Kesehatan.",
           "order": "Limpahkan."}


@pytest.fixture
def dinkes(db):
    load_sop(EXAMPLE_SOP)
    return make_unit(code="DINKES", name="Dinas Kesehatan Kota Madiun", sop_code="400.1/EX/1",
                     register_format="{number:03d}/ADU/{unit}/{year}")


@pytest.fixture
def dinkes_staff(dinkes):
    return {role: make_user(f"{role}.dinkes", unit=dinkes, roles=(role,))
            for role in ("petugas", "kepala_bidang", "staf_teknis")}


@pytest.fixture
def at_decision(unit, staff):
    complaint = complaint_record(unit=unit, actor=staff["jfu"], now=wib(2026, 11, 2, 8, 0), data=intake_data(
        is_confidential="on"), files={"evidence": [SimpleUploadedFile("bukti.jpg", tiny_jpeg(), "image/jpeg")]})
    return advance(complaint, staff, to_step=3, now=wib(2026, 11, 2, 9, 0))


def forward_to(complaint, staff, now=None, **decision):
    step_complete(complaint=complaint, actor=staff["inspektur"], step_number=3, data={**FORWARD, **decision},
                  now=now or wib(2026, 11, 3, 9, 0))
    complaint.refresh_from_db()
    return complaint.forwards.get()


def finish_at_dinkes(target, dinkes_staff, now):
    step_complete(complaint=target, actor=dinkes_staff["petugas"], step_number=1, now=now,
                  data={**intake_data(is_confidential="on"), "summary": target.summary})
    step_complete(complaint=target, actor=dinkes_staff["kepala_bidang"], step_number=2, now=now,
                  data={"notes": "Puskesmas sudah ditegur; layanan dipulihkan."})
    step_complete(complaint=target, actor=dinkes_staff["petugas"], step_number=3, now=now,
                  data={"method": "in_person", "recipient": "Siti Aminah", "documentation": "Diserahkan."})


def test_it_forwards_to_a_unit_into_its_inbox_under_its_sop_with_its_own_register_number(
        at_decision, staff, dinkes, dinkes_staff):
    forward = forward_to(at_decision, staff, forward_to_unit="dinkes")
    target = forward.target
    assert target.unit == dinkes and target.sop.code == "400.1/EX/1"
    assert target.register_number == "001/ADU/DINKES/2026" and target.tracking_code_hash != at_decision.tracking_code_hash
    # Carried over: the material, the evidence (as its own file), the identity and its confidentiality.
    assert (target.summary, target.description) == (at_decision.summary, at_decision.description)
    assert target.is_confidential and target.complainant.name == "Siti Aminah"
    assert target.complainant_id != at_decision.complainant_id
    copied = target.attachments.get()
    assert copied.original_name == at_decision.attachments.get().original_name and copied.file.read() == tiny_jpeg()
    received = target.events.get(kind=Event.Kind.FORWARD_RECEIVED).data
    assert received["from_unit"] == "INSP" and received["register_number"] == at_decision.register_number
    assert any("Pungutan liar" in value for part in received["material"] for _label, value in part["rows"])
    # In the target's inbox, with a deadline from its own SOP (1 jam) and calendar.
    waiting = list(selectors.steps_waiting_for(dinkes_staff["petugas"]))
    assert [run.complaint_id for run in waiting] == [target.pk]
    assert waiting[0].due_at == wib(2026, 11, 3, 10, 0)
    # The origin waits, monitored, with no step open.
    assert at_decision.status == Complaint.Status.OPEN and not at_decision.step_runs.filter(done_at=None).exists()
    assert forward.state == Forward.State.MONITORING and forward.monitor_due_at > forward.forwarded_at
    assert list(selectors.forwards_monitored_by(staff["inspektur"])) == [forward]
    assert at_decision.events.filter(kind=Event.Kind.FORWARDED, data__to_unit="DINKES").exists()


def test_it_closes_the_origin_with_the_target_units_answer(at_decision, staff, dinkes_staff):
    forward = forward_to(at_decision, staff, forward_to_unit="DINKES")
    finish_at_dinkes(forward.target, dinkes_staff, wib(2026, 11, 4, 9, 0))
    at_decision.refresh_from_db()
    forward.refresh_from_db()
    assert forward.target.status == Complaint.Status.CLOSED
    assert at_decision.status == Complaint.Status.CLOSED and at_decision.closed_at == wib(2026, 11, 4, 9, 0)
    assert forward.state == Forward.State.ANSWERED and "Puskesmas sudah ditegur" in forward.answer
    came_back = at_decision.events.get(kind=Event.Kind.FORWARD_ANSWERED).data
    assert came_back["unit"] == "DINKES" and "Puskesmas sudah ditegur" in came_back["answer"]
    assert forward.target.events.filter(kind=Event.Kind.ANSWER_SENT_BACK).exists()
    assert not selectors.forwards_monitored_by(staff["inspektur"]).exists()


def test_it_brings_a_return_back_to_the_decision_step_with_its_reason(at_decision, staff, dinkes_staff):
    staff["inspektur"].email = "inspektur@inspektorat.example"
    staff["inspektur"].save()
    forward = forward_to(at_decision, staff, forward_to_unit="DINKES")
    with pytest.raises(NotPermitted):
        forward_return(complaint=forward.target, actor=dinkes_staff["staf_teknis"], reason="Bukan kami.")
    forward_return(complaint=forward.target, actor=dinkes_staff["petugas"], now=wib(2026, 11, 3, 10, 0),
                   reason="Puskesmas berada di bawah Dinas Kesehatan Provinsi.")
    at_decision.refresh_from_db()
    forward.refresh_from_db()
    assert forward.state == Forward.State.RETURNED and forward.target.status == Complaint.Status.RETURNED
    assert not forward.target.step_runs.filter(done_at=None).exists()
    run = at_decision.step_runs.get(done_at=None)
    assert run.number == 3 and run.role == "inspektur" and run.started_at == wib(2026, 11, 3, 10, 0)
    assert at_decision.status == Complaint.Status.OPEN and at_decision.decision_type == ""
    returned = at_decision.events.get(kind=Event.Kind.FORWARD_RETURNED).data
    assert returned["reason"] == "Puskesmas berada di bawah Dinas Kesehatan Provinsi."
    # The Inspektur is told that the decision waits again (though the step run is the same one).
    assert OutboxMessage.objects.filter(dedupe_key__startswith=f"forward_returned:{forward.pk}:",
                                        template_key="step_assigned").exists()
    # The Inspektur decides again, now to answer directly, and the SOP goes on.
    step_complete(complaint=at_decision, actor=staff["inspektur"], step_number=3, data=STEP_DATA[3],
                  now=wib(2026, 11, 3, 11, 0))
    assert at_decision.step_runs.get(done_at=None).number == 4


def test_it_refuses_a_forward_to_an_unknown_unit_or_to_itself_and_writes_nothing(at_decision, staff, dinkes):
    for code, message in (("NOPE", "NOPE"), ("INSP", "")):
        with pytest.raises(StepInputInvalid) as refused:
            forward_to(at_decision, staff, forward_to_unit=code)
        assert "forward_to_unit" in refused.value.errors and message in refused.value.errors["forward_to_unit"][0]
    assert not Forward.objects.exists() and Complaint.objects.count() == 1
    assert at_decision.step_runs.get(done_at=None).number == 3


def test_it_forwards_to_an_outside_body_with_a_letter_and_reminds_until_the_answer_is_recorded(
        at_decision, staff, client, mailoutbox):
    staff["inspektur"].email = "inspektur@inspektorat.example"
    staff["inspektur"].save()
    forward = forward_to(at_decision, staff, now=wib(2026, 11, 3, 9, 0), decision_type="not_within_authority",
                         forward_to="Balai Besar POM di Surabaya", forward_address="Jl. Karang Menjangan 20, Surabaya")
    assert forward.is_outside and forward.target is None
    # The forwarding letter (surat pelimpahan) on the unit's letterhead.
    client.force_login(staff["inspektur"])
    letter = client.get(f"/kerja/pengaduan/{at_decision.pk}/surat-pelimpahan/{forward.pk}.pdf")
    assert letter.status_code == 200 and letter.content.startswith(b"%PDF")

    def remind(moment):
        before = len(mailoutbox)
        with time_machine.travel(moment, tick=False):
            call_command("remind", stdout=open("/dev/null", "w"))
        return [mail for mail in mailoutbox[before:] if "Pemantauan" in mail.subject]

    # The monitoring period (10 working days, counted to the close of the tenth) ends Tue 17 Nov at 16:00.
    assert remind(wib(2026, 11, 17, 15, 59)) == []
    first = remind(wib(2026, 11, 17, 16, 1))
    assert [mail.to for mail in first] == [["inspektur@inspektorat.example"]]
    assert "Balai Besar POM di Surabaya" in first[0].body
    assert remind(wib(2026, 11, 17, 16, 2)) == []  # once per period
    assert len(remind(wib(2026, 12, 2, 9, 5))) == 1  # and again after the next period
    assert at_decision.events.filter(kind=Event.Kind.MONITORING_REMINDED).count() == 2

    forward_answer_record(complaint=at_decision, actor=staff["jfu"], now=wib(2026, 12, 3, 9, 0), data={
        "answered_on": "2026-12-01", "reference": "HM.01/123/2026", "summary": "Sarana produksi telah diperiksa."})
    at_decision.refresh_from_db()
    forward.refresh_from_db()
    assert at_decision.status == Complaint.Status.CLOSED and forward.state == Forward.State.ANSWERED
    assert forward.answer_reference == "HM.01/123/2026"
    assert remind(wib(2027, 1, 4, 9, 0)) == []  # answered: nothing more


def test_it_follows_a_chain_of_hand_overs_back_to_the_first_unit(at_decision, staff, dinkes, dinkes_staff):
    forward = forward_to(at_decision, staff, forward_to_unit="DINKES")
    finish_at_dinkes(forward.target, dinkes_staff, wib(2026, 11, 4, 9, 0))
    path = selectors.forward_path(forward.target)
    assert path == [forward]
    assert selectors.forward_root(forward.target) == at_decision
    assert StepRun.objects.filter(complaint=forward.target, done_at=None).count() == 0


def test_it_writes_the_forwarding_letter_to_the_outside_body_without_a_confidential_identity(at_decision, staff):
    from test_answer_letter import _text

    from pengaduan.documents.forwarding_letter import forwarding_letter_pdf

    forward = forward_to(at_decision, staff, decision_type="not_within_authority",
                         forward_to="Balai Besar POM di Surabaya", forward_address="Jl. Karang Menjangan 20")
    text = _text(forwarding_letter_pdf(forward, compress=False))
    assert "Balai Besar POM di Surabaya" in text and "Jl. Karang Menjangan 20" in text
    assert at_decision.register_number in text and "3 November 2026" in text
    assert "Siti Aminah" not in text and "081234567890" not in text  # the complaint is confidential


def test_it_shows_the_citizen_the_whole_path_under_one_tracking_code(client, at_decision, staff, dinkes_staff):
    forward = forward_to(at_decision, staff, forward_to_unit="DINKES")
    client.post("/lacak/", {"code": at_decision.tracking_code})
    page = client.get(reverse("portal:status")).text
    assert "Dinas Kesehatan Kota Madiun" in page and "001/ADU/DINKES/2026" in page
    # Handed over: the steps the Inspektorat will not run any more are not promised to the complainant.
    assert [step.state for step in public_status(at_decision).steps] == ["done", "done", "done"]
    # Masked as the portal is: no officer's findings, no staff names.
    assert "Pengadu dihubungi" not in page and "Ada indikasi" not in page and "Sekretaris" not in page
    finish_at_dinkes(forward.target, dinkes_staff, wib(2026, 11, 4, 9, 0))
    page = client.get(reverse("portal:status")).text
    assert "Puskesmas sudah ditegur" in page  # the target's answer, under the first tracking code


def test_it_counts_the_hand_overs_of_a_unit_for_the_reports(at_decision, staff, unit, dinkes, dinkes_staff):
    forward = forward_to(at_decision, staff, forward_to_unit="DINKES", now=wib(2026, 11, 3, 9, 0))
    forward_return(complaint=forward.target, actor=dinkes_staff["petugas"], reason="Bukan kami.",
                   now=wib(2026, 11, 3, 10, 0))
    step_complete(complaint=at_decision, actor=staff["inspektur"], step_number=3, now=wib(2026, 11, 4, 9, 0),
                  data={**FORWARD, "forward_to": "Balai Besar POM"})
    november = dict(start=wib(2026, 11, 1), end=wib(2026, 12, 1))
    assert selectors.forward_counts(unit=unit, **november) == {
        "out_units": 1, "out_outside": 1, "answered": 0, "returned": 1, "monitoring": 1, "received": 0,
        "sent_back": 0}
    assert selectors.forward_counts(unit=dinkes, **november)["received"] == 1
    assert selectors.forward_counts(unit=dinkes, **november)["sent_back"] == 1
    assert at_decision.events.filter(kind=Event.Kind.FORWARDED).count() == 2


def test_it_tells_the_complainant_where_the_case_went_and_answers_once(
        at_decision, staff, dinkes_staff, mailoutbox):
    forward = forward_to(at_decision, staff, forward_to_unit="DINKES")
    finish_at_dinkes(forward.target, dinkes_staff, wib(2026, 11, 4, 9, 0))
    send_everything_queued()
    to_complainant = [mail for mail in mailoutbox if mail.to == ["siti@example.org"]]
    forwarded = next(mail for mail in to_complainant if "dilimpahkan" in mail.subject)
    assert "Dinas Kesehatan Kota Madiun" in forwarded.body and "kode lacak yang sama" in forwarded.body
    answered = [mail for mail in to_complainant if "Jawaban" in mail.subject]
    assert len(answered) == 1  # by the unit that answered; the origin's closing sends nothing more


def test_it_follows_a_chain_of_hand_overs_and_closes_every_case_with_the_last_answer(at_decision, staff, outsider):
    """Inspektorat → Dinas Kesehatan (which runs the Madiun SOP too, and forwards again) → Satpol PP."""
    load_sop(EXAMPLE_SOP)
    satpol = make_unit(code="SATPOL", name="Satpol PP Kota Madiun", sop_code="400.1/EX/1")
    satpol_staff = {role: make_user(f"{role}.satpol", unit=satpol, roles=(role,))
                    for role in ("petugas", "kepala_bidang")}
    first = forward_to(at_decision, staff, forward_to_unit="DINKES")
    middle = first.target
    step_complete(complaint=middle, actor=outsider, step_number=1, data=intake_data(is_confidential="on"))
    for number in (2,):
        step_complete(complaint=middle, actor=outsider, step_number=number, data=STEP_DATA[number])
    step_complete(complaint=middle, actor=outsider, step_number=3, data={**FORWARD, "forward_to_unit": "SATPOL"})
    second = middle.forwards.get()
    last = second.target
    assert [forward.pk for forward in selectors.forward_path(last)] == [first.pk, second.pk]
    assert selectors.forward_root(last) == at_decision
    # The complaint page reads the same path, and each case's own hand-overs in and out, in fewer queries.
    for case, came_from, own in ((at_decision, None, [first]), (middle, first, [second]), (last, second, [])):
        links = selectors.forward_links(case)
        assert links.came_from == came_from and links.forwards == own
        assert links.path == selectors.forward_path(case) == [first, second]
    assert public_status(at_decision).holder == "Satpol PP Kota Madiun"
    finish_at_dinkes(last, satpol_staff, wib(2026, 11, 5, 9, 0))
    for case in (middle, at_decision):
        case.refresh_from_db()
        assert case.status == Complaint.Status.CLOSED
    assert "Puskesmas sudah ditegur" in at_decision.events.get(kind=Event.Kind.FORWARD_ANSWERED).data["answer"]
    assert "Puskesmas sudah ditegur" in first.__class__.objects.get(pk=first.pk).answer
    # The decision shows the unit it went to as a unit, not as an outside body.
    from pengaduan.complaints.kinds import kinds
    deciding = kinds.one("produces_decision")
    rows = dict(deciding.output_rows(middle.step_runs.get(number=3).output))
    assert "Satpol PP Kota Madiun (SATPOL)" in rows.values()
    assert deciding.form_class.base_fields["forward_to"].label not in rows


def test_it_records_the_origins_time_to_answer_when_the_answer_comes_back(at_decision, staff, dinkes_staff):
    from pengaduan.complaints.figure_models import ComplaintStat

    forward = forward_to(at_decision, staff, forward_to_unit="DINKES")
    assert not ComplaintStat.objects.filter(complaint=at_decision).exists()
    finish_at_dinkes(forward.target, dinkes_staff, wib(2026, 11, 4, 9, 0))
    assert ComplaintStat.objects.filter(complaint=at_decision).exists()


def test_it_keeps_the_report_rollups_equal_to_a_rebuild_through_forwards_returns_and_answers(
        at_decision, staff, unit, dinkes_staff):
    from rollup_rows import rollups

    from pengaduan.complaints import figures

    forward = forward_to(at_decision, staff, forward_to_unit="DINKES", now=wib(2026, 11, 3, 9, 0))
    step_complete(complaint=forward.target, actor=dinkes_staff["petugas"], step_number=1, now=wib(2026, 11, 3, 10, 0),
                  data=intake_data(is_confidential="on"))
    forward_return(complaint=forward.target, actor=dinkes_staff["petugas"], reason="Bukan kami.",
                   now=wib(2026, 11, 3, 11, 0))
    step_complete(complaint=at_decision, actor=staff["inspektur"], step_number=3, now=wib(2026, 11, 24, 9, 0),
                  data={**FORWARD, "forward_to_unit": "DINKES"})
    again = at_decision.forwards.get(state=Forward.State.MONITORING)
    finish_at_dinkes(again.target, dinkes_staff, wib(2026, 11, 25, 9, 0))
    kept = rollups()
    assert kept["answers"] and kept["steps"]
    figures.rebuild_stats(everything=True)
    assert rollups() == kept
