"""Notification media: a message goes by a medium to an address valid for it; e-mail is sent, WhatsApp and SMS
are registered but not set up yet, and the outbox records that like any other failure."""

import logging

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from factories import intake_data

from pengaduan.complaints import channels
from pengaduan.complaints.engine import complaint_record
from pengaduan.notifications import media
from pengaduan.notifications.media.phone import normalise_phone
from pengaduan.notifications.media.whatsapp import WhatsApp
from pengaduan.notifications.models import MessageTemplate, OutboxMessage
from pengaduan.notifications.services import enqueue, notify_complainant, send_due

Status = OutboxMessage.Status


@pytest.fixture
def greeting(db):
    return MessageTemplate.objects.create(key="greeting", subject="Salam", body="Terima kasih.")


def _enqueue(**kwargs):
    return enqueue(**{"key": "greeting", "to": "siti@example.org", "context": {}, **kwargs})


@pytest.mark.parametrize("written", ["0812-3456-7890", "+62 812 3456 7890", "6281234567890", " 081234567890 "])
def test_it_writes_indonesian_numbers_in_e164(written):
    assert normalise_phone(written) == "+6281234567890"


@pytest.mark.parametrize("written", ["12", "siti@example.org", "0812", ""])
def test_it_refuses_what_is_not_a_telephone_number(written):
    with pytest.raises(ValidationError):
        normalise_phone(written)


def test_it_keeps_email_as_the_medium_of_existing_callers(greeting):
    message = _enqueue()
    assert (message.medium, message.address, message.to) == ("email", "siti@example.org", "siti@example.org")


@pytest.mark.parametrize("medium, address", [("email", "siti at example"), ("whatsapp", "0812"), ("sms", "x"),
                                             ("pigeon", "siti@example.org")])
def test_it_queues_nothing_for_an_address_the_medium_cannot_reach(greeting, caplog, medium, address):
    assert _enqueue(medium=medium, to=address) is None
    assert not OutboxMessage.objects.exists()
    assert medium in caplog.text


def test_it_records_that_whatsapp_and_sms_are_not_configured_and_still_mails(greeting, mailoutbox):
    whatsapp = _enqueue(medium="whatsapp", to="0812-3456-7890", dedupe_key="wa")
    sms = _enqueue(medium="sms", to="081234567891", dedupe_key="sms")
    mail = _enqueue(dedupe_key="mail")
    assert (whatsapp.address, sms.address) == ("+6281234567890", "+6281234567891")
    assert send_due() == {"claimed": 3, "sent": 1, "retry": 2, "failed": 0}
    assert [sent.to for sent in mailoutbox] == [["siti@example.org"]]
    whatsapp.refresh_from_db()
    sms.refresh_from_db()
    assert whatsapp.status == sms.status == Status.PENDING
    assert whatsapp.last_error == "MediumNotConfigured: WhatsApp sending is not configured on this server"
    assert sms.last_error == "MediumNotConfigured: SMS sending is not configured on this server"
    assert OutboxMessage.objects.get(pk=mail.pk).status == Status.SENT


def test_it_fails_a_message_whose_medium_is_gone_without_stopping_the_others(greeting, mailoutbox):
    gone = _enqueue(dedupe_key="gone")
    OutboxMessage.objects.filter(pk=gone.pk).update(medium="pigeon")
    _enqueue(dedupe_key="mail")
    assert send_due() == {"claimed": 2, "sent": 1, "retry": 1, "failed": 0}
    assert "no notification medium 'pigeon'" in OutboxMessage.objects.get(pk=gone.pk).last_error


def test_it_answers_every_channel_on_a_registered_medium():
    assert {channel.code: media.get(channel.answer_medium) is not None for channel in channels.all_channels()} == {
        code: True for code in channels.codes()}


def test_it_mails_a_whatsapp_complainant_while_whatsapp_is_not_configured(unit, jfu):
    complaint = complaint_record(unit=unit, actor=jfu, data=intake_data(channel="sms_whatsapp"))
    OutboxMessage.objects.all().delete()
    message = notify_complainant(complaint=complaint, key="complaint_answered")
    assert (message.medium, message.address) == ("email", "siti@example.org")


def test_it_answers_on_the_channels_medium_once_it_is_configured(unit, jfu, monkeypatch):
    monkeypatch.setattr(WhatsApp, "is_configured", lambda self: True)
    complaint = complaint_record(unit=unit, actor=jfu, data=intake_data(channel="sms_whatsapp"))
    OutboxMessage.objects.all().delete()
    message = notify_complainant(complaint=complaint, key="complaint_answered")
    assert (message.medium, message.address) == ("whatsapp", "+6281234567890")
    walk_in = complaint_record(unit=unit, actor=jfu, data=intake_data())
    assert notify_complainant(complaint=walk_in, key="complaint_answered").medium == "email"


def test_it_shows_the_medium_in_the_outbox_list_and_the_admin(greeting, admin_client, capsys, caplog):
    _enqueue(medium="whatsapp", to="081234567890")
    call_command("outbox", "list")
    assert "whatsapp  +6281234567890" in capsys.readouterr().out
    page = admin_client.get(reverse("admin:notifications_outboxmessage_changelist"), {"medium": "whatsapp"}).text
    assert "+6281234567890" in page and "WhatsApp" in page


@pytest.mark.django_db(transaction=True)
def test_it_keeps_every_existing_message_as_an_email_when_migrating():
    executor = MigrationExecutor(connection)
    executor.migrate([("notifications", "0002_default_message_templates")])
    old_apps = executor.loader.project_state([("notifications", "0002_default_message_templates")]).apps
    old_apps.get_model("notifications", "OutboxMessage").objects.create(
        template_key="greeting", to="siti@example.org", subject="Salam", body="Terima kasih.")
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    message = OutboxMessage.objects.get()
    assert (message.medium, message.address, message.external_id) == ("email", "siti@example.org", "")


def test_it_still_finds_messages_by_their_former_to_field(greeting):
    message = _enqueue()
    assert OutboxMessage.objects.get(to="siti@example.org") == message
    assert list(OutboxMessage.objects.filter(to__endswith="@example.org").values_list("to", flat=True)) == [
        "siti@example.org"]
    assert not OutboxMessage.objects.exclude(to="siti@example.org").exists()
