"""Register corrections and deadline extensions: the unit head corrects or voids a register entry with a reason
(the number stays, marked, the register stays gapless); the performer's superior extends a step's deadline once
with a reason, and the step is measured against the extension. Both go through the engine and leave events."""

from datetime import timedelta

import pytest

from factories import intake_data, wib
from madiun_steps import STEP_DATA, advance
from pengaduan.complaints import hierarchy
from pengaduan.complaints.engine import (
    complaint_record,
    deadline_extend,
    may_extend,
    register_correct,
    register_void,
    step_complete,
)
from pengaduan.complaints.errors import NotPermitted, StepInputInvalid, StepNotCurrent
from pengaduan.complaints.figure_models import StepRunStat
from pengaduan.complaints.models import Complaint, Event, StepRun
from pengaduan.reports import register as register_report
from pengaduan.reports.periods import Period
from pengaduan.reports.selectors import compliance_by_step
from pengaduan.sop.selectors import current_sop

pytestmark = pytest.mark.django_db

RECEIVED = wib(2026, 11, 23, 8, 15)  # a Monday
WORKED = wib(2026, 11, 24, 9, 0)


def _correction(complaint, **changes):
    data = {"summary": complaint.summary, "subject": complaint.subject, "complaint_type": complaint.complaint_type,
            "category": complaint.category, "event_place": complaint.event_place,
            "event_date": complaint.event_date.isoformat() if complaint.event_date else "",
            "reason": "Salah ketik pada saat pencatatan."}
    return {**data, **changes}


@pytest.fixture
def recorded(unit, jfu):
    return complaint_record(unit=unit, actor=jfu, data=intake_data(), now=RECEIVED)


def _closed(unit, staff):
    complaint = complaint_record(unit=unit, actor=staff["jfu"], data=intake_data(), now=RECEIVED)
    complaint = advance(complaint, staff, to_step=6, now=None)
    complaint.refresh_from_db()
    assert complaint.status == Complaint.Status.CLOSED
    return complaint


# --- who is the unit head, who is whose superior ---------------------------------------------------------

def test_it_takes_the_unit_head_and_the_superiors_from_the_units_escalation_chain(unit):
    sop = current_sop(unit)
    assert hierarchy.unit_head_role(unit, sop) == "inspektur"
    assert hierarchy.superior_role(unit, sop, "jfu") == "sekretaris"
    assert hierarchy.superior_role(unit, sop, "kasubag") == "sekretaris"
    assert hierarchy.superior_role(unit, sop, "sekretaris") == "inspektur"
    assert hierarchy.superior_role(unit, sop, "inspektur") == "inspektur"


def test_it_falls_back_to_the_unit_head_setting_when_the_chain_names_no_role_of_the_sop(unit, settings):
    unit.escalation_roles = ["camat"]
    settings.UNIT_HEAD_ROLE = "kasubag"
    assert hierarchy.unit_head_role(unit, current_sop(unit)) == "kasubag"
    assert hierarchy.superior_role(unit, current_sop(unit), "jfu") == "kasubag"


# --- corrections -----------------------------------------------------------------------------------------

def test_it_lets_the_unit_head_correct_an_entry_keeping_its_number(recorded, inspektur):
    number = recorded.register_number
    corrected = register_correct(complaint=recorded, actor=inspektur,
                                 data=_correction(recorded, summary="Pungutan liar pada pengurusan KK"))
    assert corrected.register_number == number and corrected.register_seq == recorded.register_seq
    assert corrected.summary == "Pungutan liar pada pengurusan KK"
    assert corrected.register_mark == Complaint.RegisterMark.CORRECTED
    assert corrected.register_note == "Salah ketik pada saat pencatatan."
    event = Event.objects.get(complaint=recorded, kind=Event.Kind.REGISTER_CORRECTED)
    assert event.actor == inspektur
    assert event.data["changes"] == {"summary": ["Pungutan liar pada pengurusan KTP",
                                                 "Pungutan liar pada pengurusan KK"]}


@pytest.mark.parametrize("role", ["jfu", "sekretaris", "kasubag"])
def test_it_refuses_a_correction_by_another_role(recorded, staff, role):
    with pytest.raises(NotPermitted):
        register_correct(complaint=recorded, actor=staff[role], data=_correction(recorded, summary="Lain"))
    recorded.refresh_from_db()
    assert recorded.register_mark == "" and recorded.summary != "Lain"


def test_it_refuses_a_correction_by_the_head_of_another_unit(recorded, outsider):
    with pytest.raises(NotPermitted):
        register_correct(complaint=recorded, actor=outsider, data=_correction(recorded, summary="Lain"))


