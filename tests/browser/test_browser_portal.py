"""A citizen complains from a phone, follows the complaint with the tracking code and rates the answer.

Every public page is photographed (test artefacts) and checked with axe-core, vendored from npm
(scripts/vendor-assets.sh), so the test needs no network.
"""

from pathlib import Path

import pytest
from PIL import Image

from pengaduan.complaints.codes import tracking_code_hash
from pengaduan.complaints.engine import step_complete
from pengaduan.complaints.models import Complaint, Rating
from factories import intake_data
from madiun_steps import PERFORMER, STEP_DATA

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
BLOCKING = {"serious", "critical"}
# Known problems tolerated only on the elements named here (rule id → CSS selector); none at present.
KNOWN: dict[str, str] = {}

RUN_AXE = """async (known) => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  const isKnown = (rule, node) => {
    const element = node.target.length === 1 ? document.querySelector(node.target[0]) : null;
    return Boolean(known[rule] && element && element.matches(known[rule]));
  };
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map(n => ({target: n.target.join(" "), known: isKnown(v.id, n)})),
  }));
}"""


def check_accessibility(page, name: str) -> None:
    """Run axe-core on the current page: no serious or critical violations; the others are printed."""
    assert AXE.exists(), "tests/browser/vendor/axe.min.js is missing: run scripts/vendor-assets.sh"
    page.add_script_tag(path=AXE)
    blocking = []
    for violation in page.evaluate(RUN_AXE, KNOWN):
        for node in violation["nodes"]:
            line = f"{violation['impact']} {violation['id']} on {node['target']}: {violation['help']}"
            if node["known"] or violation["impact"] not in BLOCKING:
                print(f"axe {name}: {'known, ' if node['known'] else ''}{line}")
            else:
                blocking.append(line)
    assert not blocking, f"axe on {name}:\n" + "\n".join(blocking)


def snap(page, folder: Path, name: str) -> None:
    page.screenshot(path=folder / f"portal-{name}.png", full_page=True)


def test_a_citizen_complains_from_a_phone_and_rates_the_answer(
        phone, live_server, staff, screenshots, monkeypatch, tmp_path):
    monkeypatch.setattr("pengaduan.portal.forms.MIN_FILL_SECONDS", 0)  # no waiting for the anti-spam clock
    base = live_server.url
    page = phone
    photo = tmp_path / "pungli.jpg"
    Image.new("RGB", (64, 48), (200, 40, 40)).save(photo, "JPEG")

    page.goto(f"{base}/")
    check_accessibility(page, "home")
    snap(page, screenshots, "01-home")

    page.click("main a[href='/pengaduan/baru/']")
    page.wait_for_url(f"{base}/pengaduan/baru/")
    check_accessibility(page, "form")
    assert page.is_checked("#id_complaint_type_0")  # "pengaduan" is preselected
    assert page.is_checked("#id_is_confidential")  # confidential unless the citizen says otherwise

    page.click("form button.primary")  # sent empty
    page.wait_for_selector(".errorbox")
    assert page.locator(".field.has-error").count() >= 4  # title, description, subject, privacy, name...
    check_accessibility(page, "form with errors")
    snap(page, screenshots, "03-form-errors")

    page.goto(f"{base}/pengaduan/baru/")
    page.check("input[name=complaint_type][value=pengaduan]")
    page.fill("#id_summary", "Pungutan liar pada pengurusan KTP")
    page.fill("#id_description", "Petugas kelurahan meminta uang Rp50.000 untuk mempercepat KTP.")
    page.fill("#id_subject", "Kelurahan Manguharjo")
    page.fill("#id_event_date", "2026-11-20")
    page.fill("#id_event_place", "Kantor Kelurahan Manguharjo")
    page.set_input_files("#id_evidence", photo)
    page.fill("#id_complainant_name", "Siti Aminah")
    page.fill("#id_complainant_phone", "081234567890")
    page.fill("#id_complainant_email", "siti@example.org")
    assert page.is_checked("#id_is_confidential")
    page.check("#id_privacy_ack")
    snap(page, screenshots, "02-form-filled")
    page.click("form button.primary")

    page.wait_for_url(f"{base}/pengaduan/terkirim/")
    code = page.inner_text(".code").strip()
    complaint = Complaint.objects.get()
    assert tracking_code_hash(code) == complaint.tracking_code_hash
    assert complaint.is_confidential and complaint.channel == "web"
    assert complaint.attachments.count() == 1
    check_accessibility(page, "receipt")
    snap(page, screenshots, "04-received")

    pdf = page.request.get(f"{base}/lacak/tanda-terima.pdf")  # shares the page's cookies (the code just issued)
    assert pdf.ok and pdf.headers["content-type"] == "application/pdf"
    assert pdf.body().startswith(b"%PDF")

    # On another day, from the tracking page, typed sloppily.
    page.goto(f"{base}/lacak/")
    check_accessibility(page, "tracking form")
    snap(page, screenshots, "05-track")
    page.fill("#id_code", " " + code.lower().replace("-", " ") + " ")
    page.click("main form button.primary")
    page.wait_for_url(f"{base}/lacak/status/")
    assert code not in page.inner_text("main")  # shown once, after submitting; the status page omits it
    assert page.locator(".answer-card").count() == 0
    check_accessibility(page, "status")
    snap(page, screenshots, "06-status-before")

    # The officers do their five steps at their desks.
    step_complete(complaint=complaint, actor=staff["jfu"], step_number=1, data=intake_data(channel="web"))
    for number in range(2, 6):
        step_complete(complaint=complaint, actor=staff[PERFORMER[number]], step_number=number,
                      data=STEP_DATA[number])
    complaint.refresh_from_db()
    assert complaint.status == Complaint.Status.CLOSED

    page.reload()
    assert STEP_DATA[4]["answer"] in page.inner_text(".answer-card")
    check_accessibility(page, "status with answer")
    snap(page, screenshots, "07-status-answered")

    page.check("input[name=score][value='4']")
    page.fill("#id_comment", "Petugas ramah, jawaban jelas.")
    page.click("form[action='/lacak/nilai/'] button.primary")
    page.wait_for_selector(".msg-success")
    assert page.locator("form[action='/lacak/nilai/']").count() == 0  # rated once only
    check_accessibility(page, "status after rating")
    snap(page, screenshots, "08-rated")
    rating = Rating.objects.get(complaint=complaint)
    assert (rating.score, rating.comment) == (4, "Petugas ramah, jawaban jelas.")

    page.click("footer a[href='/privasi/']")
    page.wait_for_url(f"{base}/privasi/")
    check_accessibility(page, "privacy")
    snap(page, screenshots, "09-privacy")


def test_a_wrong_code_gets_the_same_answer_as_a_malformed_one(phone, live_server, unit, screenshots):
    base = live_server.url
    page = phone

    def look_up(text: str) -> str:
        page.goto(f"{base}/lacak/")
        page.fill("#id_code", text)
        page.click("main form button.primary")
        return page.inner_text(".msg-error")

    wrong = look_up("ABCDE-FGHJK-MNPQR")
    assert page.url == f"{base}/lacak/"
    check_accessibility(page, "tracking form, not found")
    snap(page, screenshots, "10-track-not-found")
    malformed = look_up("x?!")
    assert wrong and wrong == malformed
    assert page.input_value("#id_code") == "x?!"  # kept, so it can be corrected
