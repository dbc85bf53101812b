"""The report pages at an office PC and on a phone, with cases answered and waiting: every page passes axe-core."""

import pytest

from factories import intake_data, wib
from madiun_steps import advance
from test_browser_portal import check_accessibility
from test_browser_workdesk import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REPORT_PAGES = {
    "dashboard": "/laporan/",
    "register": "/laporan/buku-pengaduan/?kind=year&year=2026",
    "compliance": "/laporan/kepatuhan-sop/?kind=year&year=2026",
    "periodic": "/laporan/berkala/?kind=month&year=2026&month=11",
    "statistics": "/statistik/",
}


@pytest.fixture
def caseload(unit, staff):
    """Cases in every state the reports show: answered in November, waiting at each step, one overdue."""
    from pengaduan.complaints.engine import complaint_record
    from pengaduan.reports.stats import rebuild_stats

    for index, to_step in enumerate((6, 6, 3, 4, 5, 2)):
        complaint = complaint_record(unit=unit, actor=staff["jfu"], data=intake_data(summary=f"Kasus {index + 1}"),
                                     now=wib(2026, 11, 2 + index, 9, 0))
        advance(complaint, staff, to_step=to_step, now=wib(2026, 11, 2 + index, 10, 0))
    rebuild_stats()


@pytest.mark.parametrize("screen", ["office_pc", "phone"])
def test_every_report_page_passes_axe(screen, request, live_server, caseload, screenshots):
    page = request.getfixturevalue(screen)
    log_in(page, live_server.url, "inspektur")
    for name, path in REPORT_PAGES.items():
        response = page.goto(f"{live_server.url}{path}")
        assert response.status == 200, f"{path} answered {response.status}"
        page.screenshot(path=screenshots / f"reports-{name}-{screen}.png", full_page=True)
        check_accessibility(page, f"{name} ({screen})")
