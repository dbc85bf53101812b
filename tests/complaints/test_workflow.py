"""The SOP's five steps, done by the four officers, and everything the engine refuses."""

import pytest
from django.db import IntegrityError
from django.db.models import F

from pengaduan.complaints.engine import (
    complaint_receive,
    complaint_record,
    coordination_answer,
    coordination_request,
    step_complete,
)
from pengaduan.complaints.errors import NotPermitted, StepInputInvalid, StepNotCurrent, WorkflowError
from pengaduan.complaints.models import Complaint, Event, EventImmutable, StepRun
from madiun_steps import PERFORMER, STEP_DATA, advance
from factories import intake_data, tiny_jpeg, wib

pytestmark = pytest.mark.django_db

ROLES = ("jfu", "sekretaris", "kasubag", "inspektur")


def test_it_walks_the_five_steps_with_four_officers(unit, staff):
    jfu, sekretaris, kasubag, inspektur = (staff[r] for r in ROLES)
    complaint = complaint_record(unit=unit, actor=jfu, data=intake_data())
    assert complaint.register_number.endswith("/PGD/INSP/" + str(complaint.register_year))

    step_two = complaint.step_runs.get(number=2)
    assert step_two.role == "sekretaris" and step_two.is_open
    question = coordination_request(complaint=complaint, actor=sekretaris, role="kasubag",
                                    question="Apakah petugas ini pernah diadukan?")
    coordination_answer(request=question, actor=kasubag, answer="Belum pernah.")
    step_complete(complaint=complaint, actor=sekretaris, step_number=2, data=STEP_DATA[2])
    step_complete(complaint=complaint, actor=inspektur, step_number=3, data={
        **STEP_DATA[3], "meeting_held": "on", "meeting_date": "2026-11-20T09:00", "meeting_place": "Ruang rapat",
        "meeting_attendees": "Inspektur\nSekretaris\nIrban I", "meeting_minutes": "Disepakati pemeriksaan.",
    })
    step_complete(complaint=complaint, actor=sekretaris, step_number=4, data=STEP_DATA[4])
    step_complete(complaint=complaint, actor=jfu, step_number=5, data=STEP_DATA[5])

    complaint.refresh_from_db()
    assert complaint.status == Complaint.Status.CLOSED and complaint.closed_at is not None
    assert complaint.complaint_type == "pengaduan" and complaint.category == "Pungutan liar"
    assert complaint.decision_type == "examination"
    runs = list(complaint.step_runs.order_by("number"))
    assert [run.done_by.username for run in runs] == ["jfu", "sekretaris", "inspektur", "sekretaris", "jfu"]
    assert all(run.done_at and run.due_at for run in runs)
    assert runs[2].output["meeting_place"] == "Ruang rapat"
    kinds = list(complaint.events.values_list("kind", flat=True))
    assert kinds[:2] == ["received", "recorded"]  # "received" says that step 1 started too
    assert kinds.count("step_completed") == 5 and kinds[-1] == "closed"
    assert "coordination_answered" in kinds


@pytest.mark.parametrize("step_number", [1, 2, 3, 4, 5])
def test_it_refuses_each_step_to_every_other_role(unit, staff, outsider, step_number):
    complaint = complaint_receive(unit=unit, data=intake_data(channel="web"))
    if step_number > 1:
        step_complete(complaint=complaint, actor=staff["jfu"], step_number=1, data=intake_data(channel="web"))
        advance(complaint, staff, to_step=step_number)
    data = intake_data(channel="web") if step_number == 1 else STEP_DATA[step_number]
    wrong = [staff[role] for role in ROLES if role != PERFORMER[step_number]] + [outsider]
    for actor in wrong:
        with pytest.raises(NotPermitted):
            step_complete(complaint=complaint, actor=actor, step_number=step_number, data=data)
    assert complaint.step_runs.get(number=step_number).is_open


def test_it_refuses_to_skip_a_step(unit, staff):
    complaint = complaint_record(unit=unit, actor=staff["jfu"], data=intake_data())
    with pytest.raises(StepNotCurrent, match="belum dimulai"):
        step_complete(complaint=complaint, actor=staff["inspektur"], step_number=3, data=STEP_DATA[3])
    assert not complaint.step_runs.filter(number=3).exists()


def test_it_refuses_to_do_a_step_twice(unit, staff):
    complaint = complaint_record(unit=unit, actor=staff["jfu"], data=intake_data())
    step_complete(complaint=complaint, actor=staff["sekretaris"], step_number=2, data=STEP_DATA[2])
    with pytest.raises(StepNotCurrent, match="sudah diselesaikan"):
        step_complete(complaint=complaint, actor=staff["sekretaris"], step_number=2, data=STEP_DATA[2])
    assert complaint.step_runs.filter(number=3).count() == 1


