"""The public service standard on a phone and an office PC, and the reports sent with the evidence pack button:
every page passes axe-core; the standard prints without the site's menus."""

import pytest

from factories import intake_data, wib
from pengaduan.complaints.engine import complaint_record
from pengaduan.reports.schedule import periodic_reports_send
from test_browser_portal import check_accessibility
from test_browser_workdesk import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def sent_report(unit, staff):
    unit.phone, unit.email = "(0351) 123456", "inspektorat@madiunkota.example"
    unit.save()
    complaint_record(unit=unit, actor=staff["jfu"], data=intake_data(), now=wib(2026, 11, 2, 9, 0))
    periodic_reports_send(now=wib(2026, 12, 5, 8, 0))


@pytest.mark.parametrize("screen", ["office_pc", "phone"])
def test_the_service_standard_and_the_reports_sent_pass_axe(screen, request, live_server, sent_report,
                                                           screenshots):
    page = request.getfixturevalue(screen)
    page.goto(f"{live_server.url}/unit/INSP/")
    page.click("a[href='/unit/INSP/standar/']")
    page.wait_for_url(f"{live_server.url}/unit/INSP/standar/")
    assert page.locator("h1").inner_text() == "Standar pelayanan penanganan pengaduan"
    page.screenshot(path=screenshots / f"paper-standard-{screen}.png", full_page=True)
    check_accessibility(page, f"service standard ({screen})")
    # Printed: the menus, the footer and the buttons stay off the paper.
    page.emulate_media(media="print")
    assert not page.locator("header.topbar").is_visible()
    assert not page.locator(".service-standard .actions").is_visible()
    assert page.locator("#std-steps").is_visible()
    page.emulate_media(media="screen")

    log_in(page, live_server.url, "inspektur")
    page.goto(f"{live_server.url}/laporan/berkala/arsip/")
    assert page.get_by_text("November 2026").is_visible()
    assert page.get_by_role("button", name="Unduh paket bukti (ZIP)").is_visible()
    page.screenshot(path=screenshots / f"paper-archive-{screen}.png", full_page=True)
    check_accessibility(page, f"reports sent ({screen})")
