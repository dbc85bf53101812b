"""The workdesk at an office PC: one complaint through all five steps by the four officers, with the
Kasubag's coordination answer, a meeting record with its notulen, and the answer letter as PDF."""

import io

import pytest
from PIL import Image

from pengaduan.complaints.models import Complaint
from factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MINIMAL_PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Count 0/Kids[]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


@pytest.fixture
def desk(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="id-ID")
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


def log_in(page, base, username, screenshots=None):
    page.context.clear_cookies()
    page.goto(f"{base}/masuk/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("form button.primary")
    page.wait_for_url(f"{base}/kerja/")
    if screenshots:
        page.screenshot(path=screenshots / f"desk-inbox-{username}.png", full_page=True)


def open_case(page, complaint):
    page.click(f"text={complaint.register_number}")
    page.wait_for_selector("h1")


def test_four_officers_take_a_telephone_complaint_through_the_sop(desk, live_server, staff, screenshots, tmp_path):
    base, page = live_server.url, desk
    photo = tmp_path / "tanda-terima.jpg"
    Image.new("RGB", (80, 60), (30, 120, 200)).save(photo, "JPEG")
    minutes = tmp_path / "notulen.pdf"
    minutes.write_bytes(MINIMAL_PDF)

    # 1. JFU: a telephone call, recorded in the Buku Pengaduan.
    log_in(page, base, "jfu", screenshots)
    page.click("text=Catat pengaduan")
    assert not page.is_visible("#id_caller_number")  # only the chosen channel's details are shown
    page.select_option("#id_channel", "telephone")
    page.fill("#id_caller_number", "0351 462000")
    page.fill("#id_complainant_name", "Siti Aminah")
    page.fill("#id_complainant_phone", "081234567890")
    page.fill("#id_summary", "Pungutan liar pada pengurusan KTP")
    page.fill("#id_description", "Petugas meminta uang Rp50.000 untuk mempercepat KTP.")
    page.fill("#id_subject", "Kelurahan Manguharjo")
    page.screenshot(path=screenshots / "desk-record.png", full_page=True)
    page.click("form button.primary >> text=Catat dalam Buku Pengaduan")
    page.wait_for_selector(".msg-success")
    complaint = Complaint.objects.get()
    assert complaint.caller_number == "+62351462000"  # stored in E.164

    # 2. Sekretaris: asks the Kasubag, cannot finish before the answer.
    log_in(page, base, "sekretaris", screenshots)
    open_case(page, complaint)
    page.fill("#id_question", "Apakah petugas ini pernah diadukan sebelumnya?")
    page.click("text=Kirim pertanyaan")
    page.wait_for_selector(".msg-success")
    page.fill("#id_notes", "Pengadu dihubungi; kronologi dikonfirmasi.")
    page.fill("#id_category", "Pungutan liar")
    page.click("#langkah button.primary")
    page.wait_for_selector(".msg-error")

    # 3. Kasubag: the question waits in the inbox; the answer goes back on the complaint page.
    log_in(page, base, "kasubag", screenshots)
    assert page.is_visible("text=Apakah petugas ini pernah diadukan")
    page.goto(f"{base}/kerja/pengaduan/{complaint.pk}/")
    page.fill(f"#answer-{complaint.coordination_requests.get().pk}", "Sudah pernah satu kali, tahun lalu.")
    page.click("text=Kirim jawaban")
    page.wait_for_selector(".msg-success")

    # 2 again: the clarification goes to the Inspektur.
    log_in(page, base, "sekretaris")
    open_case(page, complaint)
    assert page.is_visible("text=Sudah pernah satu kali")
    page.fill("#id_notes", "Pengadu dihubungi; kronologi dikonfirmasi; riwayat dari Kasubag.")
    page.fill("#id_category", "Pungutan liar")
    page.click("#langkah button.primary")
    page.wait_for_selector(".msg-success")

    # 3. Inspektur: a meeting with its notulen, then the decision.
    log_in(page, base, "inspektur", screenshots)
    open_case(page, complaint)
    page.fill("#id_analysis", "Ada indikasi pungutan liar berulang.")
    page.check("#id_meeting_held")
    page.fill("#id_meeting_date", "2026-11-20T09:00")
    page.fill("#id_meeting_place", "Ruang Rapat Inspektorat")
    page.fill("#id_meeting_attendees", "Inspektur\nSekretaris\nIrban Wilayah I")
    page.fill("#id_meeting_minutes", "Disepakati pemeriksaan oleh Irban Wilayah I.")
    page.set_input_files("#id_meeting_minutes_file", str(minutes))
    page.select_option("#id_decision_type", "answer")
    page.fill("#id_reasoning", "Perlu pemeriksaan khusus.")
    page.fill("#id_order", "Sampaikan bahwa aduan ditindaklanjuti dengan pemeriksaan.")
    page.screenshot(path=screenshots / "desk-decision.png", full_page=True)
    page.click("#langkah button.primary")
    page.wait_for_selector(".msg-success")

    # 4. Sekretaris: the answer drafted from the template; the letter as PDF.
    log_in(page, base, "sekretaris")
    open_case(page, complaint)
    assert complaint.register_number in page.input_value("#id_answer")
    page.fill("#id_letter_number", "700/123/401.105/2026")
    page.click("#langkah button.primary")
    page.wait_for_selector(".msg-success")
    letter = page.request.get(f"{base}/kerja/pengaduan/{complaint.pk}/surat-jawaban.pdf")
    assert letter.ok and letter.headers["content-type"] == "application/pdf" and letter.body().startswith(b"%PDF")

    # 5. JFU: delivered in person, with a photo of the signed receipt; the case closes.
    log_in(page, base, "jfu")
    open_case(page, complaint)
    page.select_option("#id_method", "in_person")
    page.fill("#id_recipient", "Siti Aminah")
    page.set_input_files("#id_proof", str(photo))
    page.click("#langkah button.primary")
    page.wait_for_selector(".badge-closed")
    page.screenshot(path=screenshots / "desk-closed.png", full_page=True)

    complaint.refresh_from_db()
    assert complaint.status == Complaint.Status.CLOSED
    run_three = complaint.step_runs.get(number=3)
    assert run_three.output["meeting_place"] == "Ruang Rapat Inspektorat"
    assert complaint.attachments.filter(purpose="minutes").exists()
    assert complaint.attachments.filter(purpose="proof").exists()


def test_the_sekretaris_pages_through_a_backlog(office_pc, live_server, unit, staff, screenshots):
    from pengaduan.complaints.engine import complaint_record
    from factories import intake_data, wib
    from test_browser_portal import check_accessibility

    for index in range(30):
        complaint_record(unit=unit, actor=staff["jfu"], data=intake_data(summary=f"Kasus nomor {index + 1}"),
                         now=wib(2026, 11, 2, 8, index))
    base, page = live_server.url, office_pc
    log_in(page, base, "sekretaris")
    assert page.locator("table.list tbody tr").count() == 25
    assert page.locator("text=30 langkah menunggu.").is_visible()
    page.screenshot(path=screenshots / "desk-inbox-backlog.png", full_page=True)
    check_accessibility(page, "inbox")
    page.click("nav.pager >> text=Berikutnya")
    page.wait_for_url("**page=2")
    assert page.locator("table.list tbody tr").count() == 5

    page.goto(f"{base}/kerja/tim/")
    assert page.locator("table.list tbody tr").count() == 10
    page.screenshot(path=screenshots / "desk-team.png", full_page=True)
    check_accessibility(page, "team")
    page.click("text=Tampilkan semua (30)")
    page.wait_for_url("**step=2")
    assert page.locator("table.list tbody tr").count() == 25
    page.screenshot(path=screenshots / "desk-team-step.png", full_page=True)

    page.goto(f"{base}/kerja/buku-pengaduan/?year=2026")
    assert page.locator("table.register tbody tr").count() == 30
    page.screenshot(path=screenshots / "desk-register.png", full_page=True)
    check_accessibility(page, "register")
