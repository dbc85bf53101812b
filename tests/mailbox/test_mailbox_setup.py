"""Where the mailboxes come from (the admin, MAILBOX_URL), the job's heartbeat, a server that is down, the
password kept out of sight, and the Message-IDs of our mails that replies and bounces name."""

import io
import logging
import re
import socket

import pytest
from django.core import mail as django_mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from pengaduan.complaints.engine import complaint_record
from pengaduan.complaints.models import Complaint
from pengaduan.jobs.models import JobRun
from pengaduan.jobs.services import jobs_health
from pengaduan.mailbox.imap import DONE_KEYWORD, parse_mailbox_url
from pengaduan.mailbox.models import Mailbox, MailboxMessage
from pengaduan.mailbox.services import mailbox_sources
from pengaduan.notifications.media.email import message_id_for, outbox_id_from_message_id
from pengaduan.notifications.models import OutboxMessage
from pengaduan.notifications.services import send_due
from imap_mails import mail
from factories import intake_data, make_unit, wib

pytestmark = pytest.mark.django_db


def fetch(*args) -> str:
    out = io.StringIO()
    call_command("mail", "fetch", "--once", *args, stdout=out)
    return out.getvalue()


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_it_reads_mailbox_url_as_the_portal_units_mailbox(folder, unit, settings):
    settings.MAILBOX_URL = folder.url()
    folder.deliver(mail())
    fetch()
    assert Complaint.objects.get().unit == unit
    assert MailboxMessage.objects.get().mailbox == f"{folder.username}@127.0.0.1:{folder.port}/{folder.name}"


def test_a_units_own_mailbox_replaces_mailbox_url(folder, unit, settings):
    settings.MAILBOX_URL = "imap://nobody:x@127.0.0.1:1/INBOX"
    folder.mailbox_row(unit)
    assert [source.address.folder for source in mailbox_sources()] == [folder.name]


def test_it_reads_only_the_named_units_mailboxes(folder, unit, imap_url):
    dinkes = make_unit(code="DINKES", name="Dinas Kesehatan")
    folder.mailbox_row(unit)
    other = type(folder)(imap_url)
    other.mailbox_row(dinkes)
    folder.deliver(mail(subject="Untuk Inspektorat"))
    other.deliver(mail(subject="Untuk Dinkes"))
    fetch("--unit", "insp")
    assert list(Complaint.objects.values_list("summary", flat=True)) == ["Untuk Inspektorat"]


def test_it_refuses_an_unknown_unit_in_one_line(unit):
    with pytest.raises(CommandError, match="No unit with the code 'NOPE'"):
        fetch("--unit", "NOPE")


def test_it_moves_processed_mail_to_the_done_folder(folder, unit):
    folder.mailbox_row(unit, done_folder=f"{folder.name}-done")
    folder.deliver(mail())
    fetch()
    assert folder.uids() == []
    with folder.client() as client:
        client.select_folder(f"{folder.name}-done", readonly=True)
        (uid,) = client.search("ALL")
        assert DONE_KEYWORD.encode() in client.get_flags([uid])[uid]


def test_it_records_each_run_in_the_jobs_heartbeat(folder, mailbox):
    assert "mail-fetch" not in jobs_health()  # never run here: not watched, never reported
    folder.deliver(mail())
    fetch()
    run = JobRun.objects.get(job="mail-fetch")
    assert (run.outcome, run.counts) == ("ok", {"complaint": 1})
    assert jobs_health()["mail-fetch"].ok


def test_a_server_that_is_down_fails_the_run_in_one_line_and_keeps_the_password_out(unit, caplog):
    row = Mailbox.objects.create(unit=unit, host="127.0.0.1", port=closed_port(), security="plain",
                                 username="pengaduan", password="Rahasia-Sekali-99")
    with caplog.at_level(logging.INFO), pytest.raises(CommandError) as error:
        fetch()
    assert "pengaduan@127.0.0.1" in str(error.value) and "\n" not in str(error.value)
    run = JobRun.objects.get(job="mail-fetch")
    row.refresh_from_db()
    assert run.outcome == "failed" and row.last_error and row.last_fetched_at is None
    for text in (str(error.value), run.error, row.last_error, caplog.text):
        assert "Rahasia-Sekali-99" not in text


