"""The engine says what happened; the notifications' receivers write the outbox in the engine's transaction."""

import pytest
from django.db import connection, transaction

from factories import intake_data, wib
from pengaduan.complaints import domain_events
from pengaduan.complaints.domain_events import ComplaintArriving, StepAssigned, emit, on, receivers
from pengaduan.complaints.engine import complaint_receive
from pengaduan.complaints.models import Complaint
from pengaduan.notifications.models import MessageTemplate, OutboxMessage

RECEIVED = wib(2026, 11, 30, 8, 15)  # a Monday, during office hours


@pytest.fixture
def jfu_with_mail(jfu):
    jfu.email = "jfu@madiunkota.go.id"
    jfu.save()
    # Transactional tests empty the tables the migrations filled: the message is made here.
    MessageTemplate.objects.get_or_create(key="step_assigned", defaults={
        "subject": "Pengaduan {{ reference }} menunggu Anda", "body": "Langkah {{ step_number }}."})
    return jfu


def _add_receiver(monkeypatch, event_type, receiver):
    """`receiver` after the registered ones, for this test only."""
    monkeypatch.setitem(domain_events._receivers, event_type, [*receivers(event_type), receiver])


def test_it_lets_the_notifications_receive_what_the_engine_emits():
    from pengaduan.notifications import receivers as notification_receivers

    assert notification_receivers.tell_performers in receivers(StepAssigned)
    assert notification_receivers.prepare_arrival_messages in receivers(ComplaintArriving)


@pytest.mark.django_db(transaction=True)
def test_it_writes_the_outbox_row_inside_the_engines_transaction(unit, jfu_with_mail, monkeypatch):
    # A new complaint's first step: the receivers prepare before the transaction and write inside it.
    seen = []

    def spy(event):
        assert not connection.in_atomic_block and event.complaint.pk is None  # before: nothing saved, no lock
        event.writes.append(lambda: seen.append((connection.in_atomic_block, event.complaint.pk,
                                                 OutboxMessage.objects.filter(template_key="step_assigned").count())))

    _add_receiver(monkeypatch, ComplaintArriving, spy)
    complaint = complaint_receive(unit=unit, data=intake_data(channel="web"), now=RECEIVED)
    assert seen == [(True, complaint.pk, 1)]


@pytest.mark.django_db(transaction=True)
def test_it_keeps_no_outbox_row_of_an_action_that_failed_after_the_event(unit, jfu_with_mail, monkeypatch):
    def failing(event):
        def write():
            raise RuntimeError("the disk is full")

        event.writes.append(write)

    _add_receiver(monkeypatch, ComplaintArriving, failing)
    with pytest.raises(RuntimeError):
        complaint_receive(unit=unit, data=intake_data(channel="web"), now=RECEIVED)
    assert not Complaint.objects.exists()
    assert not OutboxMessage.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_it_delivers_the_message_only_after_the_commit(unit, jfu_with_mail, mailoutbox, settings):
    settings.MAIL_SEND_IMMEDIATELY = True
    with transaction.atomic():
        complaint_receive(unit=unit, data=intake_data(channel="web"), now=RECEIVED)
        assert OutboxMessage.objects.count() == 1 and mailoutbox == []
    assert [message.to for message in mailoutbox] == [["jfu@madiunkota.go.id"]]


def test_it_registers_a_receiver_once_and_calls_receivers_in_order(monkeypatch):
    class Happened:
        pass

    calls = []

    def first(event):
        calls.append("first")

    def second(event):
        calls.append("second")

    monkeypatch.setitem(domain_events._receivers, Happened, [])
    on(Happened)(first)
    on(Happened)(second)
    on(Happened)(first)
    emit(Happened())
    assert calls == ["first", "second"]
