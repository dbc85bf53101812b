"""Forwarding in the browser: the Inspektur forwards a complaint to the Dinas Kesehatan by choosing it from the
list; the Dinas finds it in its inbox with where it came from; the citizen follows the whole path from a phone
with the one tracking code (photographed, checked with axe-core)."""

import pytest
from django.utils import timezone
from factories import intake_data
from madiun_steps import STEP_DATA, advance
from test_browser_portal import check_accessibility
from test_browser_workdesk import log_in

from pengaduan.complaints.engine import complaint_record
from pengaduan.complaints.models import Forward

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_complaint_is_forwarded_to_another_unit_and_the_citizen_follows_it(
        office_pc, phone, live_server, staff, outsider, screenshots):
    base = live_server.url
    complaint = advance(complaint_record(unit=staff["jfu"].memberships.get().unit, actor=staff["jfu"],
                                         data=intake_data(is_confidential="on")), staff, to_step=3)
    page = office_pc
    log_in(page, base, "inspektur")
    page.goto(f"{base}/kerja/pengaduan/{complaint.pk}/")
    page.fill("#id_analysis", STEP_DATA[3]["analysis"])
    page.select_option("#id_decision_type", "forward")
    assert page.is_visible("#id_forward_to_unit")  # shown only for a forward / not within our authority
    page.select_option("#id_forward_to_unit", "DINKES")
    page.fill("#id_reasoning", "Layanan puskesmas adalah kewenangan Dinas Kesehatan.")
    page.fill("#id_order", "Limpahkan kepada Dinas Kesehatan.")
    page.screenshot(path=screenshots / "forward-01-decision.png", full_page=True)
    page.click("#langkah form button.primary")
    page.wait_for_selector(".forwarding")
    number = f"0001/PGD/DINKES/{timezone.localdate().year}"  # the target's register, this year
    assert number in page.inner_text(".forwarding")
    page.screenshot(path=screenshots / "forward-02-origin-monitoring.png", full_page=True)
    target = Forward.objects.get().target

    log_in(page, base, "outsider")
    assert target.register_number in page.inner_text("main")
    page.goto(f"{base}/kerja/pengaduan/{target.pk}/")
    assert "Inspektorat Kota Madiun" in page.inner_text("#pelimpahan-masuk")
    page.screenshot(path=screenshots / "forward-03-target.png", full_page=True)

    page = phone
    page.goto(f"{base}/lacak/")
    page.fill("#id_code", complaint.tracking_code)
    page.click("main form button.primary")
    page.wait_for_url(f"{base}/lacak/status/")
    path = page.inner_text("#jalur")
    assert "Dinas Kesehatan" in path and number in path
    check_accessibility(page, "status with a forward")
    page.screenshot(path=screenshots / "forward-04-citizen-path.png", full_page=True)
