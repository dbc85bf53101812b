"""WhatsApp and SMS senders (notifications/media/) against the contract server: the 24-hour window, approved
templates, the wamid kept for the statuses, errors into the outbox's retries, SMS parts counted."""

import json
import re
from datetime import timedelta

import pytest
from webhook_payloads import post_signed, text_message, whatsapp_body
from contract import graph_error
from django.utils import timezone

from pengaduan.complaints.inbound import message_ignored
from pengaduan.complaints.models import Complaint
from pengaduan.notifications.media import segments
from pengaduan.notifications.models import MessageTemplate, OutboxMessage
from pengaduan.notifications.services import deliver_now, enqueue, send_due

pytestmark = pytest.mark.django_db

NUMBER = "+6281234567890"


@pytest.fixture
def approved(messaging):
    template = MessageTemplate.objects.get(key="complaint_recorded")
    template.whatsapp_template = "pengaduan_tercatat"
    template.whatsapp_language = "id"
    template.whatsapp_parameters = "{{ reference }}\n{{ track_url }}"
    template.save()
    messaging.approved_templates.add("pengaduan_tercatat")
    return template


def queue(key="complaint_recorded", medium="whatsapp", to=NUMBER, complaint=None, **context):
    with_defaults = {"name": "Siti", "reference": "0042/PGD/INSP/2026", "register_number": "0042/PGD/INSP/2026",
                     "track_url": "https://pengaduan.example/lacak/", "summary": "Lampu jalan mati",
                     "tracking_code": "ABCDE-FGHIJ-KLMNO", "received_at": "1 Desember 2026", "unit_name": "Inspektorat",
                     **context}
    message = enqueue(key=key, to=to, medium=medium, complaint=complaint, context=with_defaults)
    deliver_now([message.pk])  # what the commit of the action would do
    message.refresh_from_db()
    return message


def wrote_recently(unit, minutes_ago=10, number=NUMBER):
    """The complainant's last WhatsApp message to us, which opens the 24-hour window."""
    return message_ignored(unit=unit, channel="whatsapp", external_id=f"wamid.LAST{minutes_ago}", sender=number,
                           reason="test", now=timezone.now() - timedelta(minutes=minutes_ago))


def test_it_sends_a_status_notification_as_the_approved_template_outside_the_window(messaging, approved):
    message = queue()
    message.refresh_from_db()
    assert message.status == "sent" and message.external_id.startswith("wamid.TEST")
    sent = messaging.sent()[-1]
    assert sent["to"] == "6281234567890" and sent["type"] == "template"
    assert sent["template"] == {"name": "pengaduan_tercatat", "language": {"code": "id"}, "components": [
        {"type": "body", "parameters": [{"type": "text", "text": "0042/PGD/INSP/2026"},
                                        {"type": "text", "text": "https://pengaduan.example/lacak/"}]}]}
    request = [r for r in messaging.requests if r["method"] == "POST"][-1]
    assert request["path"] == "/v21.0/106540352242922/messages"
    assert request["headers"]["Authorization"] == "Bearer test-graph-token"


def test_it_sends_free_text_inside_the_24_hour_window(messaging, approved, unit):
    wrote_recently(unit)
    message = queue()
    message.refresh_from_db()
    sent = messaging.sent()[-1]
    assert message.status == "sent" and sent["type"] == "text"
    assert "Lampu jalan mati" in sent["text"]["body"] or message.body.strip() in sent["text"]["body"]


def test_it_refuses_free_text_outside_the_window_without_a_template_and_gives_up_at_once(messaging, unit):
    wrote_recently(unit, minutes_ago=25 * 60)
    message = queue()
    message.refresh_from_db()
    assert message.status == "failed" and message.attempts == 1
    assert "24-hour window" in message.last_error
    assert messaging.sent() == []  # nothing was even tried at Meta


def test_it_turns_free_text_into_the_template_when_meta_says_the_window_closed(messaging, approved, unit):
    wrote_recently(unit, minutes_ago=23 * 60 + 59)
    messaging.closed_windows.add("6281234567890")  # Meta's clock says the 24 hours are over
    message = queue()
    message.refresh_from_db()
    assert message.status == "sent"
    assert [sent["type"] for sent in messaging.sent()] == ["text", "template"]


def test_it_retries_later_when_the_graph_api_fails(messaging, approved):
    messaging.fail_next.append((500, graph_error(2, "Service temporarily unavailable", kind="OAuthException")))
    message = queue()
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("pending", 1) and "Service temporarily" in message.last_error
    OutboxMessage.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now())
    assert send_due()["sent"] == 1
    message.refresh_from_db()
    assert message.status == "sent" and message.external_id


