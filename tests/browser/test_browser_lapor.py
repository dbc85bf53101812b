"""The SP4N-LAPOR! import at the desk, in the browser: the JFU checks the panel's export, sees the row with an
error, fixes the file, imports it and finds the reports in the inbox with their LAPOR! IDs (axe-core clean)."""

import pytest
from test_browser_portal import check_accessibility
from test_browser_workdesk import log_in

from pengaduan.complaints.models import Complaint

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HEADER = "Tracking ID,Judul Laporan,Isi Laporan,Kategori,Tanggal Disposisi,Nama Pelapor,Anonim\n"
GOOD = "1916449,Jalan berlubang,Jalan di depan pasar berlubang.,Infrastruktur,01/12/2026 09:00,Budi Santoso,Tidak\n"
BAD = "1916450,Lampu mati,Lampu jalan mati.,Penerangan,besok pagi,Ani,Tidak\n"


def test_the_jfu_imports_the_lapor_export_after_a_preview(office_pc, live_server, staff, screenshots, tmp_path,
                                                          settings):
    settings.DATA_DIR = tmp_path
    base = live_server.url
    page = office_pc
    log_in(page, base, "jfu")
    page.goto(f"{base}/kerja/catat/")
    page.click("text=Impor dari SP4N-LAPOR!")
    page.wait_for_url(f"{base}/kerja/catat/lapor/")

    broken = tmp_path / "ekspor-lapor.csv"
    broken.write_text(HEADER + GOOD + BAD)
    page.set_input_files("#id_file", str(broken))
    page.click("button[value=preview]")
    page.wait_for_selector("#preview-title")
    assert "besok pagi" in page.inner_text("main")
    assert page.locator("button[value=import]").count() == 0
    check_accessibility(page, "LAPOR! import preview with an error")
    page.screenshot(path=screenshots / "lapor-01-preview-error.png", full_page=True)
    assert Complaint.objects.count() == 0

    fixed = tmp_path / "ekspor-lapor-2.csv"
    fixed.write_text(HEADER + GOOD + BAD.replace("besok pagi", "01/12/2026 10:30"))
    page.set_input_files("#id_file", str(fixed))
    page.click("button[value=preview]")
    page.wait_for_selector("button[value=import]")
    check_accessibility(page, "LAPOR! import preview")
    page.screenshot(path=screenshots / "lapor-02-preview.png", full_page=True)
    page.click("button[value=import]")
    page.wait_for_url(f"{base}/kerja/")

    inbox = page.inner_text("main")
    assert "1916449" in inbox and "1916450" in inbox
    check_accessibility(page, "inbox with LAPOR! reports")
    page.screenshot(path=screenshots / "lapor-03-inbox.png", full_page=True)
    assert Complaint.objects.filter(channel="lapor").count() == 2
