"""Letters that can be verified: every document we issue is recorded with a code and the SHA-256 of its bytes,
carries the code as a QR code and a printed address, and the public page detects a forged or altered copy."""

import base64
import re
import zlib
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image as PilImage

from factories import intake_data, wib
from madiun_steps import STEP_DATA, advance
from pengaduan.complaints.engine import complaint_record, step_complete
from pengaduan.documents import verification
from pengaduan.documents.issued import issue_answer_letter, issue_receipt
from pengaduan.documents.models import IssuedDocument
from pengaduan.throttle import services as throttle

pytestmark = pytest.mark.django_db

RECEIVED = wib(2026, 11, 23, 8, 15)
WORKED = wib(2026, 11, 24, 9, 0)
DRAFTED = wib(2026, 11, 25, 10, 0)
STREAM = re.compile(rb"stream\r?\n(.*?)\r?\n?endstream", re.S)


def _streams(pdf: bytes) -> bytes:
    """Every stream of a PDF, inflated where it is compressed: enough to find what a page draws."""
    out = []
    for raw in STREAM.findall(pdf):
        try:  # ReportLab writes compressed streams as ASCII85 over Flate
            out.append(zlib.decompress(base64.a85decode(raw.strip().removesuffix(b"~>"))))
        except (ValueError, zlib.error):
            out.append(raw)
    return b"\n".join(out)


@pytest.fixture
def answered(unit, staff):
    unit.head_title, unit.head_name = "Inspektur Kota Madiun", "Drs. GAGUK HARIYONO"
    unit.save()
    complaint = complaint_record(unit=unit, actor=staff["jfu"], data=intake_data(name="Siti Aminah"), now=RECEIVED)
    complaint = advance(complaint, staff, to_step=4, now=WORKED)
    step_complete(complaint=complaint, actor=staff["sekretaris"], step_number=4, data=STEP_DATA[4], now=DRAFTED)
    complaint.refresh_from_db()
    return complaint


def _download_letter(client, user, complaint) -> bytes:
    client.force_login(user)
    response = client.get(f"/kerja/pengaduan/{complaint.pk}/surat-jawaban.pdf")
    assert response.status_code == 200
    return response.content


def _check(client, code, content: bytes):
    return client.post(f"/verifikasi/{code}/", {"document": SimpleUploadedFile("surat.pdf", content,
                                                                               "application/pdf")})


def test_it_records_the_answer_letter_with_the_hash_of_the_bytes_served(client, answered, sekretaris):
    pdf = _download_letter(client, sekretaris, answered)
    issued = IssuedDocument.objects.get()
    assert issued.kind == IssuedDocument.Kind.ANSWER_LETTER
    assert issued.sha256 == verification.sha256_of(pdf)
    assert issued.number == STEP_DATA[4]["letter_number"]
    assert issued.dated.isoformat() == "2026-11-25"
    assert issued.unit == answered.unit and issued.issued_by == sekretaris
    assert re.fullmatch(r"[23456789ABCDEFGHJKMNPQRSTVWXYZ]{12}", issued.code)


def test_it_prints_the_qr_code_and_the_absolute_address_on_the_letter(client, answered, sekretaris, settings):
    settings.SITE_URL = "https://pengaduan.madiunkota.go.id"
    pdf = _download_letter(client, sekretaris, answered)
    code = IssuedDocument.objects.get().code
    drawn = _streams(pdf)
    assert f"https://pengaduan.madiunkota.go.id/verifikasi/{code}/".encode() in drawn
    assert verification.display_code(code).encode() in drawn
    # The QR code: many filled squares (re … f) below the signature.
    assert drawn.count(b" re") > 100


def test_it_passes_the_genuine_letter(client, answered, sekretaris):
    pdf = _download_letter(client, sekretaris, answered)
    code = IssuedDocument.objects.get().code
    client.logout()
    response = _check(client, code, pdf)
    assert response.status_code == 200
    assert "verdict-ok" in response.content.decode()
    assert "verdict-bad" not in response.content.decode()


