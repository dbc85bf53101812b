"""The outbox: queued in the caller's transaction, sent after commit over SMTP, retried when the server is down."""

import logging
import threading
from datetime import timedelta

import pytest
from django.db import connections, transaction
from django.utils import timezone

from pengaduan.notifications.models import MessageTemplate, OutboxMessage
from pengaduan.notifications.services import LEASE, deliver_now, enqueue, send_due

Status = OutboxMessage.Status
CONTEXT = {"name": "Siti Aminah", "tracking_code": "PGD-7K3M-Q9XA", "track_url": "https://x.example/lacak/"}


@pytest.fixture
def greeting(db):
    return MessageTemplate.objects.create(
        key="greeting", subject="Kode {{ tracking_code }}\n untuk {{ name }}",
        body="Yth. Bapak/Ibu {{ name }},\n\nKode lacak: {{ tracking_code }} & <{{ track_url }}>\n",
    )


def _enqueue(**kwargs):
    return enqueue(**{"key": "greeting", "to": "siti@example.org", "context": CONTEXT, **kwargs})


def test_it_renders_subject_and_body_when_queued(greeting):
    message = _enqueue()
    assert message.subject == "Kode PGD-7K3M-Q9XA untuk Siti Aminah"  # one line, as a header must be
    assert message.body == "Yth. Bapak/Ibu Siti Aminah,\n\nKode lacak: PGD-7K3M-Q9XA & <https://x.example/lacak/>\n"
    greeting.body = "changed later"
    greeting.save()
    message.refresh_from_db()
    assert "Kode lacak" in message.body  # the outbox shows what was sent, not today's template
    assert message.status == Status.PENDING and message.attempts == 0


