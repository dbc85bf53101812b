"""On a phone, a citizen finds the Pemda's units, reads one unit's page, and sends a complaint either to a unit
it chose or with "Saya tidak tahu" (the triage unit receives it). Photographed and checked with axe-core."""

import pytest
from factories import EXAMPLE_SOP, load_sop, make_unit
from test_browser_portal import check_accessibility

from pengaduan.complaints.models import Complaint

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def snap(page, folder, name):
    page.screenshot(path=folder / f"pemda-{name}.png", full_page=True)


def _fill(page, summary):
    page.fill("#id_summary", summary)
    page.fill("#id_description", "Pasien menunggu tiga jam di ruang pendaftaran tanpa nomor antrean.")
    page.fill("#id_subject", "Puskesmas Oro-oro Ombo")
    page.fill("#id_complainant_name", "Siti Aminah")
    page.fill("#id_complainant_phone", "081234567890")
    page.check("#id_privacy_ack")


def test_a_citizen_chooses_a_unit_or_says_she_does_not_know_on_a_phone(phone, live_server, unit, screenshots,
                                                                          monkeypatch):
    monkeypatch.setattr("pengaduan.portal.forms.MIN_FILL_SECONDS", 0)
    unit.is_triage, unit.parent_name = True, "Pemerintah Kota Madiun"
    unit.save()
    sop = load_sop(EXAMPLE_SOP)
    dinkes = make_unit(code="DINKES", name="Dinas Kesehatan Kota Madiun", sop_code=sop.code,
                       services="Puskesmas, rumah sakit daerah dan layanan kesehatan.")
    base, page = live_server.url, phone

    page.goto(f"{base}/")
    assert "Dinas Kesehatan Kota Madiun" in page.inner_text("main")
    check_accessibility(page, "home of the Pemda")
    snap(page, screenshots, "00-home")
    page.click("header a[href='/unit/']")
    page.wait_for_url(f"{base}/unit/")
    check_accessibility(page, "units")
    snap(page, screenshots, "01-units")
    page.click("main a[href='/unit/DINKES/']")
    page.wait_for_url(f"{base}/unit/DINKES/")
    assert "Puskesmas, rumah sakit daerah" in page.inner_text("main")
    check_accessibility(page, "unit page")
    snap(page, screenshots, "02-unit")

    page.click("main a[href='/pengaduan/baru/?unit=DINKES']")
    assert page.input_value("#id_unit") == "DINKES"
    check_accessibility(page, "form with the unit chosen")
    _fill(page, "Antrean puskesmas tanpa nomor urut")
    page.locator("#id_unit").scroll_into_view_if_needed()
    snap(page, screenshots, "03-form-unit-chosen")
    page.click("form button.primary")
    page.wait_for_url(f"{base}/pengaduan/terkirim/")
    assert "Dinas Kesehatan Kota Madiun" in page.inner_text("main")
    assert Complaint.objects.get().unit == dinkes

    # Another citizen does not know which unit is competent.
    page.context.clear_cookies()
    page.goto(f"{base}/pengaduan/baru/")
    page.select_option("#id_unit", "")
    assert page.locator("#id_unit option:checked").inner_text() == "Saya tidak tahu"
    _fill(page, "Jalan rusak di depan sekolah")
    snap(page, screenshots, "04-form-dont-know")
    page.click("form button.primary")
    page.wait_for_url(f"{base}/pengaduan/terkirim/")
    check_accessibility(page, "receipt of the triage unit")
    snap(page, screenshots, "05-received-triage")
    assert Complaint.objects.order_by("-pk").first().unit == unit
