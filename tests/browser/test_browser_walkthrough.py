"""Four officers click through the five SOP steps in Debian's chromium, as they would at their desks."""

import pytest

from pengaduan.complaints.models import Complaint
from factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, base, username):
    page.goto(f"{base}/masuk/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("form button.primary")
    page.wait_for_url(f"{base}/kerja/")


def log_out(page):
    page.click("text=Keluar")


def test_it_walks_a_walk_in_complaint_through_the_sop(phone, live_server, staff, tmp_path):
    base = live_server.url
    page = phone  # 390x844, id-ID: see conftest.py

    log_in(page, base, "jfu")
    page.click("text=Catat pengaduan")
    page.select_option("#id_channel", "walk_in")
    page.fill("#id_complainant_name", "Siti Aminah")
    page.fill("#id_complainant_phone", "081234567890")
    page.fill("#id_summary", "Pungutan liar pada pengurusan KTP")
    page.fill("#id_description", "Petugas meminta uang untuk mempercepat KTP.")
    page.fill("#id_subject", "Kelurahan Manguharjo")
    page.click("form button.primary")
    page.wait_for_selector(".msg-success")
    complaint = Complaint.objects.get()
    assert complaint.register_number in page.content()
    page.screenshot(path=tmp_path / "1-recorded.png", full_page=True)
    log_out(page)

    log_in(page, base, "sekretaris")
    page.click(f"text={complaint.register_number}")
    page.fill("#id_notes", "Pengadu dihubungi, kronologi dikonfirmasi.")
    page.fill("#id_category", "Pungutan liar")
    page.click("#langkah button.primary")
    page.wait_for_selector(".msg-success")
    log_out(page)

    log_in(page, base, "inspektur")
    page.click(f"text={complaint.register_number}")
    page.fill("#id_analysis", "Ada indikasi pungutan liar.")
    page.select_option("#id_decision_type", "examination")
    page.fill("#id_reasoning", "Perlu pemeriksaan oleh Irban.")
    page.fill("#id_order", "Sampaikan bahwa aduan diperiksa.")
    page.click("#langkah button.primary")
    page.wait_for_selector(".msg-success")
    log_out(page)

    log_in(page, base, "sekretaris")
    page.click(f"text={complaint.register_number}")
    assert "Terima kasih" in page.input_value("#id_answer")  # drafted from the decision
    page.click("#langkah button.primary")
    page.wait_for_selector(".msg-success")
    log_out(page)

    log_in(page, base, "jfu")
    page.click(f"text={complaint.register_number}")
    page.select_option("#id_method", "in_person")
    assert page.input_value("#id_recipient") == ""  # not prefilled from the identity: who really received it
    page.fill("#id_recipient", "Siti Aminah")
    page.fill("#id_documentation", "Diserahkan langsung di ruang pengaduan.")
    page.click("#langkah button.primary")
    page.wait_for_selector(".badge-closed")
    page.screenshot(path=tmp_path / "5-closed.png", full_page=True)

    complaint.refresh_from_db()
    assert complaint.status == Complaint.Status.CLOSED
    assert list(complaint.step_runs.order_by("number").values_list("done_by__username", flat=True)) == [
        "jfu", "sekretaris", "inspektur", "sekretaris", "jfu"]
