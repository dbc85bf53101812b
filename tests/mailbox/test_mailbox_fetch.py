"""`pengaduan mail fetch` against a running Dovecot: real mails put in with IMAP APPEND, read as a unit's mailbox."""

import io
import logging
import threading
from datetime import timedelta
from email.utils import make_msgid

import pytest
from django.core import mail as django_mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone

from pengaduan.complaints.engine import complaint_record, information_request
from pengaduan.complaints.models import Complaint, ComplainantMessage, Event, InboundMessage
from pengaduan.mailbox.imap import AUTO_KEYWORD, DONE_KEYWORD, SET_ASIDE_KEYWORD, MailboxSession
from pengaduan.mailbox.models import MailboxMessage
from pengaduan.mailbox.services import mail_fetch, mailbox_sources, take_in
from pengaduan.notifications.models import OutboxMessage
from pengaduan.notifications.services import send_due
from imap_mails import mail
from factories import intake_data, tiny_jpeg, wib

pytestmark = pytest.mark.django_db


def fetch(*args) -> str:
    out = io.StringIO()
    call_command("mail", "fetch", "--once", *args, stdout=out)
    return out.getvalue()


@pytest.mark.real_clock  # Dovecot keeps the arrival time, by its own clock
def test_it_makes_a_new_mail_a_received_complaint_waiting_for_the_jfu(folder, mailbox, unit):
    arrived = timezone.now().replace(microsecond=0) - timedelta(hours=2)
    uid = folder.deliver(mail(files=[("jalan.jpg", tiny_jpeg(), "image", "jpeg"),
                                     ("tool.exe", b"MZ\x90\x00 not allowed", "application", "octet-stream")]),
                         arrived=arrived)
    assert "complaint: 1" in fetch()
    complaint = Complaint.objects.get()
    assert (complaint.unit, complaint.channel, complaint.is_recorded) == (unit, "email", False)
    assert complaint.summary == "Jalan rusak"
    assert complaint.description.startswith("Jalan di depan pasar berlubang sejak sebulan.")
    assert (complaint.complainant.name, complaint.complainant.email) == ("Budi Santoso", "budi@example.org")
    assert complaint.step_runs.get().number == 1 and complaint.step_runs.get().role == "jfu"
    # Received when the mail server took it, not when the timer read it: the first step's clock runs from then.
    assert complaint.received_at == arrived == complaint.step_runs.get().started_at
    assert [a.original_name for a in complaint.attachments.all()] == ["jalan.jpg"]
    assert "tool.exe" in complaint.description  # the refused file is named, not fatal
    record = MailboxMessage.objects.get()
    assert (record.uid, record.outcome, record.complaint) == (uid, "complaint", complaint)
    assert {b"\\Seen", DONE_KEYWORD.encode()} <= folder.flags(uid)


def test_it_takes_the_text_of_an_html_mail_without_its_markup_or_scripts(folder, mailbox):
    html = ("<html><head><style>p{color:red}</style><script>alert('x')</script></head><body>"
            "<p>Lampu jalan <b>mati</b> di Jl. Pahlawan.</p><p>Lihat <a href='https://example.org/foto'>foto</a>"
            "</p><img src='https://tracker.example/p.gif'></body></html>")
    message = mail(body="")
    message.set_content(html, subtype="html")
    folder.deliver(message)
    fetch()
    description = Complaint.objects.get().description
    assert "Lampu jalan mati di Jl. Pahlawan." in description
    assert "foto (https://example.org/foto)" in description
    assert "<" not in description and "alert" not in description and "color" not in description


