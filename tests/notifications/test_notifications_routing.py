"""The complainant's chosen medium, its fallback, and opting out (one-click link, STOP), honoured and reversible."""

import pytest
from django.core import mail

from pengaduan.complaints.engine import complaint_record, information_request
from pengaduan.complaints.models import Complaint
from pengaduan.notifications import optout
from pengaduan.notifications.media.base import Undeliverable
from pengaduan.notifications.media.sms import Sms
from pengaduan.notifications.media.whatsapp import WhatsApp
from pengaduan.notifications.models import OptOut, OutboxMessage
from pengaduan.notifications.routing import complainant_routing
from pengaduan.notifications.services import notify_complainant, send_due
from factories import intake_data, send_everything_queued, wib

pytestmark = pytest.mark.django_db


def record(unit, jfu, **data) -> Complaint:
    return complaint_record(unit=unit, actor=jfu, data=intake_data(**data), now=wib(2026, 12, 1, 9, 0))


def recorded_message(complaint) -> OutboxMessage:
    return OutboxMessage.objects.get(template_key="complaint_recorded", complaint=complaint)


def test_it_tells_by_the_chosen_medium_when_it_is_set_up(unit, jfu, monkeypatch):
    monkeypatch.setattr(WhatsApp, "is_configured", lambda self: True)
    message = recorded_message(record(unit, jfu, notify_by="whatsapp"))
    assert (message.medium, message.address, message.route_note) == ("whatsapp", "+6281234567890", "")


def test_it_falls_back_to_email_and_says_why(unit, jfu):
    message = recorded_message(record(unit, jfu, notify_by="sms"))
    assert (message.medium, message.address) == ("email", "siti@example.org")
    assert "SMS" in message.route_note  # "instead of SMS: SMS is not set up on this server"


def test_it_sends_nothing_when_the_complainant_chose_the_tracking_page(unit, jfu):
    complaint = record(unit, jfu, notify_by="page")
    assert not OutboxMessage.objects.filter(complaint=complaint, template_key="complaint_recorded").exists()
    assert complainant_routing(complaint).note


def test_it_sends_nothing_when_neither_the_choice_nor_email_can_be_used(unit, jfu, monkeypatch):
    monkeypatch.setattr(Sms, "is_configured", lambda self: False)
    complaint = record(unit, jfu, notify_by="sms", complainant_email="")
    assert not OutboxMessage.objects.filter(complaint=complaint).exclude(template_key="step_assigned").exists()


def test_the_intake_refuses_a_choice_without_its_address(unit, jfu):
    from pengaduan.complaints.errors import StepInputInvalid

    with pytest.raises(StepInputInvalid) as refused:
        record(unit, jfu, notify_by="whatsapp", complainant_phone="")
    assert "notify_by" in refused.value.errors


def test_an_email_carries_the_one_click_unsubscribe_headers_and_link(unit, jfu, settings):
    settings.MAIL_SEND_IMMEDIATELY = False
    message = recorded_message(record(unit, jfu))
    assert message.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = message.headers["List-Unsubscribe"].strip("<>")
    assert url in message.body
    send_everything_queued()
    sent = next(item for item in mail.outbox if item.subject == message.subject)
    assert sent.extra_headers["List-Unsubscribe"] == f"<{url}>"


def test_the_link_opts_out_after_confirming_without_login_and_back_in(client, unit, jfu):
    message = recorded_message(record(unit, jfu))
    path = message.headers["List-Unsubscribe"].strip("<>").split("127.0.0.1:8000", 1)[1]
    page = client.get(path)
    assert page.status_code == 200 and "s•••@example.org" in page.text and "siti@example.org" not in page.text
    assert not OptOut.objects.exists()  # a visit (or a mail scanner following the link) changes nothing
    client.post(path, {"action": "out"})
    row = OptOut.objects.get()
    assert (row.medium, row.address, row.source, row.is_active) == ("email", "siti@example.org", "link", True)
    client.post(path, {"action": "in"})
    row.refresh_from_db()
    assert not row.is_active and row.opted_in_source == "link" and row.opted_in_at


