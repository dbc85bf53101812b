"""Every bad input gets a clear 4xx in one JSON format: {"code", "message", "fields"}; never a 5xx."""

import pytest
from factories import intake_data
from madiun_steps import STEP_DATA

from pengaduan.api.models import ApiToken
from pengaduan.complaints import engine


@pytest.fixture
def recorded(unit, staff):
    return engine.complaint_record(unit=unit, actor=staff["jfu"], data=intake_data())


def _assert_error(response, status, code, fields=()):
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["code"] == code and body["message"]
    assert set(fields) <= set(body["fields"]), body
    return body


def test_it_refuses_a_request_without_a_valid_token(as_user, client):
    _assert_error(as_user(None).get("/complaints"), 401, "not_authenticated")
    _assert_error(client.get("/api/v1/me", HTTP_AUTHORIZATION="Bearer pgd_nonsense"), 401, "not_authenticated")
    response = client.get("/api/v1/me", HTTP_AUTHORIZATION="Token abc")
    assert response.status_code == 401 and response["WWW-Authenticate"].startswith("Bearer")


def test_it_refuses_a_revoked_or_expired_token(as_user, tokens):
    ApiToken.objects.filter(user__username="jfu").update(revoked_at="2026-01-01T00:00Z")
    _assert_error(as_user("jfu").get("/me"), 401, "not_authenticated")
    ApiToken.objects.filter(user__username="kasubag").update(expires_at="2026-01-01T00:00Z")
    _assert_error(as_user("kasubag").get("/me"), 401, "not_authenticated")
    assert as_user("sekretaris").get("/me").status_code == 200


def test_it_refuses_a_token_whose_user_was_deactivated(as_user, staff):
    staff["jfu"].is_active = False
    staff["jfu"].save()
    _assert_error(as_user("jfu").get("/me"), 401, "not_authenticated")


def test_it_refuses_bad_json(as_user, recorded):
    _assert_error(as_user("jfu").post("/complaints", "{not json"), 400, "bad_request")
    _assert_error(as_user("sekretaris").post(f"/complaints/{recorded.pk}/steps/2", b"\xff\xfe"), 400, "bad_request")
    _assert_error(as_user("sekretaris").post(f"/complaints/{recorded.pk}/notes", "[1,"), 400, "bad_request")
    _assert_error(as_user("jfu").post("/complaints", "[1, 2]"), 422, "invalid", ["body"])


def test_it_names_fields_of_the_wrong_type(as_user, recorded):
    body = _assert_error(as_user("jfu").post("/complaints", intake_data(summary=["a"], is_anonymous="yes")),
                         422, "invalid", ["summary", "is_anonymous"])
    assert body["fields"]["summary"] == ["Harus berupa teks (string)."]  # Indonesian, the default language
    _assert_error(as_user("sekretaris").post(f"/complaints/{recorded.pk}/steps/2", {**STEP_DATA[2], "notes": 3}),
                  422, "invalid", ["notes"])
    _assert_error(as_user("sekretaris").post(f"/complaints/{recorded.pk}/notes", {"text": 5}), 422, "invalid",
                  ["text"])
    _assert_error(as_user("sekretaris").get("/complaints", {"step": "two", "overdue": "maybe"}), 422, "invalid",
                  ["step", "overdue"])
    _assert_error(as_user("jfu").post("/complaints", intake_data(unit=5, linked_to="x")), 422, "invalid",
                  ["unit", "linked_to"])