def test_it_sends_after_commit_over_smtp(greeting, smtp, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        message = _enqueue(reply_to="inspektorat@example.go.id")
        assert smtp.messages == []
    [mail] = smtp.messages
    assert mail["To"] == "siti@example.org"
    assert mail["From"] == "pengaduan@inspektorat.example.go.id"
    assert mail["Reply-To"] == "inspektorat@example.go.id"
    assert mail["Subject"] == "Kode PGD-7K3M-Q9XA untuk Siti Aminah"
    assert mail.get_body(("plain",)).get_content().replace("\r\n", "\n") == message.body  # CRLF on the wire
    message.refresh_from_db()
    assert message.status == Status.SENT
    assert message.attempts == 1
    assert message.sent_at is not None
    assert message.last_error == ""


def test_it_leaves_sending_to_the_outbox_job_when_not_sending_immediately(greeting, smtp, settings,
                                                                         django_capture_on_commit_callbacks):
    settings.MAIL_SEND_IMMEDIATELY = False
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        message = _enqueue()
    assert callbacks == []
    assert smtp.messages == []
    message.refresh_from_db()
    assert message.status == Status.PENDING and message.attempts == 0
    assert send_due() == {"claimed": 1, "sent": 1, "retry": 0, "failed": 0}  # due at once
    [mail] = smtp.messages
    assert mail["Subject"] == "Kode PGD-7K3M-Q9XA untuk Siti Aminah"
    assert OutboxMessage.objects.get(pk=message.pk).status == Status.SENT


def test_it_sends_from_the_outbox_job_only_in_production():
    from pengaduan.ops import serving

    assert serving.production_overrides({}, insecure_http=False, environ={})["MAIL_SEND_IMMEDIATELY"] is False
    assert serving.production_overrides({}, insecure_http=True, environ={})["MAIL_SEND_IMMEDIATELY"] is False
    # Set in the environment, the base settings read it and production leaves it alone.
    chosen = serving.production_overrides({}, insecure_http=False, environ={"MAIL_SEND_IMMEDIATELY": "true"})
    assert "MAIL_SEND_IMMEDIATELY" not in chosen


def test_it_sends_nothing_when_the_transaction_is_rolled_back(greeting, smtp, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        _enqueue()
    assert len(callbacks) == 1
    assert smtp.messages == []


def test_it_queues_a_dedupe_key_once(greeting):
    first = _enqueue(dedupe_key="greeting:1")
    assert _enqueue(dedupe_key="greeting:1") is None
    assert list(OutboxMessage.objects.all()) == [first]
    assert _enqueue(dedupe_key="greeting:2") is not None


def test_it_skips_an_empty_address(greeting):
    assert _enqueue(to="  ") is None
    assert not OutboxMessage.objects.exists()


def test_it_sends_nothing_for_a_switched_off_template(greeting, smtp, caplog, django_capture_on_commit_callbacks):
    greeting.is_active = False
    greeting.save()
    caplog.set_level(logging.INFO, logger="pengaduan.notifications")
    with django_capture_on_commit_callbacks(execute=True):
        assert _enqueue() is None
    assert not OutboxMessage.objects.exists()
    assert smtp.messages == []
    assert "greeting" in caplog.text


def test_it_sends_nothing_for_a_missing_template(db, caplog):
    assert enqueue(key="no_such_message", to="siti@example.org", context={}) is None
    assert not OutboxMessage.objects.exists()
    assert "no_such_message" in caplog.text


def test_it_does_not_break_the_action_when_a_template_is_broken(greeting, caplog):
    MessageTemplate.objects.filter(pk=greeting.pk).update(body="{% if name %}never closed")
    with transaction.atomic():
        assert _enqueue() is None
        assert MessageTemplate.objects.filter(key="greeting").exists()  # the caller's transaction goes on
    assert "greeting" in caplog.text


def test_it_keeps_the_message_when_the_server_is_down_and_sends_it_later(greeting, smtp_down,
                                                                        django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        message = _enqueue()  # the commit goes through; nothing raises
    message.refresh_from_db()
    assert message.status == Status.PENDING
    assert message.attempts == 1
    assert "Connection refused" in message.last_error or "Errno" in message.last_error
    assert message.next_attempt_at > timezone.now()

    smtp_down.start()
    assert send_due()["claimed"] == 0  # not due yet
    counts = send_due(now=timezone.now() + timedelta(minutes=2))
    assert counts == {"claimed": 1, "sent": 1, "retry": 0, "failed": 0}
    message.refresh_from_db()
    assert message.status == Status.SENT
    assert message.attempts == 2
    [mail] = smtp_down.messages
    assert mail["Subject"] == message.subject


def test_it_backs_off_and_gives_up_after_six_attempts(greeting, smtp_down):
    message = _enqueue()
    now = timezone.now()
    waits = []
    for _attempt in range(5):
        assert send_due(now=now) == {"claimed": 1, "sent": 0, "retry": 1, "failed": 0}
        message.refresh_from_db()
        waits.append(message.next_attempt_at - now)
        now = message.next_attempt_at
    assert waits == [timedelta(minutes=minutes) for minutes in (1, 5, 15, 60, 240)]
    assert send_due(now=now) == {"claimed": 1, "sent": 0, "retry": 0, "failed": 1}
    message.refresh_from_db()
    assert message.status == Status.FAILED
    assert message.attempts == 6
    assert send_due(now=now + timedelta(days=1))["claimed"] == 0  # given up: only "retry now" brings it back


def test_it_records_an_attachment_that_cannot_be_made(greeting, smtp):
    message = _enqueue(attachments=[{"kind": "no_such_kind"}])
    assert send_due()["retry"] == 1
    message.refresh_from_db()
    assert "no_such_kind" in message.last_error
    assert smtp.messages == []


def test_it_takes_over_a_message_stuck_while_sending(greeting, smtp):
    now = timezone.now()
    stuck = _enqueue(dedupe_key="stuck")
    busy = _enqueue(dedupe_key="busy")
    # A sender claimed both and died; the lease of `stuck` has run out, the one of `busy` has not.
    OutboxMessage.objects.filter(pk=stuck.pk).update(status=Status.SENDING, next_attempt_at=now - timedelta(seconds=1))
    OutboxMessage.objects.filter(pk=busy.pk).update(status=Status.SENDING, next_attempt_at=now + LEASE)
    assert send_due(now=now) == {"claimed": 1, "sent": 1, "retry": 0, "failed": 0}
    assert OutboxMessage.objects.get(pk=stuck.pk).status == Status.SENT
    assert OutboxMessage.objects.get(pk=busy.pk).status == Status.SENDING


def test_it_leaves_a_message_a_worker_took_to_that_worker(greeting, smtp):
    message = _enqueue()
    OutboxMessage.objects.filter(pk=message.pk).update(status=Status.SENDING,
                                                       next_attempt_at=timezone.now() + LEASE)
    deliver_now([message.pk])
    assert smtp.messages == []


def test_it_never_raises_from_deliver_now(greeting, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("database gone")

    monkeypatch.setattr(OutboxMessage.objects, "filter", broken)
    deliver_now([1, 2])  # logged, not raised


@pytest.mark.django_db(transaction=True)
def test_it_never_sends_a_message_twice_with_two_workers(smtp):
    now = timezone.now()
    OutboxMessage.objects.bulk_create(
        OutboxMessage(template_key="greeting", to=f"pengadu{number}@example.org", subject=f"Pesan {number}",
                      body="Terima kasih.\n", created_at=now, next_attempt_at=now)
        for number in range(30)
    )
    start = threading.Barrier(2)
    results, errors = [], []

    def worker():
        try:
            start.wait()
            results.append(send_due(limit=100))
        except Exception as error:  # surfaced by the assertion below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert sum(result["sent"] for result in results) == 30
    subjects = [mail["Subject"] for mail in smtp.messages]
    assert sorted(subjects) == sorted(f"Pesan {number}" for number in range(30))  # each exactly once
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {Status.SENT}


def test_it_empties_the_outbox_in_batches_in_one_remind_run(greeting, settings, monkeypatch, mailoutbox):
    from django.core.management import call_command

    from pengaduan.notifications.management.commands import remind

    settings.MAIL_SEND_IMMEDIATELY = False
    monkeypatch.setattr(remind, "MAIL_BATCH", 2)
    for index in range(5):
        _enqueue(to=f"warga{index}@example.org")
    call_command("remind", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert len(mailoutbox) == 5
    assert not OutboxMessage.objects.exclude(status=Status.SENT).exists()