def test_a_mail_programs_one_click_post_opts_out(client, unit, jfu):
    message = recorded_message(record(unit, jfu))
    path = message.headers["List-Unsubscribe"].strip("<>").split("127.0.0.1:8000", 1)[1]
    response = client.post(path, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert OptOut.objects.get().source == "one_click"


def test_an_altered_link_is_refused_and_records_nothing(client, unit, jfu):
    message = recorded_message(record(unit, jfu))
    path = message.headers["List-Unsubscribe"].strip("<>").split("127.0.0.1:8000", 1)[1]
    response = client.post(path[:-3] + "xyz/", {"action": "out"})
    assert response.status_code == 400 and not OptOut.objects.exists()


def test_an_opted_out_address_is_not_queued_and_the_reason_is_kept(unit, jfu, staff):
    complaint = record(unit, jfu)
    optout.opt_out("email", "Siti@Example.org", source=optout.Source.LINK)
    request = information_request(complaint=complaint, actor=staff["sekretaris"], question="Kapan?",
                                  now=wib(2026, 12, 2, 9, 0))
    message = OutboxMessage.objects.get(template_key="information_requested")
    assert message.status == OutboxMessage.Status.SKIPPED and message.address == "siti@example.org"
    assert "berhenti" in message.route_note  # "berhenti menerima E-mail sejak …": when and how
    send_everything_queued()
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.SKIPPED and message.attempts == 0 and request.pk


def test_an_opted_out_medium_falls_back_to_email(unit, jfu, monkeypatch):
    monkeypatch.setattr(WhatsApp, "is_configured", lambda self: True)
    optout.opt_out("whatsapp", "6281234567890")  # as WhatsApp writes the number, from a STOP message
    message = recorded_message(record(unit, jfu, notify_by="whatsapp"))
    assert message.medium == "email" and "WhatsApp" in message.route_note


def test_the_stop_service_is_recorded_once_and_reversible(unit):
    first = optout.opt_out("sms", "0812-3456-7890", source=optout.Source.STOP, now=wib(2026, 12, 1, 9, 0))
    again = optout.opt_out("sms", "+62 812 3456 7890", source=optout.Source.STOP, now=wib(2026, 12, 2, 9, 0))
    assert first.pk == again.pk and again.opted_out_at == wib(2026, 12, 1, 9, 0)
    assert optout.opted_out("sms", "+6281234567890") is not None
    optout.opt_in("sms", "081234567890", source=optout.Source.STOP)
    assert optout.opted_out("sms", "+6281234567890") is None
    assert OptOut.objects.count() == 1
    assert optout.is_stop_word(" BERHENTI ") and optout.is_stop_word("stop.") and not optout.is_stop_word("stop it")


def test_the_stop_service_refuses_an_address_it_cannot_read(unit):
    with pytest.raises(optout.InvalidAddress):
        optout.opt_out("whatsapp", "not a number")
    assert not OptOut.objects.exists()


def test_an_erased_identity_takes_the_unsubscribe_link_too(unit, jfu):
    from pengaduan.notifications.services import erase_complainant_messages

    complaint = record(unit, jfu)
    notify_complainant(complaint=complaint, key="complaint_answered")
    erase_complainant_messages(complaint=complaint)
    assert all(message.headers == {} and message.route_note == "" for message in
               OutboxMessage.objects.filter(complaint=complaint, template_key__startswith="complaint_"))


# -- a message that did not reach the complainant goes again on another medium ------------------------------------

def not_on_whatsapp(self, message, attachments=()):
    raise Undeliverable("131026: the number is not on WhatsApp")


def test_a_whatsapp_message_given_up_goes_again_by_email_with_its_text_and_receipt(unit, jfu, monkeypatch):
    monkeypatch.setattr(WhatsApp, "is_configured", lambda self: True)
    monkeypatch.setattr(WhatsApp, "send", not_on_whatsapp)
    complaint = record(unit, jfu, notify_by="whatsapp")
    first = recorded_message(complaint)
    send_due()
    first.refresh_from_db()
    assert first.status == OutboxMessage.Status.FAILED
    again = OutboxMessage.objects.get(complaint=complaint, template_key="complaint_recorded", medium="email")
    assert again.address == "siti@example.org" and again.subject == first.subject
    assert again.body.startswith(first.body.rstrip("\n")) and "Unsubscribe" in again.body + str(again.headers)
    assert again.attachments == first.attachments and again.attachments[0]["kind"] == "receipt"
    assert "WhatsApp" in again.route_note and "131026" in again.route_note
    send_due()
    assert any(m.to == ["siti@example.org"] and m.attachments for m in mail.outbox)  # sent, receipt attached
    send_due()  # given up once: queued again once
    assert OutboxMessage.objects.filter(complaint=complaint, template_key="complaint_recorded").count() == 2


def test_after_whatsapp_an_sms_then_email_when_the_provider_reports_them_failed(unit, jfu, monkeypatch):
    from pengaduan.notifications.messaging import delivery_report

    monkeypatch.setattr(WhatsApp, "is_configured", lambda self: True)
    monkeypatch.setattr(Sms, "is_configured", lambda self: True)
    complaint = record(unit, jfu, notify_by="whatsapp")
    first = recorded_message(complaint)
    OutboxMessage.objects.filter(pk=first.pk).update(status="sent", sent_at=first.created_at, external_id="wamid.1")
    delivery_report(medium="whatsapp", external_id="wamid.1", status="failed", error="131049")
    delivery_report(medium="whatsapp", external_id="wamid.1", status="failed", error="131049")  # told twice
    sms = OutboxMessage.objects.get(complaint=complaint, template_key="complaint_recorded", medium="sms")
    assert sms.address == "+6281234567890" and sms.segments >= 1 and "131049" in sms.route_note
    OutboxMessage.objects.filter(pk=sms.pk).update(status="sent", sent_at=sms.created_at, external_id="pgd-9")
    delivery_report(medium="sms", external_id="pgd-9", status="failed", error="RESULT_ERROR")
    media_tried = list(OutboxMessage.objects.filter(complaint=complaint, template_key="complaint_recorded")
                       .order_by("pk").values_list("medium", flat=True))
    assert media_tried == ["whatsapp", "sms", "email"]


def test_nothing_goes_again_without_another_way_to_reach_the_complainant(unit, jfu, monkeypatch):
    monkeypatch.setattr(WhatsApp, "is_configured", lambda self: True)
    monkeypatch.setattr(WhatsApp, "send", not_on_whatsapp)
    complaint = record(unit, jfu, notify_by="whatsapp", complainant_email="")
    send_due()
    assert recorded_message(complaint).status == OutboxMessage.Status.FAILED
    assert OutboxMessage.objects.filter(complaint=complaint, template_key="complaint_recorded").count() == 1


def test_opt_outs_read_ahead_give_what_the_database_holds_without_a_read_of_their_own(unit, monkeypatch):
    """A public POST reads the opt-outs of the addresses it was given with its first read (on PostgreSQL, one
    message); routing then finds there what it would have read: the opted-out address with when and how, and
    nothing for the others."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from pengaduan import inserts
    from pengaduan.notifications.routing import read_opt_outs_ahead

    monkeypatch.setattr(WhatsApp, "is_configured", lambda self: True)
    stopped = optout.opt_out("whatsapp", "6281234567890", now=wib(2026, 12, 1, 9, 0))
    try:
        read_opt_outs_ahead({"email": "Siti@Example.org", "phone": "0812-3456-7890"})
        inserts.query("SELECT 1", [])
        with CaptureQueriesContext(connection) as reading:
            found = optout.opted_out("whatsapp", "+6281234567890")
            assert optout.opted_out("email", "siti@example.org") is None
        assert len(reading) == (0 if inserts.can_send_together() else 2)
    finally:
        inserts.forget_along()
    assert (found.pk, found.opted_out_at, found.source, found.is_active) == (
        stopped.pk, stopped.opted_out_at, stopped.source, True)
    with CaptureQueriesContext(connection) as reading:  # the next request reads again
        assert optout.opted_out("whatsapp", "+6281234567890").pk == stopped.pk
    assert len(reading) == 1