def test_it_threads_a_reply_to_our_mail_and_resumes_the_paused_clock(folder, mailbox, unit, staff):
    complaint = complaint_record(unit=unit, actor=staff["jfu"], data=intake_data(), now=wib(2026, 11, 23, 9, 0))
    information_request(complaint=complaint, actor=staff["sekretaris"], question="Di kelurahan mana?",
                        pause_clock=True, now=wib(2026, 11, 23, 9, 5))
    send_due()
    question_mail = OutboxMessage.objects.get(template_key="information_requested")
    sent = django_mail.outbox[-1].message()
    assert sent["Message-ID"] == question_mail.external_id  # the outbox knows the Message-ID it sent
    reply = mail(sender="Siti Aminah <siti@example.org>", subject=f"Re: {sent['Subject']}",
                 body="Kelurahan Manguharjo, loket 2.\n\nOn Mon, 23 Nov 2026 at 09:05, Inspektorat\n"
                      "<pengaduan@inspektorat.example> wrote:\n> Di kelurahan mana?\n> Kode lacak: ABCDE-FGHJK-MNPQR",
                 headers={"In-Reply-To": sent["Message-ID"], "References": sent["Message-ID"]})
    uid = folder.deliver(reply)
    assert "reply: 1" in fetch()
    assert Complaint.objects.count() == 1
    question = complaint.information_requests.get()
    assert question.reply == "Kelurahan Manguharjo, loket 2." and question.replied_at is not None  # not the quote
    assert complaint.step_runs.get(number=2).paused_at is None  # the clock runs again
    record = MailboxMessage.objects.get(uid=uid)
    assert (record.outcome, record.complaint) == ("reply", complaint)
    assert InboundMessage.objects.get().outcome == InboundMessage.Outcome.REPLY


def test_it_threads_a_reply_by_the_tracking_code_in_the_subject(folder, mailbox, unit, staff):
    complaint = complaint_record(unit=unit, actor=staff["jfu"], data=intake_data(), now=wib(2026, 11, 23, 9, 0))
    code = complaint.tracking_code
    folder.deliver(mail(sender="someone-else@example.net", subject=f"Tambahan untuk {code.lower().replace('-', '')}",
                        body=f"Saya lampirkan fotonya (kode {code}).", files=[("bukti.jpg", tiny_jpeg(), "image", "jpeg")]))
    fetch()
    assert Complaint.objects.count() == 1
    event = complaint.events.get(kind=Event.Kind.COMPLAINANT_WROTE)
    assert event.data["via"] == "email"
    written = ComplainantMessage.objects.get(pk=event.data["message"])
    assert written.text == "Saya lampirkan fotonya (kode •••••-•••••-•••••)."  # the code is not shown to staff
    assert complaint.attachments.filter(uploaded_by__isnull=True).count() == 1


def test_it_threads_by_the_register_number_only_from_the_complainants_own_address(folder, mailbox, unit, staff):
    complaint = complaint_record(unit=unit, actor=staff["jfu"], data=intake_data(), now=wib(2026, 11, 23, 9, 0))
    number = complaint.register_number
    folder.deliver(mail(sender="intruder@example.net", subject=f"Pengaduan {number}", body="Tutup saja."))
    folder.deliver(mail(sender="SITI@example.org", subject=f"[{number}] tambahan", body="Ada saksi lain."))
    fetch()
    assert MailboxMessage.objects.filter(outcome="complaint").count() == 1  # the stranger's mail is a new case
    assert MailboxMessage.objects.get(outcome="reply").complaint == complaint
    assert complaint.events.filter(kind=Event.Kind.COMPLAINANT_WROTE).count() == 1


def test_it_ignores_automatic_replies(folder, mailbox):
    uids = [
        folder.deliver(mail(subject="Out of office", headers={"Auto-Submitted": "auto-replied"})),
        folder.deliver(mail(subject="Cuti", headers={"X-Autoreply": "yes"})),
        folder.deliver(mail(subject="Autoresponder", headers={"X-Autorespond": "Saya sedang cuti"})),
        folder.deliver(mail(subject="Newsletter", headers={"Precedence": "bulk"})),
        folder.deliver(mail(subject="Sungguhan", headers={"Auto-Submitted": "no"})),
    ]
    assert "auto_reply: 4" in fetch() and Complaint.objects.count() == 1
    assert MailboxMessage.objects.get(uid=uids[-1]).outcome == "complaint"
    assert InboundMessage.objects.filter(outcome=InboundMessage.Outcome.IGNORED).count() == 4
    for uid in uids[:4]:
        assert {DONE_KEYWORD.encode(), AUTO_KEYWORD.encode()} <= folder.flags(uid)


