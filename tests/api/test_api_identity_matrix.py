"""The authorisation matrix of identity in the JSON API: every role × every staff endpoint × a confidential,
an anonymous and an open complaint; what is visible, and that a log row is written whenever a confidential
identity is shown. The rule is the web's (complaints.privacy): the API may not show more.
"""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from pengaduan.complaints.engine import complaint_record, step_complete
from pengaduan.complaints.models import AccessLog
from factories import intake_data, tiny_jpeg
from madiun_steps import PERFORMER, STEP_DATA

pytestmark = pytest.mark.django_db

ROLES = ("jfu", "sekretaris", "kasubag", "inspektur", "outsider")
MEMBERS = {"jfu", "sekretaris", "kasubag", "inspektur"}
IDENTITY_ROLES = {"jfu", "sekretaris"}  # intake, clarification and delivery under the Madiun SOP

# Numbers as they are stored (E.164, pengaduan.phones), so that a page showing them can be searched for them.
PERSON = {"complainant_name": "Ratna Rahasia", "complainant_phone": "+6289911112222",
          "complainant_email": "ratna@example.org", "complainant_address": "Jl. Rahasia 9"}
CALLER, POST, RECIPIENT = "+6281177776666", "https://social.example/posts/77", "Penerima Rahasia"
SECRETS = (*PERSON.values(), CALLER, POST, RECIPIENT)


def _closed(unit, staff, **data):
    complaint = complaint_record(unit=unit, actor=staff["jfu"], data=intake_data(**data),
                                 files={"evidence": SimpleUploadedFile("bukti.jpg", tiny_jpeg())})
    for number in range(2, 6):
        inputs = {**STEP_DATA[number], "recipient": RECIPIENT} if number == 5 else STEP_DATA[number]
        step_complete(complaint=complaint, actor=staff[PERFORMER[number]], step_number=number, data=inputs)
    return complaint


@pytest.fixture
def cases(unit, staff):
    return {
        "confidential": _closed(unit, staff, channel="telephone", caller_number=CALLER, is_confidential="on",
                                **PERSON),
        "anonymous": _closed(unit, staff, channel="social_media", source_link=POST, is_anonymous="on", **PERSON),
        "open": _closed(unit, staff, channel="social_media", source_link=POST, caller_number=CALLER, **PERSON),
    }


def expected_shown(role: str, case: str) -> bool:
    if role not in MEMBERS or case == "anonymous":
        return False
    return case == "open" or role in IDENTITY_ROLES


def shown_secrets(text: str) -> set[str]:
    return {secret for secret in SECRETS if secret in text}


def read_endpoints(complaint) -> list[str]:
    attachment = complaint.attachments.get(purpose="evidence")
    return ["/me", "/step-kinds", "/complaints", f"/complaints/{complaint.pk}", "/register", "/compliance",
            f"/complaints?q={PERSON['complainant_name'].split()[0]}", f"/attachments/{attachment.pk}"]


@pytest.mark.parametrize("case", ["confidential", "anonymous", "open"])
@pytest.mark.parametrize("role", ROLES)
def test_every_staff_read_endpoint_shows_an_identity_only_to_whom_the_rule_allows(as_user, cases, role, case):
    complaint = cases[case]
    api = as_user(role)
    for path in read_endpoints(complaint):
        before = AccessLog.objects.count()
        response = api.get(path)
        text = (b"".join(response.streaming_content) if response.streaming else response.content).decode(
            "utf-8", "replace")
        own = path.startswith(f"/complaints/{complaint.pk}") or path.startswith("/attachments/")
        assert response.status_code == (200 if role in MEMBERS or not own else 404), (role, path)
        logged = AccessLog.objects.count() - before
        if path == f"/complaints/{complaint.pk}":
            detail = response.json() if response.status_code == 200 else {}
            found = shown_secrets(text)
            if expected_shown(role, case):
                assert detail["complainant"]["name"] == PERSON["complainant_name"]
                assert detail["steps"][4]["output"]["recipient"] == RECIPIENT
                assert found == ({*PERSON.values(), CALLER, RECIPIENT} if case == "confidential"
                                 else {*PERSON.values(), CALLER, POST, RECIPIENT})
            else:
                assert not found, (role, case, found)
                assert detail.get("complainant") is None
            # A confidential identity shown is logged, with where it was shown; nothing else is.
            assert logged == (1 if expected_shown(role, case) and case == "confidential" else 0), (role, case)
            if logged:
                entry = AccessLog.objects.latest("pk")
                assert (entry.user.username, entry.complaint_id, entry.action) == (role, complaint.pk,
                                                                                   "view_identity")
                assert entry.where == f"/api/v1/complaints/{complaint.pk}"
            continue
        assert logged == 0, (role, path)
        if path == "/register":
            items = [item for item in response.json()["items"] if item["complaint_id"] == complaint.pk]
            if role in MEMBERS:
                # The register names an open complainant (as the paper book does), never a masked one.
                expected = {"open": PERSON["complainant_name"], "confidential": "Dirahasiakan", "anonymous": "Anonim"}
                assert items[0]["complainant"] == expected[case]
                assert shown_secrets(json.dumps(items)) == ({PERSON["complainant_name"]} if case == "open" else set())
            else:
                assert not items
        elif path.startswith("/complaints?q="):
            # Searching by name finds only complaints whose name the caller may see.
            ids = {item["id"] for item in response.json()["items"]}
            assert (complaint.pk in ids) == expected_shown(role, case), (role, case, ids)
            assert not shown_secrets(text)
        else:
            assert not shown_secrets(text), (role, path)
        # The tracking code is a credential: no staff endpoint returns it (nor could: only its hash is stored).
        assert complaint.tracking_code_hash not in text


