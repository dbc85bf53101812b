"""Reading through the API: lists with the inbox's filters, one complaint, files, the register and compliance."""

from datetime import timedelta

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from factories import intake_data, tiny_jpeg, wib
from madiun_steps import STEP_DATA, advance

from pengaduan.complaints import engine
from pengaduan.complaints.models import Complaint


@pytest.fixture
def cases(unit, staff):
    """A recorded walk-in at step 2, a telephone complaint at step 3, and a web complaint waiting at step 1."""
    walk_in = engine.complaint_record(unit=unit, actor=staff["jfu"], data=intake_data(summary="Pungli KTP"))
    phone = engine.complaint_record(unit=unit, actor=staff["jfu"], data=intake_data(
        channel="telephone", caller_number="0351 123", summary="Izin usaha lambat", complainant_name="Hendra"))
    advance(phone, staff, to_step=3)
    web = engine.complaint_receive(unit=unit, data=intake_data(channel="web", summary="Lampu jalan mati"))
    return {"walk_in": walk_in, "phone": phone, "web": web}


def _ids(response):
    assert response.status_code == 200, response.json()
    return [item["id"] for item in response.json()["items"]]


def test_it_lists_and_filters_like_the_inbox(as_user, cases):
    api = as_user("sekretaris")
    assert set(_ids(api.get("/complaints"))) == {case.pk for case in cases.values()}
    assert _ids(api.get("/complaints", {"step": 3})) == [cases["phone"].pk]
    assert _ids(api.get("/complaints", {"channel": "web"})) == [cases["web"].pk]
    assert _ids(api.get("/complaints", {"q": "pungli"})) == [cases["walk_in"].pk]
    assert _ids(api.get("/complaints", {"q": "hendra"})) == [cases["phone"].pk]
    assert _ids(api.get("/complaints", {"type": "aspirasi"})) == []
    assert set(_ids(api.get("/complaints", {"status": "open"}))) == {case.pk for case in cases.values()}
    assert _ids(api.get("/complaints", {"status": "closed"})) == []
    page = api.get("/complaints", {"limit": 2, "offset": 2}).json()
    assert page["count"] == 3 and len(page["items"]) == 1 and page["limit"] == 2


def test_it_filters_overdue_complaints(as_user, cases):
    api = as_user("sekretaris")
    assert _ids(api.get("/complaints", {"overdue": "true"})) == []
    with time_machine.travel(cases["phone"].received_at + timedelta(days=40)):
        overdue = api.get("/complaints", {"overdue": "true"}).json()["items"]
        assert {item["id"] for item in overdue} == {case.pk for case in cases.values()}
        assert all(item["overdue"] for item in overdue)
        assert _ids(api.get("/complaints", {"overdue": "false"})) == []


def test_it_shows_one_complaint_with_its_timeline_and_the_callers_actions(as_user, cases, staff):
    phone = cases["phone"]
    detail = as_user("inspektur").get(f"/complaints/{phone.pk}").json()
    assert [step["state"] for step in detail["steps"]] == ["done", "done", "current", "pending", "pending"]
    clarified = detail["steps"][1]
    assert clarified["done_by"] == "sekretaris" and clarified["on_time"] is not None
    assert clarified["output"]["category"] == STEP_DATA[2]["category"]
    assert detail["current"]["kind"] == "decide" and detail["current"]["role"] == "inspektur"
    assert detail["deadline"] == detail["due_at"] == detail["current"]["due_at"]
    assert detail["actions"] == ["complete_step:3", "information_request", "note"]
    assert detail["complainant"]["name"] == "Hendra"
    assert [event["kind"] for event in detail["events"]][:2] == ["received", "recorded"]  # received: step 1 started
    # Others see the same complaint, but may only write notes.
    assert as_user("kasubag").get(f"/complaints/{phone.pk}").json()["actions"] == ["note"]
    assert as_user("kasubag").get(f"/complaints/{phone.pk}").json()["current"]["initial"] == {}


def test_it_keeps_no_identity_of_an_anonymous_complainant(as_user, unit, staff):
    complaint = engine.complaint_record(unit=unit, actor=staff["jfu"], data=intake_data(is_anonymous="on"))
    detail = as_user("jfu").get(f"/complaints/{complaint.pk}").json()
    assert detail["is_anonymous"] and detail["complainant"] is None


