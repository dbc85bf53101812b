"""The lembar disposisi of the Inspektur's order: the form offices print, ticked from the decision, verifiable."""

import re

import pytest
from django.utils import translation

from factories import intake_data, make_user, wib
from madiun_steps import STEP_DATA, advance
from pengaduan.complaints.engine import complaint_record, step_complete
from pengaduan.documents import verification
from pengaduan.documents.disposition import disposition_pdf
from pengaduan.documents.issued import issue_disposition
from pengaduan.documents.models import IssuedDocument

pytestmark = pytest.mark.django_db

RECEIVED = wib(2026, 11, 23, 8, 15)
WORKED = wib(2026, 11, 24, 9, 0)
SHOWN_STRING = re.compile(rb"\(((?:\\.|[^\\)])*)\)\s*Tj", re.S)
ESCAPE = re.compile(rb"\\([0-7]{1,3}|.)", re.S)


def _text(pdf: bytes) -> str:
    def unescape(match):
        code = match.group(1)
        return bytes([int(code, 8)]) if code.isdigit() else code

    text = " ".join(ESCAPE.sub(unescape, raw).decode("cp1252") for raw in SHOWN_STRING.findall(pdf))
    return " ".join(text.replace("\u00a0", " ").split())


@pytest.fixture
def at_decision(unit, staff):
    complaint = complaint_record(unit=unit, actor=staff["jfu"],
                                 data=intake_data(channel="letter", letter_number="045/RT05/11/2026",
                                                  letter_date="2026-11-20"), now=RECEIVED)
    return advance(complaint, staff, to_step=3, now=WORKED)


def test_it_prints_the_form_offices_print_before_the_decision(at_decision):
    with translation.override("id"):
        text = _text(disposition_pdf(at_decision, compress=False))
    for label in ("LEMBAR DISPOSISI", "Surat dari", "Nomor surat", "Tanggal surat", "Diterima tanggal",
                  "Nomor agenda", "Sifat", "Perihal", "Diteruskan kepada", "Dengan hormat harap", "Catatan"):
        assert label in text, label
    assert at_decision.register_number in text
    assert "045/RT05/11/2026" in text
    assert "Siti Aminah" in text
    assert "Sekretaris" in text  # a role of the unit's SOP to tick


def test_it_ticks_the_next_performer_and_the_instruction_after_the_decision(at_decision, staff):
    before = disposition_pdf(at_decision, compress=False)
    step_complete(complaint=at_decision, actor=staff["inspektur"], step_number=3, data=STEP_DATA[3])
    at_decision.refresh_from_db()
    after = disposition_pdf(at_decision, compress=False)
    with translation.override("id"):
        text = _text(after)
    assert STEP_DATA[3]["order"] in text
    assert after != before


def test_it_hides_a_confidential_complainant(unit, staff):
    complaint = complaint_record(unit=unit, actor=staff["jfu"], data=intake_data(is_confidential=True),
                                 now=RECEIVED)
    complaint = advance(complaint, staff, to_step=3, now=WORKED)
    text = _text(disposition_pdf(complaint, compress=False))
    assert "Siti" not in text and "Aminah" not in text


def test_it_lists_the_officers_holding_each_role(at_decision, unit):
    budi = make_user("budi", unit=unit, roles=("kasubag",))
    budi.first_name, budi.last_name = "Budi", "Santoso"
    budi.save()
    text = _text(disposition_pdf(at_decision, compress=False))
    assert "Budi Santoso" in text


def test_it_is_verifiable_and_reprinted_as_the_same_issue(at_decision):
    first, document = issue_disposition(at_decision)
    second, again = issue_disposition(at_decision)
    assert first == second and document == again
    assert document.kind == IssuedDocument.Kind.DISPOSITION
    assert document.number == at_decision.register_number
    assert verification.matches(document, first)


def test_it_offers_the_sheet_on_the_workdesk_once_the_decision_step_is_reached(client, unit, staff, inspektur):
    complaint = complaint_record(unit=unit, actor=staff["jfu"], data=intake_data(), now=RECEIVED)
    client.force_login(inspektur)
    assert client.get(f"/kerja/pengaduan/{complaint.pk}/lembar-disposisi.pdf").status_code == 404
    assert "lembar-disposisi.pdf" not in client.get(f"/kerja/pengaduan/{complaint.pk}/").content.decode()
    advance(complaint, staff, to_step=3, now=WORKED)
    page = client.get(f"/kerja/pengaduan/{complaint.pk}/").content.decode()
    assert f"/kerja/pengaduan/{complaint.pk}/lembar-disposisi.pdf" in page
    response = client.get(f"/kerja/pengaduan/{complaint.pk}/lembar-disposisi.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert IssuedDocument.objects.filter(kind="disposition", complaint=complaint).count() == 1


def test_it_refuses_the_sheet_to_staff_of_another_unit(client, at_decision, outsider):
    client.force_login(outsider)
    assert client.get(f"/kerja/pengaduan/{at_decision.pk}/lembar-disposisi.pdf").status_code == 404
