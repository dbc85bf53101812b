"""Forwarding through the API: the decision step takes `forward_to_unit`; a complaint's detail shows
`forwarded_from` and `forwards` so that an outside system can follow the path."""

from django.utils import timezone
from factories import intake_data
from madiun_steps import STEP_DATA, advance

from pengaduan.complaints.engine import complaint_record
from pengaduan.complaints.models import Complaint, Forward

DECISION = {**STEP_DATA[3], "decision_type": "forward", "reasoning": "Kewenangan Dinas Kesehatan."}


def _at_decision(as_user):
    complaint_id = as_user("jfu").post("/complaints", intake_data()).json()["id"]
    assert as_user("sekretaris").post(f"/complaints/{complaint_id}/steps/2", STEP_DATA[2]).status_code == 200
    return complaint_id


def test_it_forwards_to_a_unit_by_code_and_shows_the_path_on_both_sides(as_user, outsider):
    complaint_id = _at_decision(as_user)
    done = as_user("inspektur").post(f"/complaints/{complaint_id}/steps/3", {**DECISION, "forward_to_unit": "dinkes"})
    assert done.status_code == 200, done.json()
    origin = done.json()["complaint"]
    assert origin["forwarded_from"] is None and origin["current_step"] is None and origin["status"] == "open"
    [forward] = origin["forwards"]
    assert forward["unit"] == "DINKES" and forward["state"] == "monitoring"
    # Recorded in the target's register now, through the API: this year's number.
    assert forward["register_number"] == f"0001/PGD/DINKES/{timezone.localdate().year}"
    assert forward["complaint_status"] == "open"

    # The target unit's officer reads its own case, with where it came from.
    target = as_user("outsider").get(f"/complaints/{forward['complaint_id']}").json()
    assert target["forwarded_from"]["unit"] == "INSP" and target["forwarded_from"]["complaint_id"] == complaint_id
    assert target["forwarded_from"]["register_number"] == origin["register_number"]
    assert target["current_step"] == 1 and target["forwards"] == []
    # The origin's officers do not see into the other unit's case: its existence is all they get (its number).
    assert as_user("inspektur").get(f"/complaints/{forward['complaint_id']}").status_code == 404


def test_it_refuses_an_unknown_unit_or_the_unit_itself_with_a_clear_error_and_writes_nothing(as_user, outsider):
    complaint_id = _at_decision(as_user)
    for code in ("NOPE", "insp"):
        refused = as_user("inspektur").post(f"/complaints/{complaint_id}/steps/3",
                                            {**DECISION, "forward_to_unit": code})
        assert refused.status_code == 422, refused.json()
        assert refused.json()["fields"]["forward_to_unit"]
    assert "NOPE" in refused_message(as_user, complaint_id)
    assert not Forward.objects.exists() and Complaint.objects.count() == 1
    assert as_user("inspektur").get(f"/complaints/{complaint_id}").json()["current_step"] == 3


def refused_message(as_user, complaint_id):
    return " ".join(as_user("inspektur").post(f"/complaints/{complaint_id}/steps/3", {
        **DECISION, "forward_to_unit": "NOPE"}).json()["fields"]["forward_to_unit"])


def test_it_lists_forward_to_unit_among_the_decision_inputs(as_user, outsider):
    complaint_id = _at_decision(as_user)
    inputs = as_user("inspektur").get(f"/complaints/{complaint_id}").json()["current"]["inputs"]
    field = next(field for field in inputs if field["name"] == "forward_to_unit")
    assert field["type"] == "string" and not field["required"]


def test_it_shows_the_path_on_the_public_status_under_the_first_tracking_code(as_user, outsider, unit, staff):
    recorded = complaint_record(unit=unit, actor=staff["jfu"], data=intake_data())
    code = recorded.tracking_code  # the plain code exists only as it is issued
    complaint_id = advance(recorded, staff, to_step=3).pk
    as_user("inspektur").post(f"/complaints/{complaint_id}/steps/3", {**DECISION, "forward_to_unit": "DINKES"})
    status = as_user(None).get(f"/public/complaints/{code}")
    assert status.status_code == 200, status.json()
    body = status.json()
    assert body["holder"] == "Dinas Kesehatan"
    assert [(leg["from_unit"], leg["to"], leg["state"], leg["register_number"]) for leg in body["path"]] == [
        ("Inspektorat Kota Madiun", "Dinas Kesehatan", "monitoring", f"0001/PGD/DINKES/{timezone.localdate().year}")]


def test_it_returns_a_case_and_records_an_outside_answer_through_the_api(as_user, outsider):
    complaint_id = _at_decision(as_user)
    forward = as_user("inspektur").post(f"/complaints/{complaint_id}/steps/3", {
        **DECISION, "forward_to_unit": "DINKES"}).json()["complaint"]["forwards"][0]
    target = as_user("outsider").get(f"/complaints/{forward['complaint_id']}").json()
    assert "return" in target["actions"]
    assert as_user("outsider").post(f"/complaints/{target['id']}/return", {"reason": " "}).status_code == 422
    returned = as_user("outsider").post(f"/complaints/{target['id']}/return", {"reason": "Bukan kewenangan kami."})
    assert returned.status_code == 200 and returned.json()["status"] == "returned"
    origin = as_user("inspektur").get(f"/complaints/{complaint_id}").json()
    assert origin["current_step"] == 3 and origin["forwards"][0]["return_reason"] == "Bukan kewenangan kami."

    outside = as_user("inspektur").post(f"/complaints/{complaint_id}/steps/3", {
        **DECISION, "forward_to": "Ombudsman RI"}).json()["complaint"]
    assert outside["forwards"][-1]["unit"] is None and outside["forwards"][-1]["outside_body"] == "Ombudsman RI"
    assert "forward_answer" in outside["actions"]
    assert as_user("inspektur").post(f"/complaints/{complaint_id}/forward-answer", {}).status_code == 422
    answered = as_user("jfu").post(f"/complaints/{complaint_id}/forward-answer", {
        "answered_on": "2026-01-05", "reference": "B/1/2026", "summary": "Sudah ditindaklanjuti."})
    assert answered.status_code == 200, answered.json()
    assert answered.json()["status"] == "closed" and answered.json()["forwards"][-1]["state"] == "answered"
