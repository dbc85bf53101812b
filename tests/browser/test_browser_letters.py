"""Verifiable letters and the unit head's register tools in the browser: the public verification page checks a
genuine and a tampered PDF, an unknown code gets its own page; the Inspektur sees the forms to extend a deadline
and to correct the register entry. Every page checked with axe-core."""

import pytest

from factories import intake_data
from madiun_steps import STEP_DATA, advance
from pengaduan.complaints.engine import complaint_record, step_complete
from pengaduan.documents.issued import issue_answer_letter
from test_browser_ops import log_in
from test_browser_portal import check_accessibility

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_reader_checks_a_genuine_and_a_tampered_letter(phone, live_server, unit, staff, screenshots, tmp_path):
    complaint = complaint_record(unit=unit, actor=staff["jfu"], data=intake_data())
    complaint = advance(complaint, staff, to_step=4)
    step_complete(complaint=complaint, actor=staff["sekretaris"], step_number=4, data=STEP_DATA[4])
    complaint.refresh_from_db()
    pdf, document = issue_answer_letter(complaint)
    genuine, tampered = tmp_path / "surat.pdf", tmp_path / "surat-palsu.pdf"
    genuine.write_bytes(pdf)
    tampered.write_bytes(pdf.replace(b"/Author", b"/Authos", 1))
    base, page = live_server.url, phone

    page.goto(f"{base}/verifikasi/")
    page.fill("#verify-code", document.code.lower())
    page.click("main form button.primary")
    page.wait_for_url(f"{base}/verifikasi/{document.code}/")
    assert document.sha256 in page.inner_text("main")
    assert "Siti" not in page.inner_text("main")
    check_accessibility(page, "verification page")

    page.set_input_files("#id_document", str(genuine))
    page.click("#periksa form button.primary")
    assert page.locator(".verdict-ok").is_visible()
    check_accessibility(page, "verification, genuine")
    page.screenshot(path=screenshots / "letters-01-genuine.png", full_page=True)

    page.set_input_files("#id_document", str(tampered))
    page.click("#periksa form button.primary")
    assert page.locator(".verdict-bad").is_visible()
    check_accessibility(page, "verification, tampered")
    page.screenshot(path=screenshots / "letters-02-tampered.png", full_page=True)

    page.goto(f"{base}/verifikasi/ABCDEFGHJKMN/")
    assert page.locator("h1").inner_text()
    check_accessibility(page, "verification, unknown code")


def test_the_inspektur_extends_a_deadline_and_corrects_the_register(office_pc, live_server, unit, staff,
                                                                     screenshots):
    complaint = complaint_record(unit=unit, actor=staff["jfu"], data=intake_data())
    base, page = live_server.url, office_pc
    log_in(page, base, "inspektur")
    page.goto(f"{base}/kerja/pengaduan/{complaint.pk}/")
    check_accessibility(page, "complaint page with the unit head's forms")
    page.fill("#id_extension", "2 hari kerja")
    page.fill("#id_extension_reason", "Menunggu dokumen dari kelurahan.")
    page.click("#perpanjangan button")
    assert page.locator(".msg-success").is_visible()
    assert not page.locator("#perpanjangan").count()
    page.click("#koreksi-register summary")
    page.fill("#id_summary", "Pungutan liar pada pengurusan KK")
    page.fill("#id_reason", "Salah ketik.")
    page.click("#koreksi-register form button")
    assert page.locator(".badge-corrected").first.is_visible()
    check_accessibility(page, "complaint page after the correction")
    page.screenshot(path=screenshots / "letters-03-corrected.png", full_page=True)
    page.goto(f"{base}/kerja/buku-pengaduan/")
    check_accessibility(page, "register with a corrected entry")
