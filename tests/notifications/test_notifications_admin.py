"""The templates as seeded and edited in the admin, the read-only outbox, and `pengaduan outbox`."""

import re
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone, translation

from pengaduan.notifications.models import MessageTemplate, OutboxMessage
from pengaduan.notifications.services import enqueue

Status = OutboxMessage.Status
KEYS = ["complaint_received", "complaint_recorded", "complaint_answered", "information_requested",
        "step_assigned", "reminder", "escalation", "skm_invitation"]
VARIABLE = re.compile(r"{{\s*(\w+)")


@pytest.fixture
def queued(db):
    return enqueue(key="complaint_answered", to="siti@example.org", dedupe_key="complaint_answered:1",
                   context={"name": "Siti Aminah", "reference": "0001/PGD/INSP/2026", "tracking_code": "PGD-1"})


# --- the seeded templates ------------------------------------------------------------------------

@pytest.mark.parametrize("key", KEYS)
def test_it_seeds_a_polite_indonesian_template_documenting_its_variables(db, key):
    template = MessageTemplate.objects.get(key=key)
    assert template.is_active
    assert template.body.startswith("Yth. Bapak/Ibu {{ ")
    assert "Terima kasih" in template.body
    variables = set(VARIABLE.findall(template.subject + template.body))
    assert variables
    for variable in variables:
        assert "{{ %s }}" % variable in template.description
    # Renders with every documented variable filled and leaves no placeholder behind.
    context = {name: f"<{name}>" for name in VARIABLE.findall(template.description)}
    rendered = Template(template.body).render(Context(context, autoescape=False))
    assert "{{" not in rendered and "{%" not in rendered


# --- admin ---------------------------------------------------------------------------------------

def test_it_lists_the_templates_in_the_admin(admin_client):
    response = admin_client.get(reverse("admin:notifications_messagetemplate_changelist"))
    assert response.status_code == 200
    for key in KEYS:
        assert key in response.content.decode()


def test_it_saves_an_edited_template_but_not_its_key(admin_client):
    template = MessageTemplate.objects.get(key="reminder")
    url = reverse("admin:notifications_messagetemplate_change", args=[template.pk])
    response = admin_client.post(url, {"key": "renamed", "subject": "Pengingat {{ reference }}",
                                       "body": "Yth. Bapak/Ibu {{ recipient_name }}", "is_active": ""})
    assert response.status_code == 302
    template.refresh_from_db()
    assert (template.key, template.subject, template.is_active) == ("reminder", "Pengingat {{ reference }}", False)


def test_it_refuses_a_template_that_cannot_be_read(admin_client):
    template = MessageTemplate.objects.get(key="reminder")
    url = reverse("admin:notifications_messagetemplate_change", args=[template.pk])
    response = admin_client.post(url, {"subject": "Pengingat", "body": "{% if share %}tidak ditutup", "is_active": "on"})
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["body"]
    template.refresh_from_db()
    assert "{% if share %}" not in template.body


def test_it_shows_the_outbox_read_only(admin_client, queued):
    changelist = admin_client.get(reverse("admin:notifications_outboxmessage_changelist"), {"status": "pending"})
    assert changelist.status_code == 200
    assert "siti@example.org" in changelist.content.decode()
    search = admin_client.get(reverse("admin:notifications_outboxmessage_changelist"), {"q": "nobody@"})
    assert "siti@example.org" not in search.content.decode()
    detail = admin_client.get(reverse("admin:notifications_outboxmessage_change", args=[queued.pk]))
    assert detail.status_code == 200
    assert 'name="_save"' not in detail.content.decode()
    assert admin_client.get(reverse("admin:notifications_outboxmessage_add")).status_code == 403


def test_it_retries_a_failed_message_now_from_the_admin(admin_client, queued, mailoutbox):
    OutboxMessage.objects.filter(pk=queued.pk).update(status=Status.FAILED, attempts=6, last_error="refused")
    response = admin_client.post(
        reverse("admin:notifications_outboxmessage_changelist"),
        {"action": "retry", "_selected_action": [queued.pk]}, follow=True,
    )
    assert response.status_code == 200
    queued.refresh_from_db()
    assert queued.status == Status.SENT
    assert [mail.to for mail in mailoutbox] == [["siti@example.org"]]


def test_it_does_not_send_a_sent_message_again_from_the_admin(admin_client, queued, mailoutbox):
    OutboxMessage.objects.filter(pk=queued.pk).update(status=Status.SENT, sent_at=timezone.now())
    admin_client.post(reverse("admin:notifications_outboxmessage_changelist"),
                      {"action": "retry", "_selected_action": [queued.pk]})
    assert mailoutbox == []


# --- `pengaduan outbox` --------------------------------------------------------------------------

def test_it_sends_due_messages_from_the_command(queued, mailoutbox, capsys):
    with translation.override("en"):
        call_command("outbox", "send", "--limit", "10")
    assert capsys.readouterr().out == "Sent: 1, to retry later: 0, given up: 0 (of 1 due).\n"
    assert len(mailoutbox) == 1
    queued.refresh_from_db()
    assert queued.status == Status.SENT


def test_it_lists_the_latest_messages_with_their_errors(queued, capsys):
    OutboxMessage.objects.filter(pk=queued.pk).update(attempts=2, last_error="ConnectionRefusedError: refused",
                                                      next_attempt_at=timezone.now() + timedelta(minutes=5))
    call_command("outbox", "list")
    out = capsys.readouterr().out
    assert "complaint_answered" in out
    assert "siti@example.org" in out
    assert queued.subject in out
    assert "ConnectionRefusedError: refused" in out