def test_it_refuses_a_step_the_sop_does_not_have(unit, staff):
    complaint = complaint_record(unit=unit, actor=staff["jfu"], data=intake_data())
    with pytest.raises(StepNotCurrent):
        step_complete(complaint=complaint, actor=staff["jfu"], step_number=9, data={})


def test_it_refuses_clarification_while_the_kasubag_has_not_answered(unit, staff):
    complaint = complaint_record(unit=unit, actor=staff["jfu"], data=intake_data())
    coordination_request(complaint=complaint, actor=staff["sekretaris"], role="kasubag", question="Riwayat?")
    with pytest.raises(WorkflowError, match="menunggu jawaban"):
        step_complete(complaint=complaint, actor=staff["sekretaris"], step_number=2, data=STEP_DATA[2])


def test_it_refuses_coordination_with_a_role_the_step_does_not_name(unit, staff):
    complaint = complaint_record(unit=unit, actor=staff["jfu"], data=intake_data())
    with pytest.raises(WorkflowError):
        coordination_request(complaint=complaint, actor=staff["sekretaris"], role="inspektur", question="?")


def test_it_refuses_a_coordination_answer_from_another_role(unit, staff):
    complaint = complaint_record(unit=unit, actor=staff["jfu"], data=intake_data())
    question = coordination_request(complaint=complaint, actor=staff["sekretaris"], role="kasubag", question="?")
    with pytest.raises(NotPermitted):
        coordination_answer(request=question, actor=staff["jfu"], answer="Saya jawab")
    question.refresh_from_db()
    assert question.is_open


def test_it_names_the_invalid_fields_and_stores_nothing(unit, staff):
    with pytest.raises(StepInputInvalid) as refused:
        complaint_record(unit=unit, actor=staff["jfu"], data=intake_data(summary="", complainant_name=""))
    assert {"summary", "complainant_name"} <= set(refused.value.errors)
    assert not Complaint.objects.exists()

    complaint = complaint_record(unit=unit, actor=staff["jfu"], data=intake_data())
    with pytest.raises(StepInputInvalid) as refused:
        step_complete(complaint=complaint, actor=staff["sekretaris"], step_number=2,
                      data={**STEP_DATA[2], "complaint_type": "gossip"})
    assert "complaint_type" in refused.value.errors
    assert complaint.step_runs.get(number=2).is_open


def test_it_requires_the_meeting_record_when_a_meeting_was_held(unit, staff):
    complaint = complaint_record(unit=unit, actor=staff["jfu"], data=intake_data())
    advance(complaint, staff, to_step=3)
    with pytest.raises(StepInputInvalid) as refused:
        step_complete(complaint=complaint, actor=staff["inspektur"], step_number=3,
                      data={**STEP_DATA[3], "meeting_held": "on"})
    assert {"meeting_date", "meeting_place", "meeting_attendees", "meeting_minutes"} <= set(refused.value.errors)


def test_it_keeps_no_identity_for_an_anonymous_complaint(unit, staff):
    complaint = complaint_record(unit=unit, actor=staff["jfu"], data=intake_data(is_anonymous="on"))
    assert complaint.complainant is None and complaint.is_anonymous
    assert "complainant_name" not in complaint.step_runs.get(number=1).output


def test_it_waits_for_the_jfu_when_a_complaint_arrives_online(unit, staff):
    complaint = complaint_receive(unit=unit, data=intake_data(channel="web"), now=wib(2026, 11, 26, 10, 0))
    run = complaint.step_runs.get()
    assert (run.number, run.role, run.is_open) == (1, "jfu", True)
    assert not complaint.is_recorded
    step_complete(complaint=complaint, actor=staff["jfu"], step_number=1, data=intake_data(channel="web"),
                  now=wib(2026, 11, 26, 10, 20))
    complaint.refresh_from_db()
    assert complaint.is_recorded and complaint.step_runs.get(number=1).on_time


def test_it_sets_each_deadline_from_the_sop_on_the_office_calendar(unit, staff):
    # Thursday 26 Nov 2026, 15:45: office closes at 16:00, so 30 minutes end Friday 07:45.
    complaint = complaint_receive(unit=unit, data=intake_data(channel="web"), now=wib(2026, 11, 26, 15, 45))
    assert complaint.step_runs.get(number=1).due_at == wib(2026, 11, 27, 7, 45)


def test_it_marks_a_step_done_after_its_deadline_as_late(unit, staff):
    complaint = complaint_receive(unit=unit, data=intake_data(channel="web"), now=wib(2026, 11, 23, 8, 0))
    step_complete(complaint=complaint, actor=staff["jfu"], step_number=1, data=intake_data(channel="web"),
                  now=wib(2026, 11, 23, 9, 0))
    run = complaint.step_runs.get(number=1)
    assert run.on_time is False
    assert complaint.events.get(kind="step_completed").data["on_time"] is False


