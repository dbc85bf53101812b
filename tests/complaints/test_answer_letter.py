"""Step 4, the answer: drafted from the editable templates, printed as a naskah dinas with letterhead and signature."""

import re

import pytest
from django.utils import translation
from django.utils.translation import gettext, pgettext

from factories import intake_data, wib
from madiun_steps import STEP_DATA, advance
from pengaduan.complaints.engine import complaint_record, step_complete
from pengaduan.complaints.kinds import get_kind
from pengaduan.complaints.letters import LETTER_LANGUAGE, answer_letter_pdf
from pengaduan.complaints.models import AnswerTemplate
from pengaduan.typesetting import city_of
from pengaduan.units.models import Unit

pytestmark = pytest.mark.django_db

RECEIVED = wib(2026, 11, 23, 8, 15)  # a Monday
WORKED = wib(2026, 11, 24, 9, 0)
DRAFTED = wib(2026, 11, 25, 10, 0)
PRINTED = wib(2026, 11, 30, 9, 0)
IDENTITY = ("Siti", "Aminah", "081234567890", "siti@example.org", "Pahlawan")

SHOWN_STRING = re.compile(rb"\(((?:\\.|[^\\)])*)\)\s*Tj", re.S)
ESCAPE = re.compile(rb"\\([0-7]{1,3}|.)", re.S)
PAGE = re.compile(rb"/Type\s*/Page\b(?!s)")


def _text(pdf: bytes) -> str:
    """The text shown on the pages of an uncompressed ReportLab PDF, line after line, joined by spaces."""
    def unescape(match: re.Match) -> bytes:
        code = match.group(1)
        return bytes([int(code, 8)]) if code.isdigit() else code

    text = " ".join(ESCAPE.sub(unescape, raw).decode("cp1252") for raw in SHOWN_STRING.findall(pdf))
    return " ".join(text.replace("\u00a0", " ").split())


def _letter_text(msgid: str) -> str:
    """A fixed text of the letter as the letter prints it (in Indonesian once the catalogue has it)."""
    with translation.override(LETTER_LANGUAGE):
        return pgettext("answer letter", msgid)


@pytest.fixture
def headed_unit(unit):
    unit.parent_name = "Pemerintah Kota Madiun"
    unit.head_title = "Inspektur Kota Madiun"
    unit.head_name = "Drs. GAGUK HARIYONO"
    unit.head_rank = "Pembina Utama Muda"
    unit.head_nip = "19670720 198809 1 001"
    unit.save()
    return unit


def _at_step_4(unit, staff, **intake):
    complaint = complaint_record(unit=unit, actor=staff["jfu"], data=intake_data(**intake), now=RECEIVED)
    return advance(complaint, staff, to_step=4, now=WORKED)


def _answered(unit, staff, *, answer=STEP_DATA[4]["answer"], **intake):
    complaint = _at_step_4(unit, staff, **intake)
    step_complete(complaint=complaint, actor=staff["sekretaris"], step_number=4,
                  data={**STEP_DATA[4], "answer": answer}, now=DRAFTED)
    complaint.refresh_from_db()
    return complaint


def _draft(complaint) -> str:
    return get_kind("draft_answer").initial(complaint)["answer"]


# --- the draft -----------------------------------------------------------------------------------

def test_it_drafts_from_the_default_template_with_number_date_and_order(headed_unit, staff):
    complaint = _at_step_4(headed_unit, staff)
    draft = _draft(complaint)
    assert draft.startswith("Menindaklanjuti pengaduan Bapak/Ibu yang kami terima pada tanggal 23 November 2026")
    assert complaint.register_number in draft
    assert "Pungutan liar pada pengurusan KTP" in draft
    assert "telah kami pelajari dengan saksama" in draft  # the decision was to answer directly
    assert STEP_DATA[3]["order"] in draft  # the Inspektur's order, before the closing
    assert draft.index(STEP_DATA[3]["order"]) < draft.index("Demikian kami sampaikan.")
    assert "{" not in draft and "\n\n\n" not in draft


def test_it_seeds_one_default_template_per_decision():
    defaults = AnswerTemplate.objects.filter(unit=None)
    assert sorted(defaults.values_list("decision_type", flat=True)) == [
        "answer", "examination", "forward", "not_within_authority"]
    not_ours = defaults.get(decision_type="not_within_authority").body
    assert "{forward_to}" in not_ours and "Ombudsman Republik Indonesia" in not_ours


def test_it_prefers_the_units_own_template_and_appends_the_order(headed_unit, staff):
    AnswerTemplate.objects.create(unit=headed_unit, decision_type="answer",
                                  body="Jawaban {unit} atas aduan {register_number}. {tidak_dikenal}Selesai.")
    complaint = _at_step_4(headed_unit, staff)
    draft = _draft(complaint)
    assert draft == (f"Jawaban Inspektorat Kota Madiun atas aduan {complaint.register_number}. Selesai."
                     f"\n\n{STEP_DATA[3]['order']}")


@pytest.mark.parametrize("body", [
    "Nomor {register_number", "Nomor {register_number} {}", "Nomor {0}", "Nomor {summary.__class__}",
    "Nomor {summary[0]}", "Nomor {register_number:%d}", "Nomor } {register_number}",
])
def test_it_keeps_a_broken_template_as_it_stands(headed_unit, staff, body):
    AnswerTemplate.objects.create(unit=headed_unit, decision_type="answer", body=body)
    complaint = _at_step_4(headed_unit, staff)
    assert _draft(complaint) == f"{body}\n\n{STEP_DATA[3]['order']}"


