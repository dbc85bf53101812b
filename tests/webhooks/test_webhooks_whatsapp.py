"""The WhatsApp Cloud API webhook (/webhooks/whatsapp/) against the contract server playing the Graph API."""

import json

import pytest
from webhook_payloads import COMPLAINANT, VERIFY_TOKEN, post_signed, sign, text_message, whatsapp_body
from factories import intake_data, make_unit, tiny_jpeg

from pengaduan.complaints.engine import complaint_record, information_request
from pengaduan.complaints.models import Complaint, InboundMessage
from pengaduan.notifications.models import MessagingNumber, OutboxMessage

pytestmark = pytest.mark.django_db

URL = "/webhooks/whatsapp/"


def test_it_answers_the_subscription_handshake_with_the_challenge(client, messaging):
    response = client.get(URL, {"hub.mode": "subscribe", "hub.verify_token": VERIFY_TOKEN,
                                "hub.challenge": "1158201444"})
    assert response.status_code == 200 and response.content == b"1158201444"


def test_it_refuses_the_handshake_with_a_wrong_token(client, messaging):
    response = client.get(URL, {"hub.mode": "subscribe", "hub.verify_token": "guess", "hub.challenge": "1"})
    assert response.status_code == 403 and b"1" not in response.content.split()


def test_it_refuses_the_handshake_when_no_verify_token_is_set(client, messaging, settings):
    settings.WHATSAPP_VERIFY_TOKEN = ""
    response = client.get(URL, {"hub.mode": "subscribe", "hub.verify_token": "", "hub.challenge": "1"})
    assert response.status_code == 403


@pytest.mark.parametrize("signature", [None, "sha256=" + "0" * 64, "sha1=abc", "wrong-secret"])
def test_it_refuses_a_post_without_the_right_signature_and_records_nothing(client, messaging, signature):
    raw = json.dumps(whatsapp_body(messages=[text_message("Jalan rusak")])).encode()
    headers = {}
    if signature == "wrong-secret":
        headers["X-Hub-Signature-256"] = sign(raw, "not-the-app-secret")
    elif signature:
        headers["X-Hub-Signature-256"] = signature
    response = client.post(URL, raw, content_type="application/json", headers=headers)
    assert response.status_code == 403 and response.json()["ok"] is False
    assert not Complaint.objects.exists() and not InboundMessage.objects.exists()


def test_it_refuses_a_signed_body_that_was_changed_on_the_way(client, messaging):
    raw = json.dumps(whatsapp_body(messages=[text_message("Jalan rusak")])).encode()
    signature = sign(raw)
    response = client.post(URL, raw.replace(b"Jalan", b"Jalur"), content_type="application/json",
                           headers={"X-Hub-Signature-256": signature})
    assert response.status_code == 403 and not InboundMessage.objects.exists()


def test_it_answers_malformed_json_with_a_400_json_body(client, messaging):
    raw = b'{"object": "whatsapp_business_account", "entry": ['
    response = client.post(URL, raw, content_type="application/json", headers={"X-Hub-Signature-256": sign(raw)})
    assert response.status_code == 400 and response.json()["ok"] is False and response.json()["error"]


def test_it_makes_a_message_from_a_new_number_a_received_complaint(client, messaging, unit):
    response = post_signed(client, whatsapp_body(messages=[text_message(
        "Lampu jalan di Jl. Pahlawan mati sejak seminggu.")]))
    assert response.status_code == 200 and response.json()["messages"] == 1
    complaint = Complaint.objects.get()
    assert (complaint.unit, complaint.channel, complaint.is_recorded) == (unit, "whatsapp", False)
    assert complaint.description == "Lampu jalan di Jl. Pahlawan mati sejak seminggu."
    assert (complaint.complainant.name, complaint.complainant.phone) == ("Siti Aminah", "+6281234567890")
    record = InboundMessage.objects.get()
    assert (record.channel, record.external_id, record.sender) == ("whatsapp", "wamid.IN000001", "+6281234567890")


def test_it_records_a_redelivered_message_once(client, messaging):
    body = whatsapp_body(messages=[text_message("Sampah menumpuk di pasar.")])
    assert post_signed(client, body).status_code == 200
    assert post_signed(client, body).status_code == 200
    assert Complaint.objects.count() == 1 and InboundMessage.objects.count() == 1