def dsn(*, original_id: str, recipient: str, action="failed", status="5.1.1") -> bytes:
    """A delivery status notification as Postfix writes it (RFC 3464): the report, then the original's headers."""
    return f"""From: Mail Delivery System <MAILER-DAEMON@mx.example.net>
To: pengaduan@inspektorat.example
Subject: Undelivered Mail Returned to Sender
Auto-Submitted: auto-replied
Message-ID: {make_msgid(domain="mx.example.net")}
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="B0UND"

--B0UND
Content-Type: text/plain; charset=us-ascii

This is the mail system at host mx.example.net. Your message could not be delivered.

--B0UND
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example.net
Arrival-Date: Mon, 23 Nov 2026 09:01:00 +0700

Final-Recipient: rfc822; {recipient}
Original-Recipient: rfc822;{recipient}
Action: {action}
Status: {status}
Diagnostic-Code: smtp; 550 5.1.1 <{recipient}>: Recipient address rejected: User unknown

--B0UND
Content-Type: text/rfc822-headers

From: pengaduan@inspektorat.example
To: {recipient}
Subject: Pengaduan Anda telah dicatat
Message-ID: {original_id}

--B0UND--
""".replace("\n", "\r\n").encode()


def test_it_marks_the_bounced_outbox_message_failed_and_tells_the_officer(folder, mailbox, unit, staff):
    staff["sekretaris"].email = "sekretaris@inspektorat.example"
    staff["sekretaris"].save()
    complaint = complaint_record(unit=unit, actor=staff["jfu"], data=intake_data(complainant_email="siti@nowhere.example"),
                                 now=wib(2026, 11, 23, 9, 0))
    send_due()
    recorded_mail = OutboxMessage.objects.get(template_key="complaint_recorded")
    assert recorded_mail.status == "sent"
    folder.deliver(dsn(original_id=recorded_mail.external_id, recipient="siti@nowhere.example"))
    assert "bounce: 1" in fetch()
    recorded_mail.refresh_from_db()
    assert (recorded_mail.status, recorded_mail.sent_at) == ("failed", None)
    assert "5.1.1" in recorded_mail.last_error
    told = OutboxMessage.objects.get(template_key="mail_bounced")
    # The officer now handling the case (the Sekretaris, step 2) is told to reach the complainant another way.
    assert told.address == staff["sekretaris"].email and told.complaint == complaint
    assert "siti@nowhere.example" in told.body
    record = MailboxMessage.objects.get()
    assert (record.outcome, record.outbox_message, record.complaint) == ("bounce", recorded_mail, complaint)
    assert "5.1.1" in record.detail and "siti@" not in record.detail and "siti@" not in recorded_mail.last_error
    assert Complaint.objects.count() == 1


def test_it_matches_a_bounce_by_its_recipient_when_the_original_is_not_quoted(folder, mailbox, unit, staff):
    complaint_record(unit=unit, actor=staff["jfu"], data=intake_data(complainant_email="siti@nowhere.example"),
                     now=wib(2026, 11, 23, 9, 0))
    send_due()
    folder.deliver(dsn(original_id="<unknown@elsewhere.example>", recipient="Siti@Nowhere.example"))
    fetch()
    assert OutboxMessage.objects.get(template_key="complaint_recorded").status == "failed"


def test_it_leaves_a_message_sent_when_its_delivery_is_only_delayed(folder, mailbox, unit, staff):
    complaint_record(unit=unit, actor=staff["jfu"], data=intake_data(), now=wib(2026, 11, 23, 9, 0))
    send_due()
    sent = OutboxMessage.objects.get(template_key="complaint_recorded")
    folder.deliver(dsn(original_id=sent.external_id, recipient="siti@example.org", action="delayed", status="4.4.1"))
    fetch()
    assert OutboxMessage.objects.get(pk=sent.pk).status == "sent"
    assert MailboxMessage.objects.get().outcome == "bounce"
    assert not OutboxMessage.objects.filter(template_key="mail_bounced").exists()


def test_a_second_run_records_nothing_twice(folder, mailbox):
    uid = folder.deliver(mail())
    fetch()
    assert "nothing new" in fetch()
    # The run that took the mail in stopped before marking it on the server: the next one only marks it.
    with folder.client() as client:
        client.select_folder(folder.name)
        client.remove_flags([uid], [DONE_KEYWORD.encode(), b"\\Seen"])
    assert "already: 1" in fetch()
    assert Complaint.objects.count() == 1 and MailboxMessage.objects.count() == 1
    assert InboundMessage.objects.count() == 1
    assert DONE_KEYWORD.encode() in folder.flags(uid)


def test_two_fetchers_reading_the_same_mail_take_it_in_once(folder, mailbox, unit):
    uid = folder.deliver(mail())
    source = mailbox_sources()[0]
    with MailboxSession(source.address) as first, MailboxSession(source.address) as second:
        assert first.waiting_uids() == second.waiting_uids() == [uid]
        assert take_in(source, second, uid) == "complaint"
        assert take_in(source, first, uid) == "taken"  # the other server was first: its record stands
    assert Complaint.objects.count() == 1 and MailboxMessage.objects.count() == 1