def test_it_leaves_out_a_sentence_whose_placeholder_is_empty(headed_unit, staff):
    complaint = complaint_record(unit=headed_unit, actor=staff["jfu"], data=intake_data(), now=RECEIVED)
    complaint = advance(complaint, staff, to_step=3, now=WORKED)
    step_complete(complaint=complaint, actor=staff["inspektur"], step_number=3, now=WORKED, data={
        **STEP_DATA[3], "decision_type": "not_within_authority", "forward_to": "", "order": "Jelaskan dengan santun."})
    draft = _draft(complaint)
    assert "yaitu" not in draft  # "... kepada instansi yang berwenang, yaitu {forward_to}." with nobody named
    assert "Ombudsman Republik Indonesia" in draft


def test_it_falls_back_to_plain_sentences_without_a_template(headed_unit, staff):
    AnswerTemplate.objects.all().delete()
    complaint = _at_step_4(headed_unit, staff)
    with translation.override("en"):
        draft = _draft(complaint)
    assert draft.startswith(f"Thank you for your complaint, recorded under number {complaint.register_number}.")
    assert STEP_DATA[3]["order"] in draft


# --- the letter ----------------------------------------------------------------------------------

def test_it_prints_the_letter_with_letterhead_number_subject_answer_and_signature(headed_unit, staff):
    complaint = _answered(headed_unit, staff)
    text = _text(answer_letter_pdf(complaint, now=PRINTED, compress=False))
    assert "PEMERINTAH KOTA MADIUN INSPEKTORAT" in text
    assert "Madiun, 30 November 2026" in text
    assert f"{_letter_text('Number')} : 700/123/401.105/2026" in text
    assert f"{_letter_text('Nature')} : {_letter_text('Ordinary')}" in text
    subject = _letter_text("Answer to complaint number %(number)s") % {"number": complaint.register_number}
    assert f"{_letter_text('Subject')} : {subject}" in text
    assert "Siti Aminah Jl. Pahlawan 1, Madiun" in text  # the addressee
    assert STEP_DATA[4]["answer"] in text
    assert "INSPEKTUR KOTA MADIUN, Drs. GAGUK HARIYONO Pembina Utama Muda NIP. 19670720 198809 1 001" in text
    assert text.index(STEP_DATA[4]["answer"]) < text.index("Drs. GAGUK HARIYONO")


def test_it_dates_the_letter_on_the_day_of_the_draft_and_prints_the_same_bytes_again(headed_unit, staff):
    complaint = _answered(headed_unit, staff)
    pdf = answer_letter_pdf(complaint, compress=False)
    assert "Madiun, 25 November 2026" in _text(pdf)
    assert answer_letter_pdf(complaint, compress=False) == pdf


def test_it_compresses_by_default(headed_unit, staff):
    pdf = answer_letter_pdf(_answered(headed_unit, staff), now=PRINTED)
    assert pdf.startswith(b"%PDF") and b"700/123/401.105/2026" not in pdf


def test_it_prints_dots_for_a_missing_letter_number_and_no_place_for_an_unknown_city(headed_unit, staff):
    complaint = _at_step_4(headed_unit, staff)
    step_complete(complaint=complaint, actor=staff["sekretaris"], step_number=4,
                  data={**STEP_DATA[4], "letter_number": ""}, now=DRAFTED)
    headed_unit.parent_name = ""
    headed_unit.save()
    complaint.refresh_from_db()
    text = _text(answer_letter_pdf(complaint, now=PRINTED, compress=False))
    assert f"{_letter_text('Number')} : \u2026" in text
    assert "30 November 2026" in text and "Madiun, 30 November 2026" not in text


def test_it_addresses_an_anonymous_complainant_without_any_personal_data(headed_unit, staff):
    complaint = _answered(headed_unit, staff, is_anonymous="on")
    pdf = answer_letter_pdf(complaint, now=PRINTED, compress=False)
    text = _text(pdf)
    with translation.override(LETTER_LANGUAGE):
        to = pgettext("answer letter", "To %(name)s") % {"name": gettext("Complainant")}
    assert f"{to} {_letter_text('(delivered through the tracking page)')}" in text
    assert _letter_text("at your address") not in text
    for identity in IDENTITY:
        assert identity.encode() not in pdf  # neither on the page nor in the metadata


def test_it_flows_a_long_answer_onto_a_numbered_second_page_with_the_signature(headed_unit, staff):
    paragraph = "Hasil klarifikasi kepada kelurahan dan para saksi kami uraikan sebagai berikut. " * 8
    answer = "\n\n".join(f"{number}. {paragraph.strip()}" for number in range(1, 8))
    complaint = _answered(headed_unit, staff, answer=answer)
    pdf = answer_letter_pdf(complaint, now=PRINTED, compress=False)
    assert len(PAGE.findall(pdf)) == 2
    text = _text(pdf)
    assert "- 2 -" in text and "- 1 -" not in text
    assert text.count("PEMERINTAH KOTA MADIUN") == 1  # the letterhead on page 1 only
    assert "7. Hasil klarifikasi" in text
    assert text.index("- 2 -") < text.index("Drs. GAGUK HARIYONO")


def test_it_refuses_to_print_before_the_answer_is_drafted(headed_unit, staff):
    complaint = _at_step_4(headed_unit, staff)
    with pytest.raises(ValueError, match="not been drafted"):
        answer_letter_pdf(complaint)


@pytest.mark.parametrize(("government", "city"), [
    ("Pemerintah Kota Madiun", "Madiun"), ("PEMERINTAH KABUPATEN SLEMAN", "Sleman"),
    ("Kabupaten Ponorogo", "Ponorogo"), ("Pemerintah Provinsi Jawa Timur", ""), ("", ""),
])
def test_it_dates_letters_from_the_city_of_the_government(government, city):
    assert city_of(Unit(parent_name=government)) == city