def test_it_makes_a_message_from_a_number_with_an_open_case_the_reply_resuming_the_paused_clock(
        client, messaging, unit, staff):
    complaint = complaint_record(unit=unit, actor=staff["jfu"], data=intake_data(
        channel="whatsapp", complainant_phone="+6281234567890"))
    information_request(complaint=complaint, actor=staff["sekretaris"], question="Di mana tepatnya?",
                        pause_clock=True)
    assert complaint.step_runs.get(number=2).paused_at is not None
    response = post_signed(client, whatsapp_body(messages=[text_message("Di depan pasar Besar.", "wamid.IN2")]))
    assert response.status_code == 200
    assert Complaint.objects.count() == 1
    question = complaint.information_requests.get()
    assert question.reply == "Di depan pasar Besar."
    assert complaint.step_runs.get(number=2).paused_at is None
    assert InboundMessage.objects.get().outcome == InboundMessage.Outcome.REPLY


def test_it_fetches_a_photo_from_the_media_api_through_the_upload_checks(client, messaging):
    messaging.media["1834657788"] = (tiny_jpeg(), "image/jpeg")
    message = {"from": COMPLAINANT, "id": "wamid.IMG1", "timestamp": "1764735600", "type": "image",
               "image": {"caption": "Jalan berlubang", "mime_type": "image/jpeg", "sha256": "x", "id": "1834657788"}}
    response = post_signed(client, whatsapp_body(messages=[message]))
    assert response.status_code == 200
    complaint = Complaint.objects.get()
    attachment = complaint.attachments.get()
    assert attachment.content_type == "image/jpeg" and attachment.original_name.endswith(".jpg")
    gets = [request for request in messaging.requests if request["method"] == "GET"]
    assert [request["path"] for request in gets] == ["/v21.0/1834657788", "/download/1834657788"]
    assert all(request["headers"]["Authorization"] == "Bearer test-graph-token" for request in gets)


def test_it_keeps_the_message_but_not_a_document_the_upload_checks_refuse(client, messaging):
    messaging.media["55"] = (b"<html><script>alert(1)</script></html>", "text/html")
    message = {"from": COMPLAINANT, "id": "wamid.DOC1", "timestamp": "1764735600", "type": "document",
               "document": {"filename": "bukti.html", "mime_type": "text/html", "id": "55"}}
    assert post_signed(client, whatsapp_body(messages=[message])).status_code == 200
    complaint = Complaint.objects.get()
    assert not complaint.attachments.exists()
    note = InboundMessage.objects.get().note
    assert "bukti.html" in note and ".html" in complaint.description


def test_it_asks_meta_to_deliver_again_when_the_media_cannot_be_fetched_now(client, messaging):
    messaging.media["77"] = (tiny_jpeg(), "image/jpeg")
    messaging.fail_get = [(500, {"error": {"message": "Service unavailable", "code": 2}})]
    message = {"from": COMPLAINANT, "id": "wamid.IMG2", "timestamp": "1764735600", "type": "image", "image": {"id": "77"}}
    response = post_signed(client, whatsapp_body(messages=[message]))
    assert response.status_code == 503 and response.json()["ok"] is False
    assert not InboundMessage.objects.exists() and not Complaint.objects.exists()
    assert post_signed(client, whatsapp_body(messages=[message])).status_code == 200  # Meta's next delivery
    assert Complaint.objects.get().attachments.count() == 1


def test_it_keeps_the_message_when_its_media_is_gone_or_too_large(client, messaging, settings):
    settings.ATTACHMENT_MAX_BYTES = 1024
    messaging.media["big"] = (b"%PDF-1.4" + b"0" * 4096, "application/pdf")
    gone = {"from": COMPLAINANT, "id": "wamid.IMG3", "timestamp": "1764735600", "type": "image",
            "image": {"id": "missing-media", "caption": "Foto jalan"}}
    big = {"from": COMPLAINANT, "id": "wamid.DOC3", "timestamp": "1764735600", "type": "document",
           "document": {"id": "big", "filename": "laporan.pdf"}}
    assert post_signed(client, whatsapp_body(messages=[gone, big])).status_code == 200
    complaint = Complaint.objects.get()  # the second message is the reply on the case the first one opened
    assert "Foto jalan" in complaint.description and "whatsapp-image" in complaint.description
    assert not complaint.attachments.exists()
    assert "laporan.pdf" in complaint.complainant_messages.get().text