def test_it_reads_the_other_mailboxes_when_one_is_down(folder, unit):
    Mailbox.objects.create(unit=make_unit(code="DINKES", name="Dinas Kesehatan"), host="127.0.0.1",
                           port=closed_port(), security="plain", username="x", password="y")
    folder.mailbox_row(unit)
    folder.deliver(mail())
    with pytest.raises(CommandError):
        fetch()
    assert Complaint.objects.count() == 1
    assert JobRun.objects.get(job="mail-fetch").counts == {"complaint": 1, "mailbox_errors": 1}


def test_a_wrong_mailbox_url_is_one_line():
    with pytest.raises(Exception, match="MAILBOX_URL must look like"):
        parse_mailbox_url("https://example.org/")
    address = parse_mailbox_url("imaps://p%40ngaduan:s3cr%2Ft@imap.example.org/Kotak%20Masuk?done=Selesai")
    assert (address.username, address.password, address.port, address.folder, address.done_folder) == (
        "p@ngaduan", "s3cr/t", 993, "Kotak Masuk", "Selesai")
    assert "s3cr" not in repr(address) and "s3cr" not in address.key


def test_the_admin_never_shows_the_password_and_keeps_it_when_left_empty(admin_client, unit):
    row = Mailbox.objects.create(unit=unit, host="imap.example.org", username="pengaduan", password="Rahasia-99")
    listing = admin_client.get(reverse("admin:mailbox_mailbox_changelist")).text
    form = admin_client.get(reverse("admin:mailbox_mailbox_change", args=[row.pk])).text
    assert "imap.example.org" in listing and "Rahasia-99" not in listing and "Rahasia-99" not in form
    response = admin_client.post(reverse("admin:mailbox_mailbox_change", args=[row.pk]), {
        "unit": unit.pk, "host": "imap2.example.org", "port": "", "security": "imaps", "username": "pengaduan",
        "password": "", "folder": "INBOX", "done_folder": "", "is_active": "on"})
    assert response.status_code == 302
    row.refresh_from_db()
    assert (row.host, row.password) == ("imap2.example.org", "Rahasia-99")


def test_our_mails_carry_a_stable_signed_message_id(unit, staff):
    complaint_record(unit=unit, actor=staff["jfu"], data=intake_data(), now=wib(2026, 11, 23, 9, 0))
    send_due()
    sent = OutboxMessage.objects.get(template_key="complaint_recorded")
    assert django_mail.outbox[-1].message()["Message-ID"] == sent.external_id == message_id_for(sent.pk)
    assert outbox_id_from_message_id(sent.external_id) == sent.pk
    forged = sent.external_id.replace(f"pengaduan.{sent.pk}.", f"pengaduan.{sent.pk + 1}.")
    assert outbox_id_from_message_id(forged) is None
    assert outbox_id_from_message_id("<CAF=abc@mail.gmail.com>") is None


def test_a_reply_naming_a_forged_message_id_is_a_new_complaint(folder, mailbox, unit, staff):
    complaint = complaint_record(unit=unit, actor=staff["jfu"], data=intake_data(), now=wib(2026, 11, 23, 9, 0))
    send_due()
    sent = OutboxMessage.objects.get(template_key="complaint_recorded")
    forged = re.sub(r"\.[0-9a-f]{20}@", "." + "0" * 20 + "@", sent.external_id)
    assert forged != sent.external_id
    folder.deliver(mail(sender="intruder@example.net", subject="Re: pengaduan", headers={"In-Reply-To": forged}))
    fetch()
    assert MailboxMessage.objects.get().outcome == "complaint"
    assert Complaint.objects.exclude(pk=complaint.pk).count() == 1