def test_it_names_unknown_and_missing_fields(as_user, recorded):
    _assert_error(as_user("jfu").post("/complaints", {**intake_data(), "colour": "red"}), 422, "invalid", ["colour"])
    body = _assert_error(as_user("jfu").post("/complaints", {"channel": "telephone"}), 422, "invalid",
                         ["summary", "description", "subject", "caller_number", "complainant_name"])
    assert all(body["fields"][name] for name in body["fields"])
    _assert_error(as_user("sekretaris").post(f"/complaints/{recorded.pk}/steps/2", {"notes": "x"}), 422, "invalid",
                  ["complaint_type"])
    _assert_error(as_user("sekretaris").post(f"/complaints/{recorded.pk}/notes", {}), 422, "invalid", ["text"])
    _assert_error(as_user("sekretaris").post(f"/complaints/{recorded.pk}/notes", {"text": "  "}), 422, "invalid",
                  ["text"])
    _assert_error(as_user("sekretaris").post(f"/complaints/{recorded.pk}/coordination", {"role": "kasubag"}),
                  422, "invalid", ["question"])
    _assert_error(as_user("jfu").post("/complaints", intake_data(evidence="x")), 422, "invalid", ["evidence"])


def test_it_answers_404_for_unknown_ids_and_other_units_complaints(as_user, recorded):
    sekretaris = as_user("sekretaris")
    _assert_error(sekretaris.get("/complaints/999999"), 404, "not_found")
    _assert_error(sekretaris.get("/complaints/99999999999999999999"), 404, "not_found")
    _assert_error(sekretaris.post("/complaints/999999/steps/2", STEP_DATA[2]), 404, "not_found")
    _assert_error(sekretaris.post(f"/complaints/{recorded.pk}/coordination/999/answer", {"answer": "x"}), 404,
                  "not_found")
    _assert_error(sekretaris.get("/attachments/999999"), 404, "not_found")
    _assert_error(sekretaris.get("/no/such/endpoint"), 404, "not_found")
    outsider = as_user("outsider")  # every role, in another unit
    _assert_error(outsider.get(f"/complaints/{recorded.pk}"), 404, "not_found")
    _assert_error(outsider.post(f"/complaints/{recorded.pk}/steps/2", STEP_DATA[2]), 404, "not_found")
    assert all(item["id"] != recorded.pk for item in outsider.get("/complaints").json()["items"])


def test_it_answers_403_for_the_wrong_role(as_user, recorded):
    _assert_error(as_user("jfu").post(f"/complaints/{recorded.pk}/steps/2", STEP_DATA[2]), 403, "not_permitted")
    _assert_error(as_user("kasubag").post(f"/complaints/{recorded.pk}/information-requests", {"question": "?"}),
                  403, "not_permitted")
    _assert_error(as_user("sekretaris").post("/complaints", intake_data()), 403, "not_permitted")
    _assert_error(as_user("sekretaris").post(f"/complaints/{recorded.pk}/set-aside",
                                             {"reason": "spam", "note": "x"}), 403, "not_permitted")


def test_it_answers_409_when_the_moment_is_wrong(as_user, recorded):
    _assert_error(as_user("inspektur").post(f"/complaints/{recorded.pk}/steps/3", STEP_DATA[3]), 409, "conflict")
    _assert_error(as_user("jfu").post(f"/complaints/{recorded.pk}/steps/1", intake_data()), 409, "conflict")
    _assert_error(as_user("sekretaris").post(f"/complaints/{recorded.pk}/resume"), 409, "conflict")
    _assert_error(as_user("sekretaris").post(f"/complaints/{recorded.pk}/coordination",
                                             {"role": "inspektur", "question": "?"}), 409, "conflict")
    _assert_error(as_user(None).post(f"/public/complaints/{recorded.tracking_code}/rating", {"score": 4}), 409,
                  "conflict")


def test_it_answers_405_and_415_in_json(as_user, client, recorded):
    body = _assert_error(as_user("jfu").client.delete("/api/v1/complaints",
                                                      HTTP_AUTHORIZATION=f"Bearer {as_user('jfu').token}"),
                         405, "method_not_allowed")
    assert "GET" in body["message"]
    response = client.post("/api/v1/complaints", "channel=walk_in", content_type="text/plain",
                           HTTP_AUTHORIZATION=f"Bearer {as_user('jfu').token}")
    _assert_error(response, 415, "unsupported_media_type")