def test_it_fails_a_letter_with_one_byte_changed(client, answered, sekretaris):
    pdf = bytearray(_download_letter(client, sekretaris, answered))
    code = IssuedDocument.objects.get().code
    pdf[len(pdf) // 2] ^= 0x01
    client.logout()
    response = _check(client, code, bytes(pdf))
    assert response.status_code == 200
    assert "verdict-bad" in response.content.decode()
    assert "verdict-ok" not in response.content.decode()


def test_it_fails_a_letter_whose_text_was_altered(client, answered, sekretaris):
    """A forger edits the answer in the uncompressed letter: same code, same look, another hash."""
    issue_answer_letter(answered)
    document = IssuedDocument.objects.get()
    from pengaduan.complaints.letters import answer_letter_pdf
    genuine = answer_letter_pdf(answered, stamp=verification.Stamp(document.code), compress=False)
    forged = genuine.replace(b"ditindaklanjuti", b"dihentikan.....")
    assert forged != genuine
    assert not verification.matches(document, forged)
    response = _check(client, document.code, forged)
    assert "verdict-bad" in response.content.decode()


def test_it_accepts_a_pasted_hash(client, answered):
    _pdf, document = issue_answer_letter(answered)
    response = client.post(f"/verifikasi/{document.code.lower()}/", {"sha256": document.sha256.upper()})
    assert "verdict-ok" in response.content.decode()
    response = client.post(f"/verifikasi/{document.code}/", {"sha256": "ab" * 32})
    assert "verdict-bad" in response.content.decode()


def test_it_asks_for_a_file_or_a_hash(client, answered):
    _pdf, document = issue_answer_letter(answered)
    response = client.post(f"/verifikasi/{document.code}/", {"sha256": "not a hash"})
    assert response.status_code == 200
    assert 'class="verdict' not in response.content.decode()
    assert "64" in response.content.decode()


def test_it_shows_number_date_unit_kind_and_hash_and_never_the_complainant(client, answered):
    _pdf, document = issue_answer_letter(answered)
    page = client.get(f"/verifikasi/{document.code}/").content.decode()
    for shown in (STEP_DATA[4]["letter_number"], answered.unit.name, document.sha256, answered.register_number):
        assert shown in page
    assert "Siti" not in page and "Aminah" not in page
    assert answered.complainant.phone not in page if answered.complainant.phone else True


def test_it_answers_an_unknown_code_with_a_clear_404(client, db):
    response = client.get("/verifikasi/ABCDEFGHJKMN/")
    assert response.status_code == 404
    assert "verify-code" not in response.content.decode()
    assert 'role="alert"' in response.content.decode()


def test_it_rate_limits_the_verification_page(client, answered, settings):
    _pdf, document = issue_answer_letter(answered)
    for _ in range(throttle.VERIFY.hits):
        assert client.get(f"/verifikasi/{document.code}/").status_code == 200
    assert client.get(f"/verifikasi/{document.code}/").status_code == 429


def test_it_reprints_a_letter_as_the_same_issue_with_the_same_hash(client, answered, sekretaris):
    first = _download_letter(client, sekretaris, answered)
    second = _download_letter(client, sekretaris, answered)
    assert first == second
    assert IssuedDocument.objects.count() == 1


def test_it_records_a_new_issue_when_the_letterhead_changed_and_keeps_the_old_one(client, answered, sekretaris):
    first = _download_letter(client, sekretaris, answered)
    answered.unit.head_name = "Dr. PENGGANTI"
    answered.unit.save()
    second = _download_letter(client, sekretaris, answered)
    assert first != second
    old, new = IssuedDocument.objects.order_by("pk")
    assert old.code != new.code
    assert verification.matches(old, first) and verification.matches(new, second)


def test_it_records_every_receipt_as_a_new_issue(answered):
    _one, first = issue_receipt(answered)
    _two, second = issue_receipt(answered)
    assert first.code != second.code
    assert {first.kind, second.kind} == {IssuedDocument.Kind.RECEIPT}


def test_it_finds_a_code_typed_with_dashes_and_small_letters(answered):
    _pdf, document = issue_answer_letter(answered)
    assert verification.find(verification.display_code(document.code).lower()) == document
    assert verification.find("short") is None


def test_it_redirects_a_typed_code_to_its_page(client, db):
    response = client.get("/verifikasi/", {"code": "abcd-efgh-jkmn"})
    assert response.status_code == 302 and response["Location"] == "/verifikasi/ABCDEFGHJKMN/"
    assert client.get("/verifikasi/").status_code == 200


# --- the unit's logo on the letterhead -------------------------------------------------------------------

def _png() -> bytes:
    buffer = BytesIO()
    PilImage.new("RGB", (120, 140), (200, 30, 30)).save(buffer, "PNG")
    return buffer.getvalue()


def test_it_draws_the_units_logo_in_the_letterhead(answered):
    answered.unit.logo.save("logo.png", SimpleUploadedFile("logo.png", _png(), "image/png"))
    pdf, _document = issue_answer_letter(answered)
    assert b"/Subtype /Image" in pdf


def test_it_prints_the_letter_without_a_logo_it_cannot_read(answered):
    answered.unit.logo.save("logo.png", SimpleUploadedFile("logo.png", b"not an image", "image/png"))
    pdf, _document = issue_answer_letter(answered)
    assert pdf.startswith(b"%PDF") and b"/Subtype /Image" not in pdf
