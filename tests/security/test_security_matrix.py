"""Who may see and do what, generated from the SOP: every role × every step action × every staff page.

One place decides (the engine's role check and the unit-membership selectors); this walks all of it through
the pages, so that a view that forgets to ask fails here.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from pengaduan.complaints.engine import complaint_record
from pengaduan.complaints.models import Complaint
from factories import intake_data, tiny_jpeg
from madiun_steps import STEP_DATA, advance

pytestmark = pytest.mark.django_db

VISITORS = ("jfu", "sekretaris", "kasubag", "inspektur", "outsider", "anonymous")


@pytest.fixture
def people(staff, outsider):
    return {**staff, "outsider": outsider, "anonymous": None}


def as_visitor(client, people, who):
    client.logout()
    if people[who] is not None:
        client.force_login(people[who])
    return client


def expected_page_status(who, allowed):
    if who == "anonymous":
        return 302  # to the login page
    return 200 if who in allowed else 404


def test_each_step_is_done_through_the_pages_only_by_its_performer(client, unit, people, madiun_sop):
    steps = {step.number: step for step in madiun_sop.steps.all()}
    complaint = complaint_record(unit=unit, actor=people["jfu"], data=intake_data())
    for number in range(2, len(steps) + 1):
        performer = steps[number].performer
        url = reverse("workdesk:complete_step", args=[complaint.pk, number])
        for who in VISITORS:
            if who == performer:
                continue
            as_visitor(client, people, who).post(url, STEP_DATA[number])
            assert complaint.step_runs.get(number=number).is_open, f"{who} completed step {number}"
        as_visitor(client, people, performer).post(url, STEP_DATA[number])
        assert not complaint.step_runs.get(number=number).is_open, f"{performer} could not complete step {number}"
    complaint.refresh_from_db()
    assert complaint.status == Complaint.Status.CLOSED


def test_only_the_first_steps_performer_records_and_sets_aside(client, unit, people, madiun_sop):
    recorder = madiun_sop.steps.get(number=1).performer
    for who in VISITORS:
        as_visitor(client, people, who).post(reverse("workdesk:record"), intake_data(summary=who))
        # The outsider is a JFU too, but of another unit: what it records goes to its own unit's register.
        assert Complaint.objects.filter(summary=who, unit=unit).exists() == (who == recorder), who


def test_the_staff_pages_show_a_units_complaints_only_to_its_officers(client, unit, people):
    complaint = complaint_record(unit=unit, actor=people["jfu"], data=intake_data(),
                                 files={"evidence": SimpleUploadedFile("bukti.jpg", tiny_jpeg())})
    advance(complaint, people, to_step=5)
    members = {"jfu", "sekretaris", "kasubag", "inspektur"}
    attachment = complaint.attachments.get()
    pages = {
        reverse("workdesk:complaint", args=[complaint.pk]): members,
        reverse("workdesk:attachment", args=[attachment.pk]): members,
        reverse("workdesk:answer_letter", args=[complaint.pk]): members,
    }
    for url, allowed in pages.items():
        for who in VISITORS:
            status = as_visitor(client, people, who).get(url).status_code
            assert status == expected_page_status(who, allowed), f"{who} GET {url}: {status}"


def test_the_inboxes_and_team_view_list_only_the_units_own_cases(client, unit, people):
    complaint = complaint_record(unit=unit, actor=people["jfu"], data=intake_data())
    for url, allowed in ((reverse("workdesk:inbox"), {"sekretaris"}), (reverse("workdesk:team"), {"sekretaris", "inspektur"}),
                         (reverse("workdesk:register"), {"jfu", "sekretaris", "kasubag", "inspektur"})):
        for who in ("jfu", "sekretaris", "kasubag", "inspektur", "outsider"):
            response = as_visitor(client, people, who).get(url)
            shown = response.status_code == 200 and complaint.register_number in response.text
            assert shown == (who in allowed), f"{who} GET {url}"


def test_every_staff_page_asks_for_a_login(client, unit, people):
    complaint = complaint_record(unit=unit, actor=people["jfu"], data=intake_data())
    for url in (reverse("workdesk:inbox"), reverse("workdesk:register"), reverse("workdesk:team"),
                complaint.get_absolute_url()):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login")), url


@pytest.mark.parametrize("action, data", [
    ("ask_coordination", {"role": "kasubag", "question": "?"}),
    ("ask_complainant", {"question": "?"}),
    ("add_note", {"text": "catatan"}),
    ("link", {"linked_to": ""}),
    ("set_aside", {"reason": "spam", "note": "?"}),
    ("resume", {}),
])
def test_an_outsider_cannot_act_on_another_units_complaint(client, unit, people, action, data):
    complaint = complaint_record(unit=unit, actor=people["jfu"], data=intake_data())
    events = complaint.events.count()
    response = as_visitor(client, people, "outsider").post(reverse(f"workdesk:{action}", args=[complaint.pk]), data)
    assert response.status_code == 404
    assert complaint.events.count() == events


def test_only_the_recording_role_prints_a_receipt_and_so_issues_a_new_tracking_code(client, unit, people):
    complaint = complaint_record(unit=unit, actor=people["jfu"], data=intake_data())
    url = reverse("workdesk:receipt", args=[complaint.pk])
    for who in VISITORS:
        before = complaint.events.filter(kind="code_issued").count()
        response = as_visitor(client, people, who).post(url)
        issued = complaint.events.filter(kind="code_issued").count() - before
        if who == "jfu":
            assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
        elif who == "anonymous":
            assert response.status_code == 302 and reverse("login") in response.url
        elif who == "outsider":
            assert response.status_code == 404
        else:
            assert response.status_code == 302 and response.url == complaint.get_absolute_url()
        assert issued == (1 if who == "jfu" else 0), who
        assert as_visitor(client, people, who).get(url).status_code in (302, 405), who  # never on GET
