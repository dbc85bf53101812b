"""The whole SOP through the JSON API alone: four officers, four tokens, one complaint from intake to closure."""

from factories import intake_data
from madiun_steps import STEP_DATA

from django.contrib.auth.models import User

from pengaduan.complaints import engine
from pengaduan.complaints.codes import tracking_code_filter
from pengaduan.complaints.models import Complaint, Event


def _complete(api, complaint_id, number, data=None):
    return api.post(f"/complaints/{complaint_id}/steps/{number}", STEP_DATA[number] if data is None else data)


def test_it_runs_the_whole_sop_through_the_api(as_user):
    jfu, sekretaris, kasubag, inspektur = (as_user(name) for name in ("jfu", "sekretaris", "kasubag", "inspektur"))

    recorded = jfu.post("/complaints", intake_data())
    assert recorded.status_code == 201, recorded.json()
    complaint = recorded.json()
    complaint_id = complaint["id"]
    assert complaint["register_number"].endswith("/PGD/INSP/" + complaint["register_number"][-4:])
    assert complaint["current_step"] == 2 and complaint["current_role"] == "sekretaris"
    assert complaint["steps"][0]["state"] == "done" and complaint["steps"][0]["done_by"] == "jfu"

    seen = sekretaris.get(f"/complaints/{complaint_id}").json()
    assert seen["actions"] == ["complete_step:2", "coordination_request", "information_request", "note"]
    assert seen["current"]["number"] == 2 and seen["deadline"] == seen["current"]["due_at"]
    assert {field["name"] for field in seen["current"]["inputs"]} >= {"notes", "complaint_type", "category"}

    asked = sekretaris.post(f"/complaints/{complaint_id}/coordination",
                            {"role": "kasubag", "question": "Apakah petugas loket sudah dikonfirmasi?"})
    assert asked.status_code == 201, asked.json()
    question_id = asked.json()["id"]
    assert _complete(sekretaris, complaint_id, 2).status_code == 409  # the question is still open
    assert f"coordination_answer:{question_id}" in kasubag.get(f"/complaints/{complaint_id}").json()["actions"]
    answered = kasubag.post(f"/complaints/{complaint_id}/coordination/{question_id}/answer",
                            {"answer": "Sudah, petugas mengakui dan akan dibina."})
    assert answered.status_code == 200 and answered.json()["answered_by"] == "kasubag"

    for number, officer in ((2, sekretaris), (3, inspektur), (4, sekretaris), (5, jfu)):
        done = _complete(officer, complaint_id, number)
        assert done.status_code == 200, (number, done.json())
        assert done.json()["number"] == number

    final = jfu.get(f"/complaints/{complaint_id}").json()
    assert final["status"] == "closed" and final["closed_at"] and final["current"] is None
    assert [step["done_by"] for step in final["steps"]] == ["jfu", "sekretaris", "inspektur", "sekretaris", "jfu"]
    assert all(step["on_time"] is not None for step in final["steps"])
    assert final["decision_type"] == "examination"
    assert final["actions"] == ["note"]

    stored = Complaint.objects.get(pk=complaint_id)
    assert stored.status == Complaint.Status.CLOSED
    kinds = list(stored.events.values_list("kind", flat=True))
    assert kinds.count(Event.Kind.STEP_COMPLETED) == 5 and Event.Kind.COORDINATION_ANSWERED in kinds

    # The complainant follows and rates it without a token.
    public = as_user(None)
    stored.tracking_code = engine.tracking_code_reissue(  # the receipt the recording officer prints for them
        complaint=stored, actor=User.objects.get(username="jfu"))
    status = public.get(f"/public/complaints/{stored.tracking_code}").json()
    assert status["state"] == "closed" and status["can_rate"] and status["answer"] == STEP_DATA[4]["answer"]
    assert public.post(f"/public/complaints/{stored.tracking_code}/rating", {"score": 5}).status_code == 201


def test_it_refuses_a_step_out_of_turn_and_by_the_wrong_role(as_user):
    complaint_id = as_user("jfu").post("/complaints", intake_data()).json()["id"]

    wrong_role = _complete(as_user("inspektur"), complaint_id, 2)
    assert wrong_role.status_code == 403 and wrong_role.json()["code"] == "not_permitted"
    not_current = _complete(as_user("inspektur"), complaint_id, 3)
    assert not_current.status_code == 409 and not_current.json()["code"] == "conflict"
    done_twice = _complete(as_user("jfu"), complaint_id, 1, intake_data())
    assert done_twice.status_code == 409
    no_such_step = _complete(as_user("jfu"), complaint_id, 9, {})
    assert no_such_step.status_code == 409


def test_it_takes_in_a_web_complaint_and_records_it_as_step_one(as_user):
    submitted = as_user(None).post("/public/complaints", {
        "summary": "Antrean tanpa nomor", "description": "Tidak ada nomor antrean di loket.",
        "subject": "Puskesmas", "complainant_name": "Ani", "complainant_email": "ani@example.org",
    })
    assert submitted.status_code == 201, submitted.json()
    code = submitted.json()["tracking_code"]
    complaint = Complaint.objects.get(tracking_code_filter(code))
    assert complaint.channel == "web" and not complaint.is_recorded and complaint.is_confidential

    jfu = as_user("jfu")
    assert jfu.get(f"/complaints/{complaint.pk}").json()["actions"][:2] == ["complete_step:1", "set_aside"]
    initial = jfu.get(f"/complaints/{complaint.pk}").json()["current"]["initial"]
    done = _complete(jfu, complaint.pk, 1, {**initial, "received_at": None})
    assert done.status_code == 200, done.json()
    assert done.json()["complaint"]["register_number"]


def test_it_sets_aside_spam_that_came_through_the_public_endpoint(as_user):
    code = as_user(None).post("/public/complaints", {
        "summary": "Promo", "description": "Beli sekarang", "subject": "Toko", "is_anonymous": True,
    }).json()["tracking_code"]
    complaint = Complaint.objects.get(tracking_code_filter(code))

    refused = as_user("sekretaris").post(f"/complaints/{complaint.pk}/set-aside", {"reason": "spam", "note": "Iklan"})
    assert refused.status_code == 403
    done = as_user("jfu").post(f"/complaints/{complaint.pk}/set-aside", {"reason": "spam", "note": "Iklan"})
    assert done.status_code == 200 and done.json()["status"] == "set_aside"
    assert as_user(None).get(f"/public/complaints/{code}").json()["state"] == "set_aside"


def test_it_asks_which_unit_when_the_officer_records_for_several(as_user, jfu, unit):
    from factories import make_unit

    from pengaduan.units.models import Membership

    second = make_unit(code="INSP2", name="Inspektorat Pembantu")
    Membership.objects.create(user=jfu, unit=second, role="jfu")
    refused = as_user("jfu").post("/complaints", intake_data())
    assert refused.status_code == 422 and "INSP2" in refused.json()["fields"]["unit"][0]
    recorded = as_user("jfu").post("/complaints", intake_data(unit="insp2"))
    assert recorded.status_code == 201 and recorded.json()["unit"] == "INSP2"
