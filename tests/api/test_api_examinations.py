"""Examinations through the JSON API: ordered by the decision step, reported (LHP) by the Irban."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from pengaduan.api.services import token_create
from pengaduan.complaints.engine import complaint_record
from pengaduan.complaints.models import Examination
from factories import intake_data, make_user
from madiun_steps import STEP_DATA, advance

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture
def irban_api(unit, tokens, as_user):
    """The API as the unit's Irban (a token added to the officers' tokens)."""
    irban = make_user("irban", unit=unit, roles=("irban",))
    tokens["irban"] = token_create(user=irban, name="test")[1]
    return as_user("irban")


def test_the_decision_orders_an_examination_and_the_irban_reports_it(unit, staff, as_user, irban_api):
    complaint = complaint_record(unit=unit, actor=staff["jfu"], data=intake_data())
    advance(complaint, staff, to_step=3)
    inspektur = as_user("inspektur")
    ordered = inspektur.post(f"/complaints/{complaint.pk}/steps/3", {
        **STEP_DATA[3], "decision_type": "examination", "order": "", "examination_brief": "Periksa loket."})
    assert ordered.status_code == 200, ordered.json()
    body = ordered.json()
    assert body["done_at"] is None and body["on_time"] is None
    examination = body["complaint"]["examinations"][0]
    assert examination["brief"] == "Periksa loket." and examination["role"] == "irban"
    assert body["complaint"]["actions"] == ["note"]  # the decision waits for the report
    assert f"examination_report:{examination['id']}" in irban_api.get(f"/complaints/{complaint.pk}").json()["actions"]

    url = f"/complaints/{complaint.pk}/examinations/{examination['id']}/report"
    refused = inspektur.post_multipart(url, {"outcome": "proven", "findings": "x",
                                             "report": SimpleUploadedFile("lhp.pdf", PDF)})
    assert refused.status_code == 403
    missing = irban_api.post_multipart(url, {"outcome": "proven"})
    assert missing.status_code == 422 and {"report", "findings"} <= set(missing.json()["fields"])
    reported = irban_api.post_multipart(url, {"outcome": "proven", "findings": "Terbukti.", "recommendations": "",
                                              "report": SimpleUploadedFile("lhp.pdf", PDF, "application/pdf")})
    assert reported.status_code == 200, reported.json()
    assert reported.json()["examinations"][0]["outcome"] == "proven"
    assert Examination.objects.get().report.size == len(PDF)
    assert "complete_step:3" in inspektur.get(f"/complaints/{complaint.pk}").json()["actions"]
    again = irban_api.post_multipart(url, {"outcome": "proven", "findings": "x",
                                           "report": SimpleUploadedFile("lhp.pdf", PDF)})
    assert again.status_code == 409