def test_an_anonymous_complaint_keeps_nothing_that_identifies_the_person(cases):
    complaint = cases["anonymous"]
    assert complaint.complainant is None and complaint.caller_number == "" and complaint.source_link == ""
    assert not shown_secrets(json.dumps([run.output for run in complaint.step_runs.all()]))


@pytest.mark.parametrize("role, shown", [("sekretaris", True), ("inspektur", False)])
def test_the_answers_of_step_actions_follow_the_same_rule(as_user, unit, staff, role, shown):
    """Endpoints that answer with the complaint (complete a step, record, resume, set aside) apply it too."""
    complaint = complaint_record(unit=unit, actor=staff["jfu"], data=intake_data(
        channel="telephone", caller_number=CALLER, is_confidential="on", **PERSON))
    if role == "inspektur":
        step_complete(complaint=complaint, actor=staff["sekretaris"], step_number=2, data=STEP_DATA[2])
    number = 2 if role == "sekretaris" else 3
    before = AccessLog.objects.count()
    response = as_user(role).post(f"/complaints/{complaint.pk}/steps/{number}", STEP_DATA[number])
    assert response.status_code == 200, response.json()
    assert bool(shown_secrets(response.content.decode())) == shown
    assert (AccessLog.objects.count() - before) == (1 if shown else 0)


def test_recording_through_the_api_answers_with_the_identity_for_the_recorder_and_logs_it(as_user, unit, staff):
    response = as_user("jfu").post("/complaints", intake_data(channel="telephone", caller_number=CALLER,
                                                             is_confidential=True, **PERSON))
    assert response.status_code == 201
    body = response.json()
    assert body["complainant"]["caller_number"] == CALLER and "tracking_code" not in body
    assert AccessLog.objects.filter(complaint_id=body["id"], user=staff["jfu"], action="view_identity").exists()


def test_the_inputs_offered_to_a_masked_performer_carry_no_identity(as_user, unit, staff, settings):
    """A performer who may not see the identity gets no prefilled identity in `current.initial` either."""
    complaint = complaint_record(unit=unit, actor=staff["jfu"], data=intake_data(is_confidential="on", **PERSON))
    for number in range(2, 5):
        step_complete(complaint=complaint, actor=staff[PERFORMER[number]], step_number=number, data=STEP_DATA[number])
    detail = as_user("jfu").get(f"/complaints/{complaint.pk}").json()
    assert detail["current"]["kind"] == "deliver"
    assert "recipient" not in detail["current"]["initial"]  # not prefilled from the identity (finding 4)


def test_the_write_endpoints_open_to_masked_roles_answer_without_the_identity(as_user, unit, staff):
    """Notes (any officer) and coordination answers (the Kasubag): their answers carry no identity, no log."""
    complaint = complaint_record(unit=unit, actor=staff["jfu"], data=intake_data(
        channel="telephone", caller_number=CALLER, is_confidential="on", **PERSON))
    asked = as_user("sekretaris").post(f"/complaints/{complaint.pk}/coordination",
                                       {"role": "kasubag", "question": "Pernah ada aduan serupa?"})
    assert asked.status_code == 201
    before = AccessLog.objects.count()
    responses = [
        as_user("kasubag").post(f"/complaints/{complaint.pk}/coordination/{asked.json()['id']}/answer",
                                {"answer": "Belum pernah."}),
        as_user("kasubag").post(f"/complaints/{complaint.pk}/notes", {"text": "Catatan"}),
        as_user("inspektur").post(f"/complaints/{complaint.pk}/notes", {"text": "Catatan"}),
    ]
    for response in responses:
        assert response.status_code in (200, 201), response.json()
        assert not shown_secrets(response.content.decode())
    assert AccessLog.objects.count() == before


@pytest.mark.parametrize("role, shown", [("jfu", True), ("sekretaris", True)])
def test_set_aside_and_resume_answer_with_the_identity_only_under_the_rule(as_user, unit, staff, role, shown):
    from pengaduan.complaints.engine import complaint_receive, information_request

    complaint = complaint_receive(unit=unit, data=intake_data(is_confidential="on", **PERSON))
    if role == "jfu":
        response = as_user("jfu").post(f"/complaints/{complaint.pk}/set-aside", {"reason": "spam", "note": "iklan"})
    else:
        step_complete(complaint=complaint, actor=staff["jfu"], step_number=1,
                      data=intake_data(is_confidential="on", **PERSON))
        information_request(complaint=complaint, actor=staff["sekretaris"], question="?", pause_clock=True)
        response = as_user("sekretaris").post(f"/complaints/{complaint.pk}/resume")
    assert response.status_code == 200, response.json()
    assert bool(shown_secrets(response.content.decode())) == shown
    assert AccessLog.objects.filter(user=staff[role], complaint=complaint).exists() == shown
