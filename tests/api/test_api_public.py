"""The public endpoints: submit, follow by tracking code, reply, rate; no staff names, no internal notes."""

import json

from django.core.files.uploadedfile import SimpleUploadedFile
from factories import intake_data, tiny_jpeg
from madiun_steps import advance

from pengaduan.complaints.codes import tracking_code_filter
from pengaduan.complaints import engine
from pengaduan.complaints.models import Complaint
from pengaduan.notifications.models import OutboxMessage

SUBMISSION = {
    "summary": "Biaya tambahan untuk KTP",
    "description": "Petugas loket meminta Rp50.000.",
    "subject": "Kelurahan Manguharjo",
    "complainant_name": "Siti Aminah",
    "complainant_email": "siti@example.org",
}


def test_it_takes_a_complaint_from_the_public_like_the_portal(as_user, unit, jfu):
    response = as_user(None).post("/public/complaints", SUBMISSION)
    assert response.status_code == 201, response.json()
    body = response.json()
    complaint = Complaint.objects.get(tracking_code_filter(body["tracking_code"]))
    assert complaint.unit == unit and complaint.channel == "web" and complaint.complaint_type == "pengaduan"
    assert complaint.is_confidential and complaint.complainant.email == "siti@example.org"
    assert not complaint.is_recorded and complaint.step_runs.get().number == 1
    assert body["status"]["state"] == "open" and body["status"]["current_step"] == 1
    assert OutboxMessage.objects.filter(template_key="complaint_received", address="siti@example.org").exists()


def test_it_asks_for_a_way_to_answer_unless_anonymous(as_user, unit):
    refused = as_user(None).post("/public/complaints", {**SUBMISSION, "complainant_email": ""})
    assert refused.status_code == 422 and "complainant_phone" in refused.json()["fields"]
    anonymous = as_user(None).post("/public/complaints", {**SUBMISSION, "is_anonymous": True})
    assert anonymous.status_code == 201
    complaint = Complaint.objects.get(tracking_code_filter(anonymous.json()["tracking_code"]))
    assert complaint.is_anonymous and complaint.complainant is None


def test_it_takes_evidence_files_as_multipart(as_user, unit):
    photo = SimpleUploadedFile("foto.jpg", tiny_jpeg(), content_type="image/jpeg")
    response = as_user(None).post_multipart("/public/complaints", {**SUBMISSION, "evidence": [photo]})
    assert response.status_code == 201, response.json()
    complaint = Complaint.objects.get(tracking_code_filter(response.json()["tracking_code"]))
    assert complaint.attachments.get().purpose == "evidence"


def test_it_shows_the_public_status_without_staff_names_or_notes(as_user, unit, staff):
    complaint = engine.complaint_record(unit=unit, actor=staff["jfu"], data=intake_data())
    engine.note_add(complaint=complaint, actor=staff["sekretaris"], text="Catatan internal rahasia")
    engine.information_request(complaint=complaint, actor=staff["sekretaris"], question="Jam berapa kejadiannya?")
    response = as_user(None).get(f"/public/complaints/{complaint.tracking_code.lower().replace('-', ' ')}")
    assert response.status_code == 200
    status = response.json()
    assert status["tracking_code"] == complaint.tracking_code and status["current_step"] == 2
    assert [step["state"] for step in status["steps"]] == ["done", "current", "pending", "pending", "pending"]
    assert status["questions"][0]["question"] == "Jam berapa kejadiannya?"
    text = json.dumps(status)
    for secret in ("Catatan internal", "sekretaris", "Sekretaris", "jfu", "Siti Aminah", complaint.register_number):
        assert secret not in text


def test_it_gives_one_answer_for_any_unknown_code(as_user, unit):
    for code in ("AAAAA-BBBBB-CCCCC", "x", "%20"):
        response = as_user(None).get(f"/public/complaints/{code}")
        assert response.status_code == 404 and response.json()["code"] == "not_found"


def test_it_takes_the_complainants_reply(as_user, unit, staff):
    complaint = engine.complaint_record(unit=unit, actor=staff["jfu"], data=intake_data())
    question = engine.information_request(complaint=complaint, actor=staff["sekretaris"], question="Kapan?",
                                          pause_clock=True)
    public = as_user(None)
    path = f"/public/complaints/{complaint.tracking_code}/questions/{question.pk}/reply"
    assert public.post(path, {"reply": ""}).status_code == 422
    answered = public.post(path, {"reply": "Senin pagi."})
    assert answered.status_code == 200 and answered.json()["reply"] == "Senin pagi."
    assert public.post(path, {"reply": "Lagi"}).status_code == 409
    assert complaint.step_runs.get(number=2).paused_at is None
    assert public.post(f"/public/complaints/{complaint.tracking_code}/questions/999/reply",
                       {"reply": "x"}).status_code == 404


def test_it_takes_a_rating_once_the_answer_was_delivered(as_user, unit, staff):
    complaint = engine.complaint_record(unit=unit, actor=staff["jfu"], data=intake_data())
    public = as_user(None)
    path = f"/public/complaints/{complaint.tracking_code}/rating"
    assert public.post(path, {"score": 5}).status_code == 409
    advance(complaint, staff, to_step=6)
    assert public.post(path, {"score": 9}).status_code == 422
    rated = public.post(path, {"score": 4, "comment": "Cepat."})
    assert rated.status_code == 201 and rated.json()["score"] == 4
    assert public.post(path, {"score": 5}).status_code == 409
    status = public.get(f"/public/complaints/{complaint.tracking_code}").json()
    assert status["rating"] == 4 and not status["can_rate"]


def test_it_counts_submissions_against_the_portals_limit(as_user, unit, client):
    public = as_user(None)
    statuses = [public.post("/public/complaints", SUBMISSION).status_code for _ in range(5)]
    assert statuses == [201] * 5
    refused = public.post("/public/complaints", SUBMISSION)
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    # The portal's form shares the counter: the same person is not let in through the other door.
    assert client.post("/pengaduan/baru/", {}).status_code == 429


def test_on_postgresql_a_submission_takes_its_keys_with_its_first_read(unit, jfu, client):
    """As the portal's form: the keys the complaint's rows refer to each other by cost no round trip of their own
    (engine.complaint_expected), they go with the caches' stamps."""
    import pytest
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from pengaduan import inserts

    if not inserts.can_send_together():
        pytest.skip("PostgreSQL: statements sent together")
    client.post("/api/v1/public/complaints", SUBMISSION, content_type="application/json")  # caches filled
    with CaptureQueriesContext(connection) as queries:
        response = client.post("/api/v1/public/complaints", {**SUBMISSION, "summary": "Yang kedua"},
                               content_type="application/json")
    assert response.status_code == 201, response.json()
    keys = [query["sql"] for query in queries if "nextval" in query["sql"]]
    assert len(keys) == 1 and "units_stamp" in keys[0]
