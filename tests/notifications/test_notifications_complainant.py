"""What the complainant is told by e-mail: received (with the receipt), recorded, a question, answered."""

import pytest
from django.urls import reverse

from factories import intake_data, wib
from pengaduan.complaints.engine import complaint_receive, complaint_record
from pengaduan.notifications.emails import schedule_receipt_email
from pengaduan.notifications.models import OutboxMessage
from pengaduan.notifications.services import notify_complainant, send_due
from pengaduan.portal import forms as portal_forms

RECEIVED = wib(2026, 11, 30, 8, 15)  # a Monday, during office hours
COMPLAINANT_KEYS = ["complaint_received", "complaint_recorded", "complaint_answered", "information_requested"]


def _quiet(complaint):
    """The complaint with an empty outbox, whatever the engine queued on its way."""
    OutboxMessage.objects.all().delete()
    return complaint


@pytest.fixture
def online(unit):
    return _quiet(complaint_receive(unit=unit, data=intake_data(channel="web"), now=RECEIVED))


@pytest.fixture
def recorded(unit, jfu):
    return _quiet(complaint_record(unit=unit, actor=jfu, data=intake_data(), now=RECEIVED))


def _plain(mail) -> str:
    return mail.get_body(("plain",)).get_content().replace("\r\n", "\n")


def test_it_mails_the_receipt_to_a_web_complainant(online, smtp, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        schedule_receipt_email(online, base_url="https://pengaduan.example.go.id/")
    [mail] = smtp.messages
    assert smtp.mailbox.recipients == [["siti@example.org"]]
    assert mail["Subject"] == f"Pengaduan Anda telah kami terima: {online.tracking_code}"
    body = _plain(mail)
    assert body.startswith("Yth. Bapak/Ibu Siti Aminah,\n")
    assert f"Kode lacak: {online.tracking_code}" in body
    assert "https://pengaduan.example.go.id/lacak/" in body
    assert "Senin, 30 November 2026 pukul 08.15 WIB" in body
    assert "Tanda terima pengaduan kami lampirkan" in body
    [attachment] = mail.iter_attachments()
    assert attachment.get_filename() == f"tanda-terima-{online.tracking_code}.pdf"
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_content().startswith(b"%PDF")


def test_it_leaves_the_receipt_to_the_outbox_job_when_not_sending_immediately(
        client, unit, smtp, settings, monkeypatch, django_capture_on_commit_callbacks):
    settings.MAIL_SEND_IMMEDIATELY = False
    monkeypatch.setattr(portal_forms, "MIN_FILL_SECONDS", 0)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("portal:complain"), {
            "complaint_type": "pengaduan", "summary": "Biaya tambahan untuk KTP",
            "description": "Petugas meminta Rp50.000 agar KTP cepat jadi.", "subject": "Kelurahan Manguharjo",
            "complainant_name": "Siti Aminah", "complainant_email": "siti@example.org", "privacy_ack": "on",
            "website": "", "token": portal_forms.form_token(),
        })
    assert response.status_code == 302
    assert smtp.messages == []  # the request only queued it
    assert OutboxMessage.objects.get(template_key="complaint_received").status == OutboxMessage.Status.PENDING
    assert send_due()["sent"] >= 1
    [mail] = [mail for mail in smtp.messages if mail["To"] == "siti@example.org"]
    [attachment] = mail.iter_attachments()
    assert attachment.get_content().startswith(b"%PDF")


def test_it_stores_what_to_attach_not_the_pdf(online):
    message = schedule_receipt_email(online, base_url="https://pengaduan.example.go.id/")
    # The code rides along (it is known only now: the database keeps its hash) until the mail has gone.
    assert message.attachments == [{"kind": "receipt", "complaint": online.pk,
                                    "base_url": "https://pengaduan.example.go.id", "code": online.tracking_code}]
    assert message.complaint == online
    assert message.dedupe_key == f"complaint_received:{online.pk}"


def test_it_links_to_the_site_url_by_default(online, settings):
    settings.SITE_URL = "https://aduan.madiunkota.go.id/"
    message = schedule_receipt_email(online)
    assert "https://aduan.madiunkota.go.id/lacak/" in message.body
    assert message.attachments[0]["base_url"] == "https://aduan.madiunkota.go.id"


def test_it_tells_the_register_number_with_the_new_receipt(recorded, smtp, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notify_complainant(complaint=recorded, key="complaint_recorded")
    [mail] = smtp.messages
    assert recorded.register_number in mail["Subject"]
    assert f"Nomor register: {recorded.register_number}" in _plain(mail)
    [attachment] = mail.iter_attachments()
    assert attachment.get_filename() == f"tanda-terima-{recorded.tracking_code}.pdf"
    assert attachment.get_content().startswith(b"%PDF")


def test_it_mails_each_change_once(recorded):
    assert notify_complainant(complaint=recorded, key="complaint_recorded") is not None
    assert notify_complainant(complaint=recorded, key="complaint_recorded") is None
    assert OutboxMessage.objects.count() == 1


def test_it_asks_for_information_with_the_question(recorded, settings):
    settings.SITE_URL = "https://pengaduan.example.go.id"
    first = notify_complainant(complaint=recorded, key="information_requested", dedupe_key="information_requested:1",
                               context={"question": "Mohon sebutkan nama petugas kelurahan tersebut."})
    second = notify_complainant(complaint=recorded, key="information_requested", dedupe_key="information_requested:2",
                                context={"question": "Kapan tepatnya kejadian itu?"})
    assert "Mohon sebutkan nama petugas kelurahan tersebut." in first.body
    assert "Kapan tepatnya kejadian itu?" in second.body
    assert f"https://pengaduan.example.go.id/lacak/ dengan memasukkan kode lacak {recorded.tracking_code}" in first.body
    assert first.attachments == []


def test_it_says_how_to_read_and_rate_the_answer(recorded):
    message = notify_complainant(complaint=recorded, key="complaint_answered")
    assert message.subject == f"Jawaban atas pengaduan Anda telah kami sampaikan: {recorded.register_number}"
    assert "penilaian" in message.body
    assert recorded.tracking_code in message.body
    assert message.attachments == []


@pytest.mark.parametrize("key", COMPLAINANT_KEYS)
def test_it_mails_nothing_to_an_anonymous_complainant(unit, jfu, key, smtp, django_capture_on_commit_callbacks):
    anonymous = _quiet(complaint_record(unit=unit, actor=jfu, data=intake_data(is_anonymous="on"), now=RECEIVED))
    with django_capture_on_commit_callbacks(execute=True):
        assert notify_complainant(complaint=anonymous, key=key) is None
    assert not OutboxMessage.objects.exists()
    assert smtp.messages == []


def test_it_mails_nothing_without_an_address(unit, jfu):
    complaint = _quiet(complaint_record(unit=unit, actor=jfu, data=intake_data(complainant_email=""), now=RECEIVED))
    for key in COMPLAINANT_KEYS:
        assert notify_complainant(complaint=complaint, key=key) is None
    assert not OutboxMessage.objects.exists()


def test_it_replies_to_the_unit(unit, jfu):
    unit.email = "inspektorat@madiunkota.go.id"
    unit.save()
    complaint = _quiet(complaint_record(unit=unit, actor=jfu, data=intake_data(), now=RECEIVED))
    message = notify_complainant(complaint=complaint, key="complaint_recorded")
    assert message.reply_to == "inspektorat@madiunkota.go.id"
    assert "Surel: inspektorat@madiunkota.go.id" in message.body