def test_it_sets_aside_a_malformed_mail_and_goes_on(folder, mailbox, caplog):
    bad = folder.deliver(b"Subject: no sender at all\r\nX-Garbage: \xff\xfe\r\n\r\n\x00\x01 binary noise\r\n")
    good = folder.deliver(mail())
    with caplog.at_level(logging.WARNING):
        output = fetch()
    assert "set_aside: 1" in output and "complaint: 1" in output
    record = MailboxMessage.objects.get(uid=bad)
    assert (record.outcome, record.detail) == ("set_aside", "no sender address (From)")
    flags = folder.flags(bad)
    assert {b"\\Flagged", SET_ASIDE_KEYWORD.encode()} <= flags and b"\\Seen" not in flags  # left for a person
    assert folder.uids() == [bad, good]  # never lost
    lines = [r.getMessage() for r in caplog.records if "set_aside" in r.getMessage()]
    assert len(lines) == 1 and f":{bad}" in lines[0] and "no sender address" in lines[0]
    assert "nothing new" in fetch()  # not read again


def test_it_sets_aside_a_mail_larger_than_the_limit_without_reading_it(folder, mailbox, settings):
    settings.MAILBOX_MAX_MESSAGE_BYTES = 2000
    uid = folder.deliver(mail(body="x" * 5000))
    fetch()
    assert MailboxMessage.objects.get(uid=uid).outcome == "set_aside"
    assert not Complaint.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_two_fetchers_at_once_record_each_mail_once(folder, unit, jfu):
    if connection.vendor == "sqlite":
        pytest.skip("SQLite serialises writers; the interleaving is tested step by step above")
    folder.mailbox_row(unit)
    for number in range(6):
        folder.deliver(mail(subject=f"Aduan {number}"))
    barrier, errors = threading.Barrier(2), []

    def fetcher():
        barrier.wait()
        try:
            mail_fetch()
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=fetcher) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert Complaint.objects.count() == 6 and MailboxMessage.objects.count() == 6
    assert InboundMessage.objects.count() == 6


def test_a_mail_that_sets_off_an_unexpected_error_is_set_aside_and_the_run_goes_on(folder, mailbox, monkeypatch):
    from pengaduan.mailbox import services

    real = services.message_arrives

    def arrives(**values):
        if values["subject"] == "Boom":
            raise RuntimeError("something nobody foresaw")
        return real(**values)

    monkeypatch.setattr(services, "message_arrives", arrives)
    boom = folder.deliver(mail(subject="Boom"))
    folder.deliver(mail(subject="Biasa"))
    output = fetch()
    assert "set_aside: 1" in output and "complaint: 1" in output
    assert MailboxMessage.objects.get(uid=boom).detail == "RuntimeError: something nobody foresaw"
    assert list(Complaint.objects.values_list("summary", flat=True)) == ["Biasa"]


def test_a_unit_without_its_sop_fails_the_run_and_leaves_the_mail_waiting(folder, unit, jfu):
    from pengaduan.sop.models import Sop

    folder.mailbox_row(unit)
    uid = folder.deliver(mail())
    Sop.objects.all().delete()
    with pytest.raises(CommandError, match="pengaduan sop load"):
        fetch()
    assert not MailboxMessage.objects.exists()
    assert folder.flags(uid) == set()  # still waiting, unread, for the run after the SOP is loaded


def test_our_own_mail_landing_in_the_mailbox_is_ignored_not_a_complaint(folder, mailbox, unit, staff):
    # An officer whose address is the unit's mailbox: the "new complaint" mail must not make a new complaint.
    staff["jfu"].email = "pengaduan@inspektorat.example"
    staff["jfu"].save()
    complaint_record(unit=unit, actor=staff["jfu"], data=intake_data(), now=wib(2026, 11, 23, 9, 0))
    send_due()
    ours = django_mail.outbox[-1].message()
    assert ours["Auto-Submitted"] == "auto-generated"
    del ours["Auto-Submitted"]  # even without it, our signed Message-ID gives it away
    folder.deliver(ours.as_bytes())
    assert "auto_reply: 1" in fetch()
    assert Complaint.objects.count() == 1