def test_it_takes_evidence_files_and_serves_them_only_to_the_unit(as_user, outsider):
    jfu = as_user("jfu")
    photo = SimpleUploadedFile("bukti.jpg", tiny_jpeg(), content_type="image/jpeg")
    created = jfu.post_multipart("/complaints", {**intake_data(), "evidence": [photo]})
    assert created.status_code == 201, created.json()
    attachment = created.json()["attachments"][0]
    assert attachment["purpose"] == "evidence" and attachment["content_type"] == "image/jpeg"

    download = jfu.client.get(attachment["url"], HTTP_AUTHORIZATION=f"Bearer {jfu.token}")
    assert download.status_code == 200 and download["Content-Type"] == "image/jpeg"
    assert b"".join(download.streaming_content)[:2] == b"\xff\xd8"
    assert as_user("outsider").get(f"/attachments/{attachment['id']}").status_code == 404


def test_it_applies_the_upload_checks(as_user):
    fake = SimpleUploadedFile("bukti.pdf.exe", b"MZ\x90\x00", content_type="application/pdf")
    refused = as_user("jfu").post_multipart("/complaints", {**intake_data(), "evidence": [fake]})
    assert refused.status_code == 422 and "evidence" in refused.json()["fields"]
    assert not Complaint.objects.exists()


def test_it_completes_a_step_with_a_proof_file(as_user, unit, staff):
    complaint = engine.complaint_record(unit=unit, actor=staff["jfu"], data=intake_data())
    advance(complaint, staff, to_step=5)
    proof = SimpleUploadedFile("tanda-terima.jpg", tiny_jpeg(), content_type="image/jpeg")
    done = as_user("jfu").post_multipart(f"/complaints/{complaint.pk}/steps/5", {
        "method": "in_person", "recipient": "Siti Aminah", "proof": proof})
    assert done.status_code == 200, done.json()
    detail = done.json()["complaint"]
    assert detail["status"] == "closed"
    assert [item["purpose"] for item in detail["attachments"]] == ["proof"]


def test_it_reads_the_register_of_a_unit_and_year(as_user, cases, unit):
    Complaint.objects.filter(pk=cases["phone"].pk).update(is_confidential=True)
    register = as_user("kasubag").get("/register", {"unit": unit.code}).json()
    assert register["unit"]["code"] == unit.code and register["count"] == 2
    assert [entry["sequence"] for entry in register["items"]] == [1, 2]
    assert register["items"][0]["complainant"] == "Siti Aminah"
    assert register["items"][1]["complainant"] != "Hendra"  # confidential
    assert as_user("kasubag").get("/register", {"year": 2001}).json()["count"] == 0
    refused = as_user("kasubag").get("/register", {"unit": "DINKES"})
    assert refused.status_code == 422 and "unit" in refused.json()["fields"]


def test_it_computes_compliance_per_step(as_user, unit, staff):
    # Three complaints whose step 2 took 5, 10 and 30 minutes (the SOP allows 10): median 10, two of three on time.
    for minutes in (5, 10, 30):
        start = wib(2026, 3, 2, 8, 0)
        with time_machine.travel(start, tick=False):
            complaint = engine.complaint_record(unit=unit, actor=staff["jfu"], data=intake_data(event_date=None))
        with time_machine.travel(start + timedelta(minutes=minutes), tick=False):
            engine.step_complete(complaint=complaint, actor=staff["sekretaris"], step_number=2, data=STEP_DATA[2])
    figures = as_user("inspektur").get("/compliance", {"date_from": "2026-03-01", "date_to": "2026-03-31"}).json()
    by_step = {step["number"]: step for step in figures["steps"]}
    assert by_step[2]["done"] == 3 and by_step[2]["on_time"] == 2
    assert by_step[2]["on_time_share"] == pytest.approx(2 / 3)
    assert by_step[2]["median_minutes"] == 10
    assert by_step[1]["done"] == 3 and by_step[1]["median_minutes"] == 0
    assert by_step[3]["done"] == 0 and by_step[3]["median_minutes"] is None and by_step[3]["on_time_share"] is None
    assert as_user("inspektur").get("/compliance", {"date_from": "2026-04-01", "date_to": "2026-03-01"}
                                    ).status_code == 422


def test_it_describes_each_kind_of_step(as_user, unit):
    kinds = as_user("jfu").get("/step-kinds").json()
    assert set(kinds) == {"intake", "clarify", "decide", "draft_answer", "deliver", "review"}
    decision = {field["name"]: field for field in kinds["decide"]}
    assert decision["decision_type"]["type"] == "choice" and decision["decision_type"]["required"]
    assert {choice["value"] for choice in decision["decision_type"]["choices"]} >= {"answer", "forward"}
    assert decision["meeting_minutes_file"]["type"] == "file"


def test_it_tells_who_the_token_belongs_to(as_user, unit):
    me = as_user("kasubag").get("/me").json()
    assert me["username"] == "kasubag" and me["token"] == "test"
    assert me["units"] == [{"unit": {"code": unit.code, "name": unit.name}, "roles": ["kasubag"]}]
