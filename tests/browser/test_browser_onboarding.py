"""A Pemda administrator brings a new Kecamatan on board in the browser, with a sheet no other test reads.

Create the unit with its letterhead and logo, set its office hours, upload its SOP sheet (written here, at run
time, so the importer meets it for the first time), correct a step in the review form, load it, invite an
officer, who accepts the e-mailed link and records the first complaint. Every page is photographed
(artefacts/screenshots/onboard-*.png) and checked with axe-core; the time the whole path takes is printed and
written to artefacts/onboarding-duration.txt.
"""

import io
import time
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from PIL import Image, ImageDraw

from pengaduan.complaints.models import Complaint
from pengaduan.notifications.models import OutboxMessage
from pengaduan.sop.models import Sop
from pengaduan.units.models import Unit
from factories import PASSWORD
from test_browser_portal import check_accessibility

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# A Kecamatan's complaint SOP, four steps, tab-separated as text extracted from a PDF: its content appears in
# no other test (unit, roles, steps, time limits and signer are new), and the wording of step 3 says nothing
# of who performs it, so the importer must guess and the administrator corrects it.
SHEET = "\n".join([
    "PEMERINTAH KABUPATEN LEMBAH HIJAU",
    "KECAMATAN SIDOMUKTI",
    "",
    "STANDAR OPERASIONAL PROSEDUR (SOP)",
    "",
    "Nomor SOP\t180/22/KEC-SDM/2026\t",
    "Tanggal Pembuatan\t12 Maret 2026\t",
    "Tanggal Revisi\t-\t",
    "Tanggal Pengesahan\t1 April 2026\t",
    "Disahkan oleh\tCamat Sidomukti\t",
    "Nama SOP\tPelayanan Pengaduan Masyarakat Kecamatan\t",
    "",
    "Dasar Hukum\tKualifikasi Pelaksana\t\t",
    "1. Undang-Undang Nomor 25 Tahun 2009 tentang Pelayanan Publik\tMampu mengoperasikan komputer\t\t",
    "2. Peraturan Bupati Lembah Hijau Nomor 9 Tahun 2025\tMemahami tata naskah dinas\t\t",
    "Keterkaitan\tPeralatan/Perlengkapan\t\t",
    "SOP Pelayanan Administrasi Kependudukan\t1. Komputer 2. Kotak saran\t\t",
    "Peringatan\tPencatatan dan Pendataan\t\t",
    "Pengaduan yang tidak dijawab menurunkan mutu pelayanan\t- Register pengaduan\t\t",
    "",
    "\tUraian Prosedur\tPelaksana\t\t\tMutu Baku\t\t\tKeterangan",
    "No.\t\tPengelola Pengaduan\tKasi Pemerintahan\tCamat\tKelengkapan\tWaktu\tOutput\tKeterangan",
    "1\tMenerima pengaduan dan mencatatnya dalam register pengaduan\tmulai\t\t\tPengaduan\t30 menit\t"
    "Pengaduan tercatat\t",
    "2\tMemutuskan tindak lanjut atas pengaduan\t\t\t√\tPengaduan tercatat\t2 hari kerja\tDisposisi\t",
    "3\tMenyusun jawaban atas pengaduan sesuai disposisi\t\t√\t\tDisposisi\t4 hari kerja\tSurat jawaban\t",
    "4\tMenyampaikan jawaban kepada pengadu\tselesai\t\t\tSurat jawaban\t1 hari kerja\tTanda terima\t",
    "",
    "CAMAT SIDOMUKTI",
    "",
    "HENDRA KUSUMA, S.IP., M.AP.",
    "Pembina (IV/a)",
    "NIP. 19790305 200501 1 004",
])
STRONG = "Teh-manis-sore-2026"


def snap(page, folder: Path, name: str) -> None:
    page.screenshot(path=folder / f"onboard-{name}.png", full_page=True)


def visit(page, folder: Path, name: str) -> None:
    """Every onboarding page: photographed and checked for accessibility."""
    snap(page, folder, name)
    check_accessibility(page, f"onboard-{name}")


@pytest.fixture
def invitation_template(db):
    """Transactional tests empty the tables, data migrations' rows included: the invitation e-mail comes back."""
    from importlib import import_module

    from pengaduan.notifications.models import MessageTemplate

    template = import_module("pengaduan.notifications.migrations.0006_invitation_template").TEMPLATE
    MessageTemplate.objects.get_or_create(key=template["key"], defaults=template)


