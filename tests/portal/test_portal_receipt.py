"""The tanda terima as PDF, and the confirmation e-mail that carries it."""

import re
from datetime import UTC, datetime

import pytest
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import translation

from factories import intake_data, make_unit, wib
from pengaduan.complaints.engine import complaint_receive, complaint_record
from pengaduan.documents.receipt import format_datetime_id, receipt_pdf
from pengaduan.notifications.emails import schedule_receipt_email
from pengaduan.notifications.models import OutboxMessage

RECEIVED = wib(2026, 11, 30, 8, 15)  # a Monday, during office hours
PRINTED = wib(2026, 11, 30, 8, 20)


class RefusingBackend(BaseEmailBackend):
    """A mail server that is down."""

    def send_messages(self, email_messages):
        raise ConnectionRefusedError("[Errno 111] Connection refused")


def _pdf(complaint, **kwargs) -> bytes:
    return receipt_pdf(complaint, now=PRINTED, compress=False, **kwargs)


SHOWN_STRING = re.compile(rb"\(((?:\\.|[^\\)])*)\)\s*Tj", re.S)
ESCAPE = re.compile(rb"\\([0-7]{1,3}|.)", re.S)


def _text(pdf: bytes) -> str:
    """The text shown on the pages of an uncompressed PDF, line after line, joined by spaces.

    Enough of a PDF reader for our own documents: ReportLab writes each line as one `(...) Tj` string,
    in WinAnsi with backslash escapes, so wrapped sentences read as one again.
    """
    def unescape(match: re.Match) -> bytes:
        code = match.group(1)
        return bytes([int(code, 8)]) if code.isdigit() else code

    text = " ".join(ESCAPE.sub(unescape, raw).decode("cp1252") for raw in SHOWN_STRING.findall(pdf))
    return text.replace("\u00a0", " ")


@pytest.fixture
def online(unit):
    return complaint_receive(unit=unit, data=intake_data(channel="web"), now=RECEIVED)


@pytest.fixture
def recorded(unit, jfu):
    return complaint_record(unit=unit, actor=jfu, data=intake_data(), now=RECEIVED)


@pytest.fixture
def anonymous(unit, jfu):
    return complaint_record(unit=unit, actor=jfu, data=intake_data(is_anonymous="on"), now=RECEIVED)


# --- dates -------------------------------------------------------------------------------------

def test_it_writes_date_and_time_the_indonesian_way():
    assert format_datetime_id(wib(2026, 11, 30, 8, 15)) == "Senin, 30 November 2026 pukul 08.15 WIB"


def test_it_converts_other_time_zones_to_local_time():
    assert format_datetime_id(datetime(2025, 12, 31, 17, 5, tzinfo=UTC)) == "Kamis, 1 Januari 2026 pukul 00.05 WIB"


def test_it_names_the_zone_of_a_unit_outside_java(settings):
    settings.TIME_ZONE = "Asia/Makassar"
    assert format_datetime_id(wib(2026, 8, 17, 9, 0)) == "Senin, 17 Agustus 2026 pukul 10.00 WITA"


# --- the PDF -----------------------------------------------------------------------------------

def test_it_renders_a_pdf_with_the_tracking_code_and_register_number(recorded):
    pdf = _pdf(recorded)
    assert pdf.startswith(b"%PDF")
    assert recorded.register_number
    assert recorded.tracking_code.encode() in pdf
    assert recorded.register_number.encode() in pdf


def test_it_renders_compressed_by_default(recorded):
    pdf = receipt_pdf(recorded, now=PRINTED)
    assert pdf.startswith(b"%PDF")
    assert recorded.register_number.encode() not in pdf


def test_it_says_the_register_number_is_still_to_come_for_an_online_complaint(online):
    assert online.register_number == ""
    with translation.override("en"):
        text = _text(_pdf(online))
    assert "Not recorded yet \u2014 an officer will record it during working hours" in text


def test_it_shows_receipt_time_channel_and_complaint(online):
    with translation.override("en"):
        text = _text(_pdf(online))
    assert "COMPLAINT RECEIPT" in text
    assert "Senin, 30 November 2026 pukul 08.15 WIB" in text
    assert "Website" in text
    assert "Pungutan liar pada pengurusan KTP" in text
    assert "Kelurahan Manguharjo" in text
    assert "Kantor Kelurahan Manguharjo, 20 November 2026" in text


def test_it_lists_the_sop_steps_with_the_deadline_of_the_open_step(online):
    with translation.override("en"):
        text = _text(_pdf(online))
    for step_text in ("Pengaduan yang tercatat pada Buku Pengaduan", "Keputusan tindak lanjut pengaduan",
                      "maks 10 hari", "Inspektur"):
        assert step_text in text
    # Step 1 (JFU, 30 office minutes) runs from the receipt at 08.15.
    assert "No later than: Senin, 30 November 2026 pukul 08.45 WIB" in text