def test_it_allows_only_one_open_step_per_complaint(unit, staff):
    complaint = complaint_record(unit=unit, actor=staff["jfu"], data=intake_data())
    open_run = complaint.step_runs.get(done_at__isnull=True)
    with pytest.raises(IntegrityError):
        StepRun.objects.create(complaint=complaint, unit=unit, step=open_run.step, number=7, role="x",
                               started_at=open_run.started_at, due_at=open_run.due_at)


def test_it_never_changes_or_deletes_an_event(unit, staff):
    complaint = complaint_record(unit=unit, actor=staff["jfu"], data=intake_data())
    event = complaint.events.first()
    event.data = {"forged": True}
    with pytest.raises(EventImmutable):
        event.save()
    with pytest.raises(EventImmutable):
        event.delete()
    assert Event.objects.filter(pk=event.pk, data={"forged": True}).count() == 0


def test_it_refuses_intake_while_the_units_sop_is_not_loaded(madiun_sop, staff):
    from factories import make_unit, make_user

    unit = make_unit(code="BARU", sop_code="9.9.9")
    jfu = make_user("jfu_baru", unit=unit, roles=("jfu",))
    with pytest.raises(WorkflowError, match="9.9.9"):
        complaint_receive(unit=unit, data=intake_data())
    with pytest.raises(WorkflowError, match="9.9.9"):
        complaint_record(unit=unit, actor=jfu, data=intake_data())
    assert not Complaint.objects.exists()


def test_it_keeps_every_evidence_file_of_an_online_complaint(unit):
    from django.core.files.uploadedfile import SimpleUploadedFile

    files = {"evidence": [SimpleUploadedFile("foto1.jpg", tiny_jpeg()), SimpleUploadedFile("foto2.jpg", tiny_jpeg())]}
    complaint = complaint_receive(unit=unit, data=intake_data(channel="web"), files=files)
    assert sorted(complaint.attachments.values_list("original_name", flat=True)) == ["foto1.jpg", "foto2.jpg"]


def test_it_refuses_an_oversized_evidence_file_and_stores_nothing(unit, staff, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.ATTACHMENT_MAX_BYTES = 10
    files = {"evidence": SimpleUploadedFile("besar.pdf", b"x" * 11)}
    with pytest.raises(StepInputInvalid) as refused:
        complaint_record(unit=unit, actor=staff["jfu"], data=intake_data(), files=files)
    assert "evidence" in refused.value.errors
    assert not Complaint.objects.exists()


@pytest.mark.parametrize("channel, required", [
    ("telephone", {"caller_number"}),
    ("letter", {"letter_number", "letter_date"}),
    ("complaint_box", {"box_opened_at"}),
    ("social_media", {"source_link"}),
    ("lapor", {"lapor_id"}),
])
def test_it_asks_each_channel_for_what_traces_it_back(unit, staff, channel, required):
    with pytest.raises(StepInputInvalid) as refused:
        complaint_record(unit=unit, actor=staff["jfu"], data=intake_data(channel=channel))
    assert set(refused.value.errors) == required


def test_it_keeps_the_channel_details_for_cross_reference(unit, staff):
    complaint = complaint_record(unit=unit, actor=staff["jfu"], data=intake_data(
        channel="lapor", lapor_id="LAP-2026-1234567", complaint_type="aspirasi"))
    assert Complaint.objects.get(lapor_id="LAP-2026-1234567") == complaint
    assert complaint.complaint_type == "aspirasi"
    letter = complaint_record(unit=unit, actor=staff["jfu"], data=intake_data(
        channel="letter", letter_number="005/12/2026", letter_date="2026-11-20"))
    letter.refresh_from_db()
    assert (letter.letter_number, str(letter.letter_date)) == ("005/12/2026", "2026-11-20")


def test_it_refuses_a_receipt_time_in_year_one(unit, staff):
    with pytest.raises(StepInputInvalid) as refused:
        complaint_record(unit=unit, actor=staff["jfu"], data=intake_data(received_at="0001-01-01T08:00"))
    assert "received_at" in refused.value.errors


def test_it_gives_every_step_run_its_complaints_unit(unit, staff):
    complaint_record(unit=unit, actor=staff["jfu"], data=intake_data())
    advance(complaint_record(unit=unit, actor=staff["jfu"], data=intake_data()), staff, to_step=4)
    complaint_receive(unit=unit, data=intake_data(channel="web"))
    runs = StepRun.objects.all()
    assert runs.count() == 2 + 4 + 1
    assert not runs.exclude(unit_id=F("complaint__unit_id")).exists()


def test_it_labels_channel_and_status_as_django_would():
    complaint = Complaint(channel="telephone", status=Complaint.Status.CLOSED)
    assert (complaint.channel_label, complaint.status_label) == (complaint.get_channel_display(),
                                                                   complaint.get_status_display())
