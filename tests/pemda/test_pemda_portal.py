"""One portal for the Pemda's units: the units listed, a unit chosen or "I don't know" (the triage unit),
statistics for the whole Pemda and per unit."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from pengaduan.complaints import engine
from pengaduan.complaints.models import Complaint
from pengaduan.portal import forms as portal_forms
from pengaduan.sop.selectors import current_sop
from pengaduan.units.selectors import portal_unit
from factories import intake_data, make_unit

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_minimum_fill_time(monkeypatch):
    monkeypatch.setattr(portal_forms, "MIN_FILL_SECONDS", 0)
    cache.clear()


def submit(client, **overrides):
    data = {
        "complaint_type": "pengaduan", "summary": "Antrean puskesmas tanpa nomor urut",
        "description": "Pasien menunggu tiga jam tanpa kepastian.", "subject": "Puskesmas Oro-oro Ombo",
        "complainant_name": "Siti Aminah", "complainant_phone": "081234567890", "is_confidential": "on",
        "privacy_ack": "on", "website": "", "token": portal_forms.form_token(), **overrides,
    }
    return client.post(reverse("portal:complain"), data)


def test_it_sends_a_complaint_to_i_dont_know_to_the_triage_unit(client, pemda):
    response = submit(client, unit="")
    assert response.status_code == 302, response.context["form"].errors
    complaint = Complaint.objects.get()
    assert complaint.unit == pemda["INSP"] and complaint.sop == current_sop(pemda["INSP"])
    assert "Inspektorat Kota Madiun" in client.get(response.url).text


def test_it_takes_the_triage_unit_from_the_setting_before_the_flag(client, pemda, settings):
    settings.PORTAL_TRIAGE_UNIT = "DINKES"
    assert portal_unit() == pemda["DINKES"]
    submit(client, unit="")
    assert Complaint.objects.get().unit == pemda["DINKES"]


def test_it_keeps_portal_unit_as_the_default_without_a_triage_unit(unit, dinkes, settings):
    assert portal_unit() == unit  # the first unit, as before
    settings.PORTAL_UNIT = "DINKES"
    assert portal_unit() == dinkes


def test_it_refuses_a_second_triage_unit(pemda):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        make_unit(code="SATPOLPP", name="Satpol PP", is_triage=True)


def test_it_puts_a_complaint_to_a_chosen_unit_in_its_register_under_its_sop(client, pemda):
    dinkes = pemda["DINKES"]
    assert submit(client, unit="DINKES").status_code == 302
    complaint = Complaint.objects.get()
    assert complaint.unit == dinkes and complaint.sop == current_sop(dinkes)
    run = complaint.step_runs.get()
    assert run.role == "petugas"  # the Dinkes SOP's first performer, not the Inspektorat's JFU
    from django.contrib.auth import get_user_model

    officer = get_user_model().objects.get(username="petugas.dinkes")
    engine.step_complete(complaint=complaint, actor=officer, step_number=1, data=intake_data(channel="web"))
    complaint.refresh_from_db()
    assert complaint.register_number == f"0001/PGD/DINKES/{complaint.register_year}"


def test_it_refuses_a_unit_the_portal_does_not_list(client, pemda):
    pemda["DINKES"].on_portal = False
    pemda["DINKES"].save()
    make_unit(code="SATPOLPP", name="Satpol PP")
    response = submit(client, unit="DINKES")
    assert response.status_code == 200 and "unit" in response.context["form"].errors
    assert not Complaint.objects.exists()


def test_it_asks_for_the_unit_only_when_there_are_several(client, unit):
    assert 'name="unit"' not in client.get(reverse("portal:complain")).text
    make_unit(code="DINKES", name="Dinas Kesehatan")
    page = client.get(reverse("portal:complain") + "?unit=DINKES").text
    assert 'name="unit"' in page and "Saya tidak tahu" in page
    assert '<option value="DINKES" selected>' in page


def test_it_lists_the_units_and_shows_a_page_per_unit(client, pemda):
    home = client.get(reverse("portal:home")).text
    assert "Pemerintah Kota Madiun" in home and reverse("portal:unit", args=["DINKES"]) in home
    listing = client.get(reverse("portal:units")).text
    assert "Dinas Kesehatan Kota Madiun" in listing and "Puskesmas, rumah sakit daerah" in listing
    page = client.get(reverse("portal:unit", args=["dinkes"]))
    assert page.status_code == 200
    text = page.text
    # What it handles, its office hours, its SOP's steps in plain words, the form with the unit chosen.
    assert "Puskesmas, rumah sakit daerah" in text and "Senin" in text
    for step in current_sop(pemda["DINKES"]).steps.all():
        assert step.time_limit_text in text
    assert reverse("portal:complain") + "?unit=DINKES" in text
    assert reverse("unit_statistics", args=["DINKES"]) in text
    assert client.get(reverse("portal:unit", args=["NOPE"])).status_code == 404


def test_it_counts_the_whole_pemda_and_each_unit_in_the_statistics(client, pemda):
    for unit, n in ((pemda["INSP"], 2), (pemda["DINKES"], 3)):
        for _ in range(n):
            engine.complaint_receive(unit=unit, data=intake_data(channel="web"))
    whole = client.get(reverse("statistics:public"))
    assert whole.context["stats"].received == 5 and whole.context["unit"] is None
    per_unit = client.get(reverse("statistics:public"), {"unit": "DINKES"})
    assert per_unit.context["stats"].received == 3 and per_unit.context["unit"] == pemda["DINKES"]
    beside_its_page = client.get(reverse("unit_statistics", args=["INSP"]))
    assert beside_its_page.context["stats"].received == 2
    assert "Dinas Kesehatan Kota Madiun" in whole.text  # the unit choice
    assert client.get(reverse("statistics:public"), {"unit": "NOPE"}).status_code == 404
    assert client.get(reverse("unit_statistics", args=["NOPE"])).status_code == 404


def test_it_offers_no_unit_whose_sop_is_not_loaded_yet(client, pemda):
    # A unit being set up: created in the admin, its SOP sheet not loaded yet.
    make_unit(code="DISPERKIM", name="Dinas Perumahan", sop_code="600/01/BELUM/2026")
    assert "DISPERKIM" not in client.get(reverse("portal:complain")).text
    assert client.get(reverse("portal:unit", args=["DISPERKIM"])).status_code == 404
    response = submit(client, unit="DISPERKIM")
    assert response.status_code == 200 and "unit" in response.context["form"].errors
    api = client.post("/api/v1/public/complaints", {"summary": "x", "description": "y", "subject": "z",
                                                     "is_anonymous": True, "unit": "DISPERKIM"},
                      content_type="application/json")
    assert api.status_code == 422 and "unit" in api.json()["fields"]
    assert "DISPERKIM" not in {item["code"] for item in client.get("/api/v1/public/units").json()}
