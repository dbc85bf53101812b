"""The public API and Open311 for a Pemda: submissions name the unit by its code; services are per unit."""

import json

import pytest

from pengaduan.api.models import Open311Request, Open311Service
from pengaduan.api.services import key_create
from pengaduan.complaints.codes import tracking_code_filter
from pengaduan.complaints.models import Complaint
from pengaduan.sop.selectors import current_sop

pytestmark = pytest.mark.django_db

SUBMISSION = {
    "summary": "Obat di puskesmas kosong",
    "description": "Resep tidak bisa ditebus karena stok kosong sebulan.",
    "subject": "Puskesmas Oro-oro Ombo",
    "complainant_name": "Siti Aminah",
    "complainant_email": "siti@example.org",
}


def _submit(client, body):
    return client.post("/api/v1/public/complaints", json.dumps(body), content_type="application/json")


def test_it_takes_the_unit_code_with_a_public_submission(client, pemda):
    response = _submit(client, {**SUBMISSION, "unit": "dinkes"})
    assert response.status_code == 201, response.json()
    body = response.json()
    complaint = Complaint.objects.get(tracking_code_filter(body["tracking_code"]))
    assert complaint.unit == pemda["DINKES"] and complaint.sop == current_sop(pemda["DINKES"])
    assert body["unit"]["code"] == "DINKES" and body["unit"]["is_triage"] is False


def test_it_sends_a_public_submission_without_a_unit_to_the_triage_unit(client, pemda):
    response = _submit(client, SUBMISSION)
    assert response.status_code == 201
    assert Complaint.objects.get().unit == pemda["INSP"] and response.json()["unit"]["is_triage"] is True


def test_it_refuses_an_unknown_unit_code_clearly(client, pemda):
    response = _submit(client, {**SUBMISSION, "unit": "NOPE"})
    assert response.status_code == 422
    assert "NOPE" in response.json()["fields"]["unit"][0]
    assert not Complaint.objects.exists()


def test_it_lists_the_units_a_complaint_may_go_to(client, pemda):
    units = client.get("/api/v1/public/units").json()
    assert [(item["code"], item["is_triage"]) for item in units] == [("DINKES", False), ("INSP", True)]
    assert units[0]["services"].startswith("Puskesmas")


@pytest.fixture
def unit_services(pemda):
    shared = Open311Service.objects.get_or_create(code="lainnya", unit=None, defaults={"name": "Lainnya"})[0]
    dinkes = Open311Service.objects.create(unit=pemda["DINKES"], code="antrean", name="Antrean puskesmas",
                                           description="Antrean dan pendaftaran di puskesmas.")
    # The same code in another unit is another service.
    insp = Open311Service.objects.create(unit=pemda["INSP"], code="antrean", name="Antrean layanan",
                                         group="Pelayanan")
    return {"shared": shared, "DINKES": dinkes, "INSP": insp}


def test_it_lists_every_units_open311_services_under_the_units_code(client, unit_services):
    listed = {item["service_code"]: item for item in client.get("/open311/v2/services.json").json()}
    assert {"DINKES.antrean", "INSP.antrean", "lainnya"} <= set(listed)
    assert listed["DINKES.antrean"]["group"] == "Dinas Kesehatan Kota Madiun"  # no group of its own: its unit
    assert listed["INSP.antrean"]["group"] == "Pelayanan"
    only_dinkes = {item["service_code"] for item in
                   client.get("/open311/v2/services.json", {"jurisdiction_id": "DINKES"}).json()}
    assert "DINKES.antrean" in only_dinkes and "INSP.antrean" not in only_dinkes and "lainnya" in only_dinkes
    definition = client.get("/open311/v2/services/DINKES.antrean.json")
    assert definition.status_code == 200 and definition.json()["service_code"] == "DINKES.antrean"
    assert client.get("/open311/v2/services/SATPOLPP.antrean.json").status_code == 404


def test_it_sends_an_open311_request_to_its_services_unit(client, unit_services):
    key = key_create(name="Aplikasi warga")[1]
    posted = client.post("/open311/v2/requests.json", {
        "api_key": key, "service_code": "DINKES.antrean", "description": "Antre tiga jam.", "first_name": "Siti",
        "email": "siti@example.org"})
    assert posted.status_code == 201, posted.content
    item = Open311Request.objects.select_related("complaint__unit").get()
    assert item.complaint.unit == unit_services["DINKES"].unit and item.service_code == "DINKES.antrean"
    listed = client.get("/open311/v2/requests.json", {"service_code": "DINKES.antrean"}).json()
    assert [entry["service_name"] for entry in listed] == ["Antrean puskesmas"]
    assert listed[0]["agency_responsible"] == "Dinas Kesehatan Kota Madiun"
    wrong_unit = client.post("/open311/v2/requests.json", {
        "api_key": key, "service_code": "DINKES.antrean", "jurisdiction_id": "INSP", "description": "x",
        "first_name": "Siti", "email": "siti@example.org"})
    assert wrong_unit.status_code == 400 and "DINKES" in wrong_unit.json()[0]["description"]
    shared = client.post("/open311/v2/requests.json", {
        "api_key": key, "service_code": "lainnya", "description": "Lain-lain.", "first_name": "Budi",
        "email": "budi@example.org"})
    assert shared.status_code == 201
    assert Complaint.objects.get(pk=int(shared.json()[0]["service_request_id"])).unit == unit_services["INSP"].unit