def test_it_requires_a_reason_and_a_change(recorded, inspektur):
    with pytest.raises(StepInputInvalid) as refused:
        register_correct(complaint=recorded, actor=inspektur, data=_correction(recorded, summary="X", reason=""))
    assert "reason" in refused.value.errors
    with pytest.raises(StepInputInvalid) as refused:
        register_correct(complaint=recorded, actor=inspektur, data=_correction(recorded))
    assert "__all__" in refused.value.errors


def test_it_refuses_to_correct_a_complaint_not_in_the_register(unit, inspektur):
    from pengaduan.complaints.engine import complaint_receive
    arrived = complaint_receive(unit=unit, data=intake_data(channel="web"), now=RECEIVED)
    with pytest.raises(StepNotCurrent):
        register_correct(complaint=arrived, actor=inspektur, data=_correction(arrived, summary="Lain"))


# --- voiding ---------------------------------------------------------------------------------------------

def test_it_voids_a_finished_entry_and_the_register_stays_gapless(unit, staff):
    first = _closed(unit, staff)
    second = complaint_record(unit=unit, actor=staff["jfu"], data=intake_data(), now=RECEIVED)
    voided = register_void(complaint=first, actor=staff["inspektur"], reason="Tercatat dua kali.")
    assert voided.register_mark == Complaint.RegisterMark.VOID and voided.register_number == first.register_number
    third = complaint_record(unit=unit, actor=staff["jfu"], data=intake_data(), now=RECEIVED)
    assert [second.register_seq, third.register_seq] == [2, 3]
    assert list(Complaint.objects.filter(unit=unit).order_by("register_seq")
                .values_list("register_seq", flat=True)) == [1, 2, 3]
    assert Event.objects.filter(complaint=first, kind=Event.Kind.REGISTER_VOIDED,
                                data__reason="Tercatat dua kali.").exists()


def test_it_refuses_to_void_a_case_in_progress(recorded, inspektur):
    with pytest.raises(StepNotCurrent):
        register_void(complaint=recorded, actor=inspektur, reason="Salah catat.")


@pytest.mark.parametrize("role", ["jfu", "sekretaris", "kasubag"])
def test_it_refuses_voiding_by_another_role(unit, staff, role):
    closed = _closed(unit, staff)
    with pytest.raises(NotPermitted):
        register_void(complaint=closed, actor=staff[role], reason="Salah catat.")


def test_it_changes_a_void_entry_no_more(unit, staff):
    closed = _closed(unit, staff)
    register_void(complaint=closed, actor=staff["inspektur"], reason="Tercatat dua kali.")
    with pytest.raises(StepNotCurrent):
        register_correct(complaint=closed, actor=staff["inspektur"], data=_correction(closed, summary="Lain"))
    with pytest.raises(StepNotCurrent):
        register_void(complaint=closed, actor=staff["inspektur"], reason="Lagi.")


def test_it_shows_the_marks_in_the_printed_register_and_the_spreadsheet(unit, staff):
    closed = _closed(unit, staff)
    register_void(complaint=closed, actor=staff["inspektur"], reason="Tercatat dua kali.")
    entries = register_report.register_entries(unit=unit, period=Period.year(closed.register_year))
    labels = register_report._labels()
    rows = [register_report.display_row(row, labels) for row in register_report.register_rows(entries)]
    assert rows[0][2] == closed.register_number
    assert "Tercatat dua kali." in rows[0][-1] and str(Complaint.RegisterMark.VOID.label).upper() in rows[0][-1]


def test_it_shows_the_marks_on_the_workdesk_register(client, unit, staff):
    closed = _closed(unit, staff)
    register_void(complaint=closed, actor=staff["inspektur"], reason="Tercatat dua kali.")
    client.force_login(staff["jfu"])
    page = client.get("/kerja/buku-pengaduan/", {"year": closed.register_year}).content.decode()
    assert "badge-void" in page and "Tercatat dua kali." in page


# --- extensions ------------------------------------------------------------------------------------------

def test_it_lets_the_superior_extend_a_deadline_once(recorded, staff):
    at_step_2 = advance(recorded, staff, to_step=2)
    run = at_step_2.step_runs.get(number=2)  # performed by the Sekretaris: the Inspektur is the superior
    before = run.due_at
    assert may_extend(staff["inspektur"], run) and not may_extend(staff["sekretaris"], run)
    extended = deadline_extend(complaint=recorded, actor=staff["inspektur"], extension="2 hari kerja",
                               reason="Menunggu dokumen dari kelurahan.", now=WORKED)
    assert extended.extended_from == before and extended.due_at > before
    assert extended.extended_by == staff["inspektur"]
    event = Event.objects.get(complaint=recorded, kind=Event.Kind.DEADLINE_EXTENDED)
    assert event.step_number == 2 and event.data["reason"] == "Menunggu dokumen dari kelurahan."
    assert extended.reminders.get(share=100).due_at == extended.due_at
    with pytest.raises(StepNotCurrent):
        deadline_extend(complaint=recorded, actor=staff["inspektur"], extension="1 hari kerja", reason="Lagi.")


