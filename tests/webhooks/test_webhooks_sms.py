"""The SMS gateway webhook (/webhooks/sms/): the shared secret, the Android gateway's and Gammu's field names,
the same inbound rules as WhatsApp, delivery reports."""

import pytest
from factories import intake_data

from pengaduan.complaints.engine import complaint_record, information_request
from pengaduan.complaints.models import Complaint, InboundMessage
from pengaduan.notifications.models import MessagingNumber, OutboxMessage

pytestmark = pytest.mark.django_db

URL = "/webhooks/sms/"
SECRET = {"X-Gateway-Secret": "gateway-secret"}


def android_event(event="sms:received", event_id="ev-1", **payload):
    """A webhook of "SMS Gateway for Android", as its documentation lays it out."""
    body = {"message": "Jalan di RT 05 rusak parah.", "phoneNumber": "+6281234567890", "simNumber": 1,
            "receivedAt": "2026-12-01T09:15:00+07:00", "messageId": "d41d8cd9"}
    body.update(payload)
    return {"deviceId": "ffffffffceb0b1db0000018e937c815b", "event": event, "id": event_id, "payload": body,
            "webhookId": "LreFUt-Z3sSq0JufY9uWB"}


def post(client, body, headers=SECRET, url=URL):
    return client.post(url, body, content_type="application/json", headers=headers)


def test_it_refuses_a_message_without_the_shared_secret_and_records_nothing(client, messaging):
    assert post(client, android_event(), headers={}).status_code == 403
    assert post(client, android_event(), headers={"X-Gateway-Secret": "guess"}).status_code == 403
    assert client.post(f"{URL}?token=guess", android_event(), content_type="application/json").status_code == 403
    assert not InboundMessage.objects.exists() and not Complaint.objects.exists()


def test_it_refuses_everything_while_no_secret_is_set(client, messaging, settings):
    settings.SMS_GATEWAY_SECRET = ""
    assert post(client, android_event(), headers={"X-Gateway-Secret": ""}).status_code == 403


def test_it_makes_an_sms_from_a_new_number_a_received_complaint(client, messaging, unit):
    response = post(client, android_event())
    assert response.status_code == 200 and response.json()["messages"] == 1
    complaint = Complaint.objects.get()
    assert (complaint.unit, complaint.channel, complaint.is_recorded) == (unit, "sms", False)
    assert complaint.complainant.phone == "+6281234567890"
    assert complaint.description == "Jalan di RT 05 rusak parah."


def test_it_takes_the_secret_from_the_url_for_gateways_that_cannot_set_headers(client, messaging):
    response = client.post(f"{URL}?token=gateway-secret", android_event(), content_type="application/json")
    assert response.status_code == 200 and Complaint.objects.count() == 1


def test_it_records_a_redelivered_sms_once(client, messaging):
    post(client, android_event())
    post(client, android_event())
    assert Complaint.objects.count() == 1 and InboundMessage.objects.count() == 1


def test_it_makes_an_sms_from_a_number_with_an_open_case_the_reply(client, messaging, unit, staff):
    complaint = complaint_record(unit=unit, actor=staff["jfu"], data=intake_data(complainant_phone="+6281234567890"))
    information_request(complaint=complaint, actor=staff["sekretaris"], question="Nomor rumah?", pause_clock=True)
    post(client, android_event(message="Nomor 12.", event_id="ev-2", phoneNumber="081234567890"))
    assert Complaint.objects.count() == 1
    assert complaint.information_requests.get().reply == "Nomor 12."
    assert complaint.step_runs.get(number=2).paused_at is None


def test_it_reads_the_flat_fields_of_the_gammu_script(client, messaging, settings):
    settings.SMS_GATEWAY_PROFILE = "gammu"
    response = client.post(URL, {"from": "+6285700001111", "text": "Pungli di kelurahan.",
                                 "id": "IN20261201_091500_00_+6285700001111_00.txt"}, headers=SECRET)
    assert response.status_code == 200
    complaint = Complaint.objects.get()
    assert complaint.channel == "sms" and complaint.complainant.phone == "+6285700001111"


def test_it_records_the_android_gateways_delivery_reports(client, messaging):
    message = OutboxMessage.objects.create(template_key="complaint_recorded", medium="sms", address="+6281234567890",
                                           subject="s", body="b", status="sent", sent_at="2026-12-01T00:00Z",
                                           external_id="pgd-77")
    post(client, android_event(event="sms:delivered", event_id="ev-3", messageId="pgd-77"))
    message.refresh_from_db()
    assert message.delivery == "delivered"
    post(client, android_event(event="sms:failed", event_id="ev-4", messageId="pgd-77", reason="RESULT_ERROR"))
    message.refresh_from_db()
    assert message.delivery == "failed" and "RESULT_ERROR" in message.last_error
    assert not InboundMessage.objects.exists()


def test_it_answers_a_bad_body_with_a_400_json_body(client, messaging):
    response = client.post(URL, b"{not json", content_type="application/json", headers=SECRET)
    assert response.status_code == 400 and response.json()["ok"] is False
    response = post(client, android_event(phoneNumber="not a number"))
    assert response.status_code == 400 and not InboundMessage.objects.exists()


def test_it_sends_an_sms_to_a_gateway_number_of_another_unit_to_that_unit(client, messaging):
    from factories import make_unit

    dinkes = make_unit(code="DINKES", name="Dinas Kesehatan")
    MessagingNumber.objects.create(unit=dinkes, medium="sms", identifier="ffffffffceb0b1db0000018e937c815b")
    post(client, android_event())
    assert Complaint.objects.get().unit == dinkes


def test_it_records_stop_as_an_opt_out_and_makes_no_complaint(client, messaging):
    post(client, android_event(message="STOP"))
    assert not Complaint.objects.exists()
    record = InboundMessage.objects.get()
    assert record.note.startswith("opt-out keyword")
    from pengaduan.notifications.optout import opted_out

    assert opted_out("sms", record.sender).source == "stop"  # honoured by routing from now on