def test_an_administrator_brings_a_kecamatan_on_board_and_its_officer_records_a_complaint(
        office_pc, live_server, screenshots, tmp_path, invitation_template):
    get_user_model().objects.create_superuser("pemda", "pemda@example.org", PASSWORD)
    sheet = tmp_path / "sop-pengaduan-kecamatan-sidomukti.txt"
    sheet.write_text(SHEET, encoding="utf-8")
    logo = tmp_path / "logo-lembah-hijau.png"
    image = Image.new("RGB", (120, 120), "white")
    ImageDraw.Draw(image).ellipse((10, 10, 110, 110), fill="darkgreen")
    image.save(logo, "PNG")

    base = live_server.url
    page = office_pc
    started = time.monotonic()

    # The administrator logs in and opens the units.
    page.goto(f"{base}/masuk/")
    page.fill("#id_username", "pemda")
    page.fill("#id_password", PASSWORD)
    page.click("form button.primary")
    page.wait_for_url(f"{base}/kerja/")
    page.click("nav >> text=Unit")
    page.wait_for_url(f"{base}/kerja/unit/")
    visit(page, screenshots, "01-units")

    # 1. The unit and its letterhead.
    page.click("text=Unit baru")
    visit(page, screenshots, "02-new-unit")
    page.fill("#id_name", "Kecamatan Sidomukti")
    page.fill("#id_code", "SDM")
    page.select_option("#id_kind", "kecamatan")
    page.fill("#id_parent_name", "Pemerintah Kabupaten Lembah Hijau")
    page.fill("#id_register_code", "SDM")
    page.fill("#id_register_format", "{number:03d}/ADU/{unit}/{year}")
    page.fill("#id_address", "Jl. Raya Sidomukti No. 3, Lembah Hijau")
    page.fill("#id_head_title", "Camat Sidomukti")
    page.fill("#id_head_name", "HENDRA KUSUMA, S.IP., M.AP.")
    page.set_input_files("#id_logo_upload", str(logo))
    page.click("form button.primary")

    # 2. Office hours, with a break.
    page.wait_for_url(f"{base}/kerja/unit/SDM/jam-kerja/")
    visit(page, screenshots, "03-office-hours")
    for day in range(4):
        page.fill(f"#id_day_{day}", "07.30-12.00, 12.30-15.30")
    page.fill("#id_day_4", "07.30-11.00, 13.00-15.00")
    page.click("form button.primary")

    # 3. The SOP sheet: upload, review as the sheet with the importer's warnings, correct, load.
    page.wait_for_url(f"{base}/kerja/unit/SDM/sop/")
    visit(page, screenshots, "04-sop-upload")
    page.set_input_files("#id_sheet", str(sheet))
    page.click("form button.primary")
    page.wait_for_selector(".sop-sheet")
    assert "Kasi Pemerintahan" in page.inner_text(".sop-sheet thead")
    visit(page, screenshots, "05-sop-review")
    # A time limit the SOP parser cannot read is refused on the step, and nothing is loaded.
    page.fill("#id_steps-2-time_limit", "secepatnya")
    page.click("button[value=load]")
    page.wait_for_selector(".sop-sheet .has-error")
    assert not Sop.objects.filter(code="180/22/KEC-SDM/2026").exists()
    visit(page, screenshots, "06-sop-correction-error")
    page.fill("#id_steps-2-time_limit", "5 hari kerja")
    page.click("button[value=load]")

    # 4. Officers: one officer for every role, invited by e-mail.
    page.wait_for_url(f"{base}/kerja/unit/SDM/petugas/")
    visit(page, screenshots, "07-officers")
    page.fill("#id_email", "dewi@example.org")
    page.fill("#id_name", "Dewi Anggraini")
    for role in ("pengelola_pengaduan", "kasi_pemerintahan", "camat"):
        page.check(f"input[name=roles][value={role}]")
    page.click("form button.primary")
    page.wait_for_selector(".msg-success")
    visit(page, screenshots, "07b-officer-invited")  # the waiting invitation, and its button to send it again
    assert page.is_visible("text=Kirim lagi")
    page.click("text=Daftar periksa penyiapan unit")
    page.wait_for_url(f"{base}/kerja/unit/SDM/")
    visit(page, screenshots, "08-checklist-invited")
    assert page.locator(".checklist li.missing").count() == 1  # the officer has not accepted yet
    page.click("form[action='/keluar/'] button")

    # The officer opens the link from the e-mail, sets a password and lands on the workdesk.
    message = OutboxMessage.objects.get(template_key="officer_invitation", address="dewi@example.org")
    link = next(word for word in message.body.split() if "/kerja/undangan/" in word)
    page.goto(base + link[link.index("/kerja/"):])
    visit(page, screenshots, "09-invitation")
    assert page.input_value("#id_username") == "dewi.sdm"
    page.fill("#id_password1", STRONG)
    page.fill("#id_password2", STRONG)
    page.click("form button.primary")
    page.wait_for_url(f"{base}/kerja/")
    snap(page, screenshots, "10-workdesk")

    # ... and records the first complaint of the new unit.
    page.click("text=Catat pengaduan")
    page.select_option("#id_channel", "walk_in")
    page.fill("#id_complainant_name", "Bambang Riyadi")
    page.fill("#id_complainant_phone", "081398765432")
    page.fill("#id_summary", "Lampu penerangan jalan desa padam sebulan")
    page.fill("#id_description", "Lampu di Jalan Melati padam sejak bulan lalu dan belum diperbaiki.")
    page.fill("#id_subject", "Desa Sidomukti")
    page.click("form button.primary")
    page.wait_for_selector(".msg-success")
    elapsed = time.monotonic() - started
    snap(page, screenshots, "11-recorded")

    complaint = Complaint.objects.get()
    unit = Unit.objects.get(code="SDM")
    assert complaint.unit == unit and complaint.sop.code == "180/22/KEC-SDM/2026"
    assert complaint.register_number.startswith("001/ADU/SDM/")
    assert complaint.step_runs.get(number=1).done_by.username == "dewi.sdm"
    assert unit.logo and unit.office_hours.count() == 10
    assert Sop.objects.get(code="180/22/KEC-SDM/2026").steps.get(number=3).time_limit_text == "5 hari kerja"

    # The administrator's checklist is complete now.
    page.click("form[action='/keluar/'] button")
    page.goto(f"{base}/masuk/")
    page.fill("#id_username", "pemda")
    page.fill("#id_password", PASSWORD)
    page.click("form button.primary")
    page.goto(f"{base}/kerja/unit/SDM/")
    visit(page, screenshots, "12-checklist-complete")
    assert page.locator(".checklist li.missing").count() == 0

    note = (f"onboarding browser path (create unit, office hours, SOP upload + correction + load, invite, accept, "
            f"record a complaint): {elapsed:.1f} s\n")
    print(note, end="")
    (screenshots.parent / "onboarding-duration.txt").write_text(note, encoding="utf-8")