def test_it_shows_rights_tracking_address_warning_and_printing_time(online):
    with translation.override("en"):
        text = _text(_pdf(online, base_url="https://pengaduan.example.go.id/"))
    assert "Ombudsman of the Republic of Indonesia" in text
    assert "https://pengaduan.example.go.id/lacak/" in text
    assert "harus bersikap sopan dan ramah kepada pengadu" in text  # the SOP's warning
    assert "Printed: Senin, 30 November 2026 pukul 08.20 WIB" in text


def test_it_shows_anonim_and_no_identity_for_an_anonymous_complaint(anonymous):
    with translation.override("id"):
        pdf = _pdf(anonymous)
    text = _text(pdf)
    assert "Anonim" in text
    for identity in ("Siti", "Aminah", "081234567890", "siti@example.org", "Pahlawan"):
        assert identity not in text
        assert identity.encode() not in pdf  # nor in the metadata


def test_it_marks_a_confidential_identity(unit, jfu):
    complaint = complaint_record(unit=unit, actor=jfu, data=intake_data(is_confidential="on"), now=RECEIVED)
    with translation.override("en"):
        text = _text(_pdf(complaint))
    assert "Siti Aminah (identity kept confidential)" in text


def test_it_copes_with_long_texts_and_missing_optional_data(madiun_sop):
    bare_unit = make_unit(code="KEC", name="Kecamatan Taman")  # no government, address, phone, e-mail
    data = intake_data(
        channel="web", summary="Jalan rusak " * 16, subject="Dinas Pekerjaan Umum dan Penataan Ruang " * 7,
        event_place="", event_date="", complainant_email="", complainant_address="",
    )
    complaint = complaint_receive(unit=bare_unit, data=data, now=RECEIVED)
    pdf = _pdf(complaint)
    assert pdf.startswith(b"%PDF")
    text = " ".join(_text(pdf).split())
    assert "KECAMATAN TAMAN" in text
    assert ("Jalan rusak " * 16).strip() in text  # wrapped, not cut off
    assert ("Dinas Pekerjaan Umum dan Penataan Ruang " * 7).strip() in text


def test_it_renders_the_same_bytes_for_the_same_complaint_and_time(online):
    assert receipt_pdf(online, now=PRINTED) == receipt_pdf(online, now=PRINTED)


# --- the e-mail (through the notifications outbox) ------------------------------------------------

def test_it_mails_the_receipt_only_after_commit(recorded, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        schedule_receipt_email(recorded, base_url="https://pengaduan.example.go.id")
        assert mailoutbox == []
    assert len(callbacks) == 1
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["siti@example.org"]
    assert recorded.tracking_code in mail.subject
    assert recorded.tracking_code in mail.body
    assert "https://pengaduan.example.go.id/lacak/" in mail.body
    [(filename, content, attachment_type)] = mail.attachments
    assert filename == f"tanda-terima-{recorded.tracking_code}.pdf"
    assert attachment_type == "application/pdf"
    assert content.startswith(b"%PDF")
    assert OutboxMessage.objects.get(template_key="complaint_received").status == OutboxMessage.Status.SENT


def test_it_sends_no_mail_when_the_transaction_is_rolled_back(recorded, mailoutbox,
                                                              django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        schedule_receipt_email(recorded)
    assert len(callbacks) == 1
    assert mailoutbox == []


def test_it_sends_no_mail_for_an_anonymous_complaint(anonymous, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert schedule_receipt_email(anonymous) is None
    assert mailoutbox == []
    assert not OutboxMessage.objects.filter(complaint=anonymous).exists()


def test_it_sends_no_mail_without_an_address(unit, jfu, mailoutbox, django_capture_on_commit_callbacks):
    complaint = complaint_record(unit=unit, actor=jfu, data=intake_data(complainant_email=""), now=RECEIVED)
    with django_capture_on_commit_callbacks(execute=True):
        assert schedule_receipt_email(complaint) is None
    assert mailoutbox == []
    assert not OutboxMessage.objects.filter(complaint=complaint).exists()


def test_it_keeps_the_mail_for_later_and_logs_when_the_mail_server_is_down(recorded, settings, caplog,
                                                                          django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = f"{__name__}.RefusingBackend"
    with django_capture_on_commit_callbacks(execute=True):
        schedule_receipt_email(recorded)  # does not raise
    assert "Connection refused" in caplog.text
    message = OutboxMessage.objects.get(template_key="complaint_received")
    assert message.status == OutboxMessage.Status.PENDING
    assert message.attempts == 1
