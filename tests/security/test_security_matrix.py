"""Who may see and do what, generated from the SOP: every role × every step action × every staff page.

One place decides (the engine's role check and the unit-membership selectors); this walks all of it through
the pages, so that a view that forgets to ask fails here.
"""

import json

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from pengaduan.api.services import token_create
from pengaduan.complaints.engine import complaint_record, coordination_answer, coordination_request, step_complete
from pengaduan.complaints.models import Complaint, Examination
from pengaduan.units.oversight import OVERSIGHT_GROUP
from factories import intake_data, make_user, tiny_jpeg
from madiun_steps import STEP_DATA, advance

pytestmark = pytest.mark.django_db

# "pemda" holds the Pemda-wide oversight role (units/oversight.py): it reads every unit, and changes nothing.
VISITORS = ("jfu", "sekretaris", "kasubag", "inspektur", "outsider", "pemda", "anonymous")


@pytest.fixture
def pemda(db):
    group, _ = Group.objects.get_or_create(name=OVERSIGHT_GROUP)
    group.permissions.add(Permission.objects.get(content_type__app_label="units", codename="oversee_units"))
    user = make_user("pemda")
    user.groups.add(group)
    return user


@pytest.fixture
def people(staff, outsider, pemda):
    return {**staff, "outsider": outsider, "pemda": pemda, "anonymous": None}


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
        for who in ("jfu", "sekretaris", "kasubag", "inspektur", "outsider", "pemda"):
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


# -- the oversight role reads every unit and changes nothing ---------------------------------------------------

@pytest.fixture
def examined(unit, people):
    """A case at the decision step waiting for an examination, with an open coordination question."""
    make_user("irban", unit=unit, roles=("irban",))
    complaint = complaint_record(unit=unit, actor=people["jfu"], data=intake_data())
    coordination_request(complaint=complaint, actor=people["sekretaris"], role="kasubag", question="Pernah?")
    return complaint


def _state(complaint):
    complaint.refresh_from_db()
    return (complaint.status, complaint.events.count(), complaint.internal_notes.count(),
            complaint.step_runs.filter(done_at__isnull=True).values_list("number", "paused_at").first(),
            complaint.linked_to_id, Complaint.objects.count(), Examination.objects.filter(submitted_at__isnull=False).count())


def test_the_oversight_role_is_refused_every_write_on_the_web(client, unit, people, examined):
    question = examined.coordination_requests.get()
    posts = [reverse(f"workdesk:{action}", args=[examined.pk]) for action in (
        "ask_coordination", "ask_complainant", "add_note", "link", "set_aside", "resume")]
    posts += [reverse("workdesk:complete_step", args=[examined.pk, number]) for number in range(1, 6)]
    posts += [reverse("workdesk:answer_coordination", args=[question.pk]), reverse("workdesk:record")]
    data = {"role": "kasubag", "question": "?", "text": "catatan", "reason": "spam", "note": "?", "answer": "x",
            **intake_data(summary="oleh pemda"), **STEP_DATA[2]}
    before = _state(examined)
    client.force_login(people["pemda"])
    for url in posts:
        assert client.post(url, data).status_code == 404, url
    assert _state(examined) == before


def test_the_oversight_role_cannot_submit_an_examination_report(client, unit, people, examined):
    question = examined.coordination_requests.get()
    coordination_answer(request=question, actor=people["kasubag"], answer="Belum.")
    advance(examined, people, to_step=3)
    step_complete(complaint=examined, actor=people["inspektur"], step_number=3, data={
        **STEP_DATA[3], "decision_type": "examination", "order": "", "examination_brief": "Periksa."})
    examination = Examination.objects.get()
    client.force_login(people["pemda"])
    response = client.post(reverse("workdesk:submit_examination", args=[examined.pk, examination.pk]), {
        "outcome": "proven", "findings": "x", "report": SimpleUploadedFile("l.pdf", b"%PDF-1.4\n%%EOF\n")})
    assert response.status_code == 404
    examination.refresh_from_db()
    assert examination.is_open


def test_the_oversight_role_is_refused_every_write_through_the_api(client, unit, people, examined):
    token = token_create(user=people["pemda"], name="pemda")[1]
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    question = examined.coordination_requests.get()
    writes = {
        "/complaints": {**intake_data(summary="oleh pemda"), "unit": "INSP"},
        f"/complaints/{examined.pk}/steps/1": {},
        f"/complaints/{examined.pk}/steps/2": STEP_DATA[2],
        f"/complaints/{examined.pk}/set-aside": {"reason": "spam", "note": "?"},
        f"/complaints/{examined.pk}/coordination": {"role": "kasubag", "question": "?"},
        f"/complaints/{examined.pk}/coordination/{question.pk}/answer": {"answer": "x"},
        f"/complaints/{examined.pk}/information-requests": {"question": "?"},
        f"/complaints/{examined.pk}/resume": {},
        f"/complaints/{examined.pk}/notes": {"text": "catatan"},
        f"/complaints/{examined.pk}/examinations/1/report": {"outcome": "proven", "findings": "x"},
    }
    before = _state(examined)
    for path, body in writes.items():
        response = client.post("/api/v1" + path, json.dumps(body), content_type="application/json", **headers)
        assert response.status_code in (403, 404), (path, response.status_code)
    assert _state(examined) == before
    # ...while it reads the same complaint, masked, with no action offered.
    detail = client.get(f"/api/v1/complaints/{examined.pk}", **headers).json()
    assert detail["complainant"] is None and detail["actions"] == []
    attachment = examined.attachments.first()
    if attachment is not None:
        assert client.get(f"/api/v1/attachments/{attachment.pk}", **headers).status_code == 404


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
        elif who in ("outsider", "pemda"):  # another unit's officer, the oversight role: not theirs
            assert response.status_code == 404
        else:
            assert response.status_code == 302 and response.url == complaint.get_absolute_url()
        assert issued == (1 if who == "jfu" else 0), who
        assert as_visitor(client, people, who).get(url).status_code in (302, 405), who  # never on GET
