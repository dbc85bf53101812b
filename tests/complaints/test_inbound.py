"""Messages that arrive by themselves: each becomes a received complaint or the complainant's message, once."""

import threading

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from pengaduan.complaints.engine import complainant_message, complaint_record, information_request
from pengaduan.complaints.errors import StepInputInvalid
from pengaduan.complaints.inbound import message_arrives, message_ignored, open_case_of
from pengaduan.complaints.models import Complaint, Event, InboundMessage
from pengaduan.complaints.pdp import erase_complaint
from factories import intake_data, tiny_jpeg, wib

pytestmark = pytest.mark.django_db


def arrive(unit, external_id="<a1@example.org>", **extra):
    values = {"channel": "email", "external_id": external_id, "sender": "budi@example.org", "name": "Budi",
              "email": "budi@example.org", "subject": "Jalan rusak di depan pasar",
              "text": "Jalan berlubang sejak sebulan.", "now": wib(2026, 11, 23, 9, 0)}
    values.update(extra)
    return message_arrives(unit=unit, **values)


def test_it_makes_a_new_message_a_received_complaint_waiting_for_the_jfu(unit):
    arrival = arrive(unit)
    complaint = arrival.complaint
    assert arrival.created and arrival.record.outcome == InboundMessage.Outcome.COMPLAINT
    assert (complaint.channel, complaint.summary, complaint.is_recorded) == ("email", "Jalan rusak di depan pasar",
                                                                           False)
    assert complaint.description == "Jalan berlubang sejak sebulan."
    assert (complaint.complainant.name, complaint.complainant.email) == ("Budi", "budi@example.org")
    assert complaint.is_confidential
    assert complaint.step_runs.get().number == 1


def test_it_records_the_same_message_once(unit):
    first = arrive(unit)
    again = arrive(unit)
    assert not again.created and again.record.pk == first.record.pk
    assert Complaint.objects.count() == 1 and InboundMessage.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_it_records_a_message_once_when_two_readers_take_it_at_the_same_moment(unit):
    if connection.vendor == "sqlite":
        pytest.skip("SQLite serialises writers: the unique constraint is exercised by the sequential test")
    results, barrier = [], threading.Barrier(2)

    def reader():
        barrier.wait()
        try:
            results.append(arrive(unit).created)
        finally:
            connection.close()

    threads = [threading.Thread(target=reader) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [False, True]
    assert Complaint.objects.count() == 1 and InboundMessage.objects.count() == 1


def test_it_keeps_the_message_when_an_attachment_is_refused(unit):
    files = [SimpleUploadedFile("foto.jpg", tiny_jpeg(), "image/jpeg"),
             SimpleUploadedFile("virus.exe", b"MZ\x90\x00" * 100, "application/octet-stream")]
    arrival = arrive(unit, files=files)
    complaint = arrival.complaint
    assert [a.original_name for a in complaint.attachments.all()] == ["foto.jpg"]
    assert "virus.exe" in arrival.record.note and "virus.exe" in complaint.description


def test_it_keeps_a_message_from_an_address_the_form_would_refuse(unit):
    complaint = arrive(unit, email="not an address", name="").complaint
    assert complaint.complainant.email == "" and complaint.complainant.name == "budi@example.org"


def test_it_attaches_a_reply_and_resumes_the_paused_clock(unit, staff):
    complaint = complaint_record(unit=unit, actor=staff["jfu"], data=intake_data(), now=wib(2026, 11, 23, 9, 0))
    information_request(complaint=complaint, actor=staff["sekretaris"], question="Di mana tepatnya?",
                        pause_clock=True, now=wib(2026, 11, 23, 9, 2))
    arrival = arrive(unit, external_id="<r1@example.org>", reply_to=complaint, text="Di depan pasar Besar.",
                     now=wib(2026, 11, 23, 10, 0))
    assert arrival.record.outcome == InboundMessage.Outcome.REPLY and arrival.complaint == complaint
    question = complaint.information_requests.get()
    assert (question.reply, question.replied_at) == ("Di depan pasar Besar.", wib(2026, 11, 23, 10, 0))
    assert complaint.step_runs.get(number=2).paused_at is None
    given = complaint.events.get(kind=Event.Kind.INFORMATION_GIVEN)
    assert given.data["via"] == "email"
    assert Complaint.objects.count() == 1


def test_it_keeps_a_reply_that_answers_no_question_on_the_timeline(unit, staff):
    complaint = complaint_record(unit=unit, actor=staff["jfu"], data=intake_data(), now=wib(2026, 11, 23, 9, 0))
    wrote = complainant_message(complaint=complaint, text="Ada tambahan foto.", via="sms_whatsapp",
                                files={"evidence": [SimpleUploadedFile("foto.jpg", tiny_jpeg(), "image/jpeg")]},
                                now=wib(2026, 11, 23, 9, 30))
    assert (wrote.message.text, wrote.message.via_label, wrote.answered) == ("Ada tambahan foto.", "SMS / WhatsApp", ())
    event = complaint.events.get(kind=Event.Kind.COMPLAINANT_WROTE)
    assert event.data == {"message": wrote.message.pk, "via": "sms_whatsapp"}
    assert complaint.attachments.filter(uploaded_by__isnull=True).count() == 1


def test_it_refuses_an_empty_message(unit, staff):
    complaint = complaint_record(unit=unit, actor=staff["jfu"], data=intake_data(), now=wib(2026, 11, 23, 9, 0))
    with pytest.raises(StepInputInvalid):
        complainant_message(complaint=complaint, text="  ", via="sms")


def test_it_finds_the_open_case_of_a_sender_but_never_an_anonymous_one(unit, staff):
    complaint = complaint_record(unit=unit, actor=staff["jfu"], data=intake_data(complainant_phone="+6281234567890"),
                                 now=wib(2026, 11, 23, 9, 0))
    complaint_record(unit=unit, actor=staff["jfu"], data=intake_data(is_anonymous=True), now=wib(2026, 11, 23, 9, 5))
    assert open_case_of(unit=unit, phone="+6281234567890") == complaint
    assert open_case_of(unit=unit, email="SITI@example.org") == complaint
    assert open_case_of(unit=unit, phone="+6289999999999") is None
    assert open_case_of(unit=unit) is None


def test_it_records_an_ignored_message_once(unit):
    first = message_ignored(unit=unit, channel="email", external_id="<auto@x>", reason="auto-reply")
    again = message_ignored(unit=unit, channel="email", external_id="<auto@x>", reason="auto-reply")
    assert first.created and not again.created
    assert InboundMessage.objects.get().outcome == InboundMessage.Outcome.IGNORED


def test_it_forgets_the_sender_when_the_identity_is_erased(unit):
    complaint = arrive(unit).complaint
    erase_complaint(complaint.pk, now=wib(2030, 1, 1, 9, 0), action="erase")
    assert InboundMessage.objects.get().sender == ""