def test_it_gives_up_on_a_template_meta_does_not_know(messaging, approved):
    messaging.approved_templates.clear()
    message = queue()
    message.refresh_from_db()
    assert message.status == "failed" and "132001" in message.last_error


def test_it_retries_with_a_token_meta_refuses(messaging, approved, settings):
    settings.WHATSAPP_TOKEN = "expired"
    message = queue()
    message.refresh_from_db()
    assert message.status == "pending" and "190" in message.last_error


def test_it_keeps_no_tracking_code_in_the_template_parameters_once_sent(client, messaging,
                                                                       django_capture_on_commit_callbacks):
    template = MessageTemplate.objects.get(key="complaint_received")
    template.whatsapp_template, template.whatsapp_parameters = "pengaduan_diterima", "{{ tracking_code }}"
    template.save()
    with django_capture_on_commit_callbacks(execute=True):
        post_signed(client, whatsapp_body(messages=[text_message("Lampu jalan mati.")]))
    message = OutboxMessage.objects.get(template_key="complaint_received")
    # Sent with the code (the window was open: as free text), then forgotten by the outbox.
    code = re.search(r"\b[A-Z0-9]{5}-[A-Z0-9]{5}-[A-Z0-9]{5}\b", messaging.sent()[-1]["text"]["body"]).group()
    assert message.status == "sent"
    assert message.medium_data["template"]["parameters"] == ["•••••-•••••-•••••"]
    assert code not in message.body and code not in json.dumps(message.medium_data)


def test_it_answers_a_whatsapp_complaint_by_whatsapp_in_the_open_window(client, messaging,
                                                                      django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        post_signed(client, whatsapp_body(messages=[text_message("Lampu jalan mati.")]))
    complaint = Complaint.objects.get()
    message = OutboxMessage.objects.get(complaint=complaint, template_key="complaint_received")
    assert (message.medium, message.address, message.status) == ("whatsapp", NUMBER, "sent")
    assert messaging.sent()[-1]["type"] == "text"


def test_it_sends_an_sms_through_the_android_gateway_with_its_parts_counted(messaging, unit, staff):
    message = queue(key="complaint_recorded", medium="sms")
    message.refresh_from_db()
    assert message.status == "sent" and message.external_id == f"pgd-{message.pk}"
    sent = messaging.sent("/sms/")[-1]
    assert sent["phoneNumbers"] == [NUMBER] and sent["id"] == f"pgd-{message.pk}"
    assert segments.split(sent["textMessage"]["text"]).encoding == "gsm7"
    assert message.segments == segments.count(sent["textMessage"]["text"]) >= 1


def test_it_sends_an_sms_through_the_gammu_bridge_with_the_secret_header(messaging, settings):
    settings.SMS_GATEWAY_PROFILE = "gammu"
    settings.SMS_GATEWAY_USERNAME = ""
    message = queue(key="complaint_recorded", medium="sms")
    message.refresh_from_db()
    sent = messaging.sent("/sms/")[-1]
    assert message.status == "sent" and sent["to"] == NUMBER and sent["text"]
    request = [r for r in messaging.requests if r["path"].startswith("/sms/")][-1]
    assert request["headers"]["X-Gateway-Secret"] == "gateway-secret"


def test_it_counts_an_sms_with_a_character_outside_gsm7_in_ucs2_parts(messaging):
    message = queue(key="complaint_recorded", medium="sms", unit_name="Inspektorat “Kota” Madiun")
    text = messaging.sent("/sms/")[-1]["textMessage"]["text"]
    assert "“" in text and segments.split(text).encoding == "ucs2"
    assert message.segments == segments.count(text) == -(-len(text) // 67)


def test_it_retries_an_sms_when_the_gateway_is_down(messaging, settings):
    settings.SMS_GATEWAY_URL = "http://127.0.0.1:9/sms/message"
    message = queue(key="complaint_recorded", medium="sms")
    message.refresh_from_db()
    assert message.status == "pending" and "cannot reach" in message.last_error


def test_it_does_not_render_the_receipt_pdf_for_a_whatsapp_message(client, messaging, monkeypatch,
                                                                   django_capture_on_commit_callbacks):
    from pengaduan.notifications import services

    def no_pdf(spec):
        raise AssertionError("the receipt PDF was rendered for a medium that cannot carry it")

    monkeypatch.setitem(services.ATTACHMENT_RENDERERS, "receipt", no_pdf)
    with django_capture_on_commit_callbacks(execute=True):
        post_signed(client, whatsapp_body(messages=[text_message("Lampu jalan mati.")]))
    message = OutboxMessage.objects.get(template_key="complaint_received")
    assert message.status == "sent" and message.attachments  # the spec stays; only its rendering is spared