def test_it_updates_the_outbox_row_from_the_delivery_statuses(client, messaging):
    message = OutboxMessage.objects.create(template_key="complaint_received", medium="whatsapp",
                                           address="+6281234567890", subject="s", body="b", status="sent",
                                           sent_at="2026-12-01T00:00Z", external_id="wamid.OUT1")
    status = {"id": "wamid.OUT1", "recipient_id": COMPLAINANT, "timestamp": "1764735600"}
    post_signed(client, whatsapp_body(statuses=[{**status, "status": "delivered"}]))
    message.refresh_from_db()
    assert message.delivery == "delivered" and message.delivery_at is not None
    post_signed(client, whatsapp_body(statuses=[{**status, "status": "read"}]))
    post_signed(client, whatsapp_body(statuses=[{**status, "status": "delivered"}]))  # late: changes nothing
    message.refresh_from_db()
    assert message.delivery == "read"


def test_it_records_a_failed_status_with_its_error(client, messaging):
    message = OutboxMessage.objects.create(template_key="complaint_received", medium="whatsapp",
                                           address="+6281234567890", subject="s", body="b", status="sent",
                                           sent_at="2026-12-01T00:00Z", external_id="wamid.OUT2")
    post_signed(client, whatsapp_body(statuses=[{
        "id": "wamid.OUT2", "status": "failed", "timestamp": "1764735600", "recipient_id": COMPLAINANT,
        "errors": [{"code": 131026, "title": "Message undeliverable", "message": "Message undeliverable",
                    "error_data": {"details": "Receiver is incapable of receiving this message"}}]}]))
    message.refresh_from_db()
    assert message.delivery == "failed" and "131026" in message.last_error and "incapable" in message.last_error


def test_it_sends_a_message_to_another_units_number_to_that_unit(client, messaging):
    dinkes = make_unit(code="DINKES", name="Dinas Kesehatan")
    MessagingNumber.objects.create(unit=dinkes, medium="whatsapp", identifier="2222")
    post_signed(client, whatsapp_body(messages=[text_message("Puskesmas tutup.")], phone_number_id="2222"))
    assert Complaint.objects.get().unit == dinkes


def test_it_ignores_a_message_to_a_number_that_is_no_units(client, messaging):
    response = post_signed(client, whatsapp_body(messages=[text_message("Halo")], phone_number_id="999"))
    assert response.status_code == 200 and not InboundMessage.objects.exists()


def test_it_records_the_opt_out_keyword_as_such_and_makes_no_complaint(client, messaging):
    response = post_signed(client, whatsapp_body(messages=[text_message("Berhenti", "wamid.STOP1")]))
    assert response.status_code == 200 and not Complaint.objects.exists()
    record = InboundMessage.objects.get()
    assert record.outcome == InboundMessage.Outcome.IGNORED and record.note.startswith("opt-out keyword")
    # The sender is opted out of WhatsApp: routing sends them nothing more there (notifications.optout).
    from pengaduan.notifications.optout import opted_out

    assert opted_out("whatsapp", record.sender).source == "stop"


def test_it_writes_again_to_a_sender_who_sends_start_after_stop(client, messaging):
    from pengaduan.notifications.optout import opted_out

    post_signed(client, whatsapp_body(messages=[text_message("STOP", "wamid.STOP2")]))
    sender = InboundMessage.objects.get().sender
    assert opted_out("whatsapp", sender) is not None
    response = post_signed(client, whatsapp_body(messages=[text_message("Mulai!", "wamid.START1")]))
    assert response.status_code == 200 and not Complaint.objects.exists()
    assert opted_out("whatsapp", sender) is None
    assert InboundMessage.objects.get(external_id="wamid.START1").note.startswith("opt-in keyword")


def test_it_is_not_a_page_with_a_session_or_csrf(client, messaging):
    client.post(URL, b"{}", content_type="application/json")
    assert "sessionid" not in client.cookies and "csrftoken" not in client.cookies


def test_it_refuses_an_address_that_keeps_sending_bad_signatures(client, messaging):
    for _ in range(20):
        client.post(URL, b"{}", content_type="application/json")
    assert client.post(URL, b"{}", content_type="application/json").status_code == 429