@pytest.mark.parametrize("role", ["jfu", "sekretaris", "kasubag"])
def test_it_refuses_an_extension_by_anyone_but_the_superior(recorded, staff, role):
    advance(recorded, staff, to_step=2)
    with pytest.raises(NotPermitted):
        deadline_extend(complaint=recorded, actor=staff[role], extension="2 hari kerja", reason="Alasan.")
    assert not StepRun.objects.filter(extended_from__isnull=False).exists()


def test_it_requires_a_reason_and_a_readable_extension(recorded, staff):
    advance(recorded, staff, to_step=2)
    with pytest.raises(StepInputInvalid) as refused:
        deadline_extend(complaint=recorded, actor=staff["inspektur"], extension="segera", reason="")
    assert set(refused.value.errors) == {"extension", "reason"}


def test_it_measures_an_extended_step_against_the_extension_and_reports_it(unit, staff):
    complaint = complaint_record(unit=unit, actor=staff["jfu"], data=intake_data(), now=RECEIVED)
    run = complaint.step_runs.get(number=2)
    deadline_extend(complaint=complaint, actor=staff["inspektur"], extension="5 hari kerja", reason="Banyak saksi.",
                    now=RECEIVED + timedelta(hours=1))
    late_for_the_original = run.due_at + timedelta(hours=2)
    step_complete(complaint=complaint, actor=staff["sekretaris"], step_number=2, data=STEP_DATA[2],
                  now=late_for_the_original)
    assert StepRunStat.objects.get(step_run=run).on_time is True
    rows = {row.step.number: row for row in compliance_by_step(unit=unit, period=Period.year(2026))}
    assert rows[2].done == 1 and rows[2].on_time == 1 and rows[2].extended == 1
    entries = register_report.register_entries(unit=unit, period=Period.year(2026))
    row = register_report.display_row(next(register_report.register_rows(entries)), register_report._labels())
    assert "diperpanjang" in row[-1] or "extended" in row[-1]


def test_it_lets_the_head_extend_its_own_step(recorded, staff):
    advance(recorded, staff, to_step=3)  # step 3 is the Inspektur's: nobody above
    run = deadline_extend(complaint=recorded, actor=staff["inspektur"], extension="1 hari kerja", reason="Rapat.")
    assert run.number == 3 and run.extended_from is not None


def test_it_offers_the_forms_only_to_those_who_may_use_them(client, recorded, staff):
    advance(recorded, staff, to_step=2)
    client.force_login(staff["sekretaris"])
    page = client.get(f"/kerja/pengaduan/{recorded.pk}/").content.decode()
    assert "perpanjang/" not in page and "register/koreksi/" not in page
    client.force_login(staff["inspektur"])
    page = client.get(f"/kerja/pengaduan/{recorded.pk}/").content.decode()
    assert "perpanjang/" in page and "register/koreksi/" in page
    response = client.post(f"/kerja/pengaduan/{recorded.pk}/perpanjang/",
                           {"extension": "2 hari kerja", "reason": "Menunggu dokumen."})
    assert response.status_code == 302
    assert StepRun.objects.get(complaint=recorded, number=2).extended_from is not None
    client.force_login(staff["jfu"])
    response = client.post(f"/kerja/pengaduan/{recorded.pk}/register/koreksi/",
                           _correction(recorded, summary="Lain"))
    assert response.status_code == 302
    recorded.refresh_from_db()
    assert recorded.summary != "Lain"


def test_it_marks_an_extended_deadline_in_the_inbox(client, recorded, staff):
    advance(recorded, staff, to_step=2)
    deadline_extend(complaint=recorded, actor=staff["inspektur"], extension="2 hari kerja", reason="Menunggu.")
    client.force_login(staff["sekretaris"])
    page = client.get("/kerja/").content.decode()
    assert recorded.register_number in page and "(diperpanjang)" in page


def test_it_shows_the_corrected_fields_by_their_labels_in_the_history(client, recorded, inspektur):
    register_correct(complaint=recorded, actor=inspektur,
                     data=_correction(recorded, summary="Pungutan liar pada pengurusan KK"))
    client.force_login(inspektur)
    page = client.get(f"/kerja/pengaduan/{recorded.pk}/").content.decode()
    assert "Ringkasan: Pungutan liar pada pengurusan KTP → Pungutan liar pada pengurusan KK" in page
