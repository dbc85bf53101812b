"""The workflow engine queues the right messages along the SOP (the notifications receive its domain events)."""

import pytest

from factories import intake_data, wib
from madiun_steps import advance
from pengaduan.complaints.engine import complaint_receive, complaint_record, information_request
from pengaduan.notifications.models import OutboxMessage

RECEIVED = wib(2026, 11, 30, 8, 15)  # a Monday, during office hours


@pytest.fixture
def officers(staff):
    for role, user in staff.items():
        user.email = f"{role}@madiunkota.go.id"
        user.save()
    return staff


def _queued():
    return list(OutboxMessage.objects.order_by("pk").values_list("template_key", "address"))


def test_it_tells_the_jfu_of_a_complaint_from_the_web(unit, officers, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        complaint_receive(unit=unit, data=intake_data(channel="web"), now=RECEIVED)
    assert _queued() == [("step_assigned", "jfu@madiunkota.go.id")]
    assert len(mailoutbox) == 1


def test_it_tells_the_complainant_and_each_performer_along_the_sop(unit, officers, mailoutbox,
                                                                   django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        complaint = complaint_record(unit=unit, actor=officers["jfu"], data=intake_data(), now=RECEIVED)
        information_request(complaint=complaint, actor=officers["sekretaris"], question="Kapan kejadiannya?",
                            now=RECEIVED)
        advance(complaint, officers, to_step=6, now=RECEIVED)
    assert _queued() == [
        ("complaint_recorded", "siti@example.org"),  # a walk-in complaint: no step 1 mail, it is done at once
        ("step_assigned", "sekretaris@madiunkota.go.id"),
        ("information_requested", "siti@example.org"),
        ("step_assigned", "inspektur@madiunkota.go.id"),
        ("step_assigned", "sekretaris@madiunkota.go.id"),
        ("step_assigned", "jfu@madiunkota.go.id"),
        ("complaint_answered", "siti@example.org"),
        ("skm_invitation", "siti@example.org"),  # the SKM survey, once the answer is delivered
    ]
    assert "Kapan kejadiannya?" in OutboxMessage.objects.get(template_key="information_requested").body
    assert len(mailoutbox) == 8


def test_it_tells_an_anonymous_complainant_nothing(unit, officers, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        complaint = complaint_record(unit=unit, actor=officers["jfu"], data=intake_data(is_anonymous="on"),
                                     now=RECEIVED)
        advance(complaint, officers, to_step=6, now=RECEIVED)
    assert {key for key, _to in _queued()} == {"step_assigned"}
