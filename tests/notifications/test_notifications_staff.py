"""What officers are told by e-mail: a step in their inbox, a reminder, an escalation to their superiors."""

import pytest

from factories import intake_data, make_unit, make_user, wib
from pengaduan.complaints.engine import complaint_record
from pengaduan.complaints.models import Reminder
from pengaduan.notifications.models import OutboxMessage
from pengaduan.notifications.services import notify_escalation, notify_reminder, notify_role, notify_step_assigned

RECEIVED = wib(2026, 11, 30, 8, 15)  # a Monday, during office hours


@pytest.fixture
def officers(staff, settings):
    settings.SITE_URL = "https://pengaduan.example.go.id"
    for role, user in staff.items():
        user.email = f"{role}@madiunkota.go.id"
        user.save()
    return staff


@pytest.fixture
def clarifying(unit, officers):
    """Recorded by the JFU; step 2 (Sekretaris, clarification) is open."""
    complaint = complaint_record(unit=unit, actor=officers["jfu"], data=intake_data(), now=RECEIVED)
    OutboxMessage.objects.all().delete()  # whatever the engine queued on its way
    return complaint.step_runs.get(number=2)


def _to(messages) -> list[str]:
    return sorted(message.to for message in messages)


def test_it_tells_every_holder_of_the_performer_role(unit, clarifying, smtp, django_capture_on_commit_callbacks):
    second = make_user("sekretaris2", unit=unit, roles=("sekretaris",))
    second.email = "sekretaris2@madiunkota.go.id"
    second.save()
    make_user("tanpa_surel", unit=unit, roles=("sekretaris",))  # no e-mail address
    retired = make_user("pensiun", unit=unit, roles=("sekretaris",))
    retired.email, retired.is_active = "pensiun@madiunkota.go.id", False
    retired.save()
    elsewhere = make_user("dinkes", unit=make_unit(code="DINKES", name="Dinas Kesehatan"), roles=("sekretaris",))
    elsewhere.email = "dinkes@madiunkota.go.id"
    elsewhere.save()

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        messages = notify_step_assigned(step_run=clarifying)
    assert len(callbacks) == 1  # one delivery (one SMTP connection) for all recipients
    assert _to(messages) == ["sekretaris2@madiunkota.go.id", "sekretaris@madiunkota.go.id"]
    assert sorted(rcpt for [rcpt] in smtp.mailbox.recipients) == _to(messages)


def test_it_says_which_step_waits_until_when_and_where(clarifying, officers):
    [message] = notify_step_assigned(step_run=clarifying)
    complaint = clarifying.complaint
    assert message.subject == f"Pengaduan {complaint.register_number} menunggu langkah 2"
    assert message.body.startswith("Yth. Bapak/Ibu Sekretaris,\n")
    assert "sebagai Sekretaris pada langkah 2" in message.body
    assert clarifying.step.description in message.body
    assert "Batas waktu: Senin, 30 November 2026 pukul" in message.body
    assert f"https://pengaduan.example.go.id/kerja/pengaduan/{complaint.pk}/" in message.body
    assert message.dedupe_key == f"step_assigned:{clarifying.pk}:{officers['sekretaris'].pk}"
    assert message.complaint == complaint
    assert message.attachments == []


def test_it_tells_of_a_step_once(clarifying, officers):
    assert len(notify_step_assigned(step_run=clarifying)) == 1
    assert notify_step_assigned(step_run=clarifying) == []
    assert OutboxMessage.objects.count() == 1


def test_it_keeps_the_complainants_identity_out_of_staff_mail(unit, officers):
    complaint = complaint_record(unit=unit, actor=officers["jfu"], data=intake_data(is_confidential="on"),
                                 now=RECEIVED)
    OutboxMessage.objects.all().delete()
    [message] = notify_step_assigned(step_run=complaint.step_runs.get(number=2))
    assert "Siti" not in message.body
    assert "siti@example.org" not in message.body


def _reminder(step_run, share: int) -> Reminder:
    # The engine schedules the reminders when a step starts.
    return step_run.reminders.get(share=share)


def test_it_reminds_the_performer_with_the_share_used(clarifying, officers):
    reminder = _reminder(clarifying, 80)
    [message] = notify_reminder(reminder=reminder)
    assert message.to == "sekretaris@madiunkota.go.id"
    assert message.template_key == "reminder"
    assert message.subject.startswith(f"Pengingat: langkah 2 pengaduan {clarifying.complaint.register_number}")
    assert "80% waktu langkah 2" in message.body
    assert message.dedupe_key == f"reminder:{reminder.pk}:{officers['sekretaris'].pk}"
    assert notify_reminder(reminder=reminder) == []


def test_it_escalates_a_passed_deadline_to_the_units_escalation_roles(unit, clarifying, officers):
    unit.escalation_roles = ["kasubag", "inspektur"]
    unit.save()
    messages = notify_escalation(reminder=_reminder(clarifying, 100))
    assert _to(messages) == ["inspektur@madiunkota.go.id", "kasubag@madiunkota.go.id"]
    message = messages[0]
    assert message.template_key == "escalation"
    assert message.subject == f"Batas waktu terlampaui: langkah 2 pengaduan {clarifying.complaint.register_number}"
    assert "Pelaksana: Sekretaris" in message.body


def test_it_escalates_to_the_roles_asked_for(unit, clarifying, officers):
    unit.escalation_roles = ["kasubag", "inspektur"]
    unit.save()
    messages = notify_escalation(reminder=_reminder(clarifying, 100), roles=["inspektur"])
    assert _to(messages) == ["inspektur@madiunkota.go.id"]


def test_it_escalates_to_nobody_without_escalation_roles(clarifying, officers):
    assert notify_escalation(reminder=_reminder(clarifying, 100)) == []
    assert not OutboxMessage.objects.exists()


def test_it_queues_one_message_per_user_holding_several_escalation_roles(unit, clarifying, officers):
    unit.escalation_roles = ["kasubag", "inspektur"]
    unit.save()
    officers["inspektur"].memberships.create(unit=unit, role="kasubag")
    messages = notify_escalation(reminder=_reminder(clarifying, 100))
    assert _to(messages) == ["inspektur@madiunkota.go.id", "kasubag@madiunkota.go.id"]


def test_it_tells_a_role_with_a_given_context(unit, officers):
    messages = notify_role(unit=unit, role="jfu", key="step_assigned", dedupe_prefix="test",
                           context={"reference": "0001/PGD/INSP/2026", "step_number": 5})
    assert [message.subject for message in messages] == ["Pengaduan 0001/PGD/INSP/2026 menunggu langkah 5"]
    assert messages[0].complaint is None


@pytest.mark.django_db
def test_the_templates_help_says_what_reference_is_before_recording():
    from importlib import import_module

    from django.apps import apps

    from pengaduan.notifications.models import MessageTemplate

    MessageTemplate.objects.all().delete()  # as a new install: the seeded templates, then the later migrations
    import_module("pengaduan.notifications.migrations.0002_default_message_templates").seed(apps, None)
    import_module("pengaduan.notifications.migrations.0014_reference_help").forwards(apps, None)
    helps = list(MessageTemplate.objects.filter(description__contains="{{ reference }}")
                 .values_list("description", flat=True))
    assert helps and not [text for text in helps if "kode lacak bila belum dicatat" in text]
    assert any("no. 31" in text for text in helps)