def test_it_refuses_a_body_over_one_megabyte(as_user, recorded):
    huge = {"text": "x" * (1024 * 1024 + 1)}
    _assert_error(as_user("sekretaris").post(f"/complaints/{recorded.pk}/notes", huge), 413, "too_large")
    _assert_error(as_user(None).post("/public/complaints", {"description": "x" * (1024 * 1024)}), 413, "too_large")


def test_it_limits_requests_per_token_with_retry_after(as_user, settings):
    settings.API_RATE_LIMITS = {"api_token": (3, 600)}
    jfu = as_user("jfu")
    assert [jfu.get("/me").status_code for _ in range(3)] == [200, 200, 200]
    response = jfu.get("/me")
    _assert_error(response, 429, "rate_limited")
    assert 0 < int(response["Retry-After"]) <= 600
    assert as_user("sekretaris").get("/me").status_code == 200  # another token, its own budget


def test_it_limits_requests_per_address(as_user, settings):
    settings.API_RATE_LIMITS = {"api_ip": (2, 60)}
    public = as_user(None)
    assert public.get("/public/complaints/AAAAA-BBBBB-CCCCC").status_code == 404
    assert public.get("/public/complaints/AAAAA-BBBBB-CCCCC").status_code == 404
    response = as_user("jfu").get("/me")
    _assert_error(response, 429, "rate_limited")
    assert int(response["Retry-After"]) <= 60


def test_it_speaks_the_language_the_client_asks_for(as_user):
    assert as_user(None).get("/me", HTTP_ACCEPT_LANGUAGE="en").json()["message"].startswith("Send a valid API token")
    response = as_user("jfu").post("/complaints", {}, HTTP_ACCEPT_LANGUAGE="id")
    assert response.json()["message"] == "Mohon perbaiki isian yang ditandai."


@pytest.mark.parametrize("field, value", [("received_at", "0001-01-01T00:00"), ("received_at", "2500-01-01T00:00"),
                                          ("event_date", "0001-01-01")])
def test_it_refuses_dates_out_of_any_reasonable_range(as_user, field, value):
    _assert_error(as_user("jfu").post("/complaints", intake_data(**{field: value})), 422, "invalid", [field])
    response = as_user("jfu").post_multipart("/complaints", intake_data(**{field: value}))
    _assert_error(response, 422, "invalid", [field])


def test_it_refuses_report_periods_out_of_range(as_user, unit):
    _assert_error(as_user("jfu").get("/compliance", {"date_to": "9999-12-31"}), 422, "invalid", ["date_to"])
    _assert_error(as_user("jfu").get("/complaints", {"received_to": "9999-12-31"}), 422, "invalid", ["received_to"])


def test_it_needs_no_csrf_token_from_programs(recorded, tokens, services, open311_key):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    submitted = strict.post("/api/v1/public/complaints", {"summary": "a", "description": "b", "subject": "c",
                                                          "is_anonymous": True}, content_type="application/json")
    assert submitted.status_code == 201, submitted.content
    note = strict.post(f"/api/v1/complaints/{recorded.pk}/notes", {"text": "x"}, content_type="application/json",
                       HTTP_AUTHORIZATION=f"Bearer {tokens['jfu']}")
    assert note.status_code == 201
    assert strict.post("/api/v1/nothing", {}).status_code == 404
    assert strict.post("/open311/v2/requests.json", {"api_key": open311_key, "service_code": "lainnya",
                                                     "description": "x"}).status_code == 201


def test_it_answers_503_when_the_database_is_busy(as_user, monkeypatch):
    from django.db import OperationalError

    def locked(*_args, **_kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr("pengaduan.api.selectors.complaints_for_api", locked)
    response = as_user("jfu").get("/complaints")
    _assert_error(response, 503, "busy")
    assert response["Retry-After"] == "5"
