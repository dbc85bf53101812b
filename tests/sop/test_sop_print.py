"""`pengaduan sop print`: an SOP version printed back as the standard sheet, with its swimlane flowchart.

The flowchart is checked through the printer's trace (what it drew, where); the text through the
PDF's decompressed page streams.
"""

import base64
import copy
import re
import zlib
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from factories import MADIUN_SOP
from pengaduan.sop.importer import import_sheet
from pengaduan.sop.printing import SopPrintError, sop_sheet_pdf
from pengaduan.sop.schema import load_sop_file, parse_sop_text
from pengaduan.sop.services import sop_load

SHEETS = Path(__file__).parent / "sheets"
MADIUN_TEXT = MADIUN_SOP.read_text(encoding="utf-8")


def pdf_text(pdf: bytes) -> str:
    """The drawing operators of every page, text included (ReportLab writes ASCII85 + Flate streams)."""
    streams = re.finditer(rb"/Filter \[ /ASCII85Decode /FlateDecode \][^>]*>>\s*stream\r?\n(.*?)endstream", pdf, re.S)
    return "\n".join(zlib.decompress(base64.a85decode(m[1].strip(), adobe=True)).decode("latin-1") for m in streams)


def printed(document, **kwargs) -> tuple[bytes, list]:
    trace: list = []
    return sop_sheet_pdf(document, trace=trace, **kwargs), trace


def long_document(steps: int = 15) -> dict:
    """The Madiun SOP stretched to `steps` steps, the last but one a decision sending the case back to step 2."""
    document = load_sop_file(MADIUN_SOP).model_dump(mode="json")
    first, *middle, last = document["steps"]
    roles = [role["code"] for role in document["roles"]]
    filler = []
    for number in range(steps - len(middle) - 3):
        step = copy.deepcopy(middle[0])
        step.update(kind="review", performer=roles[number % len(roles)], coordinators=[])
        filler.append(step)
    decision = copy.deepcopy(middle[1])
    decision["description"] = "Apakah jawaban sudah lengkap? Jika tidak, kembali ke langkah 2"
    document["steps"] = [first, *middle, *filler, decision, last]
    for number, step in enumerate(document["steps"], start=1):
        step["number"] = number
    return document


def test_it_prints_the_madiun_sop_on_a4_landscape_with_identity_block_and_procedure_table():
    pdf, trace = printed(load_sop_file(MADIUN_SOP))

    assert pdf.startswith(b"%PDF")
    assert pdf.count(b"/MediaBox [ 0 0 841.8898 595.2756 ]") == 2  # identity page, procedure page
    text = pdf_text(pdf)
    for expected in ["PEMERINTAH KOTA MADIUN", "STANDAR OPERASIONAL PROSEDUR", "Nomor SOP", "3.1.1.10",
                     "15 Desember 2022", "Tanggal Revisi", "Dasar Hukum:", "Peralatan/Perlengkapan:",
                     "Drs. GAGUK HARIYONO", "NIP. 19670720 198809 1 001", "Uraian Prosedur", "Pelaksana",
                     "Mutu Baku", "Kelengkapan", "Inspektur", "Sekretaris", "Kasubag", "JFU", "maks 10 hari",
                     "Penyelenggaraan", "Mulai", "Selesai"]:  # fmt: skip
        assert f"({expected}" in text or expected in text, expected
    assert ("header", 2) in trace


def test_it_draws_terminators_for_the_first_and_last_step_and_a_diamond_for_the_decision():
    _, trace = printed(load_sop_file(MADIUN_SOP))

    shapes = {item[1]: item[2] for item in trace if item[0] == "shape"}
    assert shapes == {1: "terminator", 2: "process", 3: "decision", 4: "process", 5: "terminator"}


def test_it_connects_each_step_to_the_next():
    _, trace = printed(load_sop_file(MADIUN_SOP))

    assert [item[1:3] for item in trace if item[0] == "arrow"] == [(1, 2), (2, 3), (3, 4), (4, 5)]


def test_it_draws_a_diamond_and_the_way_back_for_an_imported_decision_step():
    document = parse_sop_text(import_sheet(SHEETS / "dinas-decision.txt").document_toml)

    _, trace = printed(document)

    assert ("shape", 2, "decision", 2) in trace
    assert ("branch", 2, 1, 2) in trace  # "Jika tidak, kembali ke langkah 1"


def test_it_repeats_the_header_and_joins_the_flowchart_across_a_page_break():
    pdf, trace = printed(long_document(15))

    headers = [item[1] for item in trace if item[0] == "header"]
    assert headers == [2, 3]
    out = [item for item in trace if item[0] == "offpage_out"]
    into = [item for item in trace if item[0] == "offpage_in"]
    assert len(out) == len(into) == 1
    (_, label, last_on_page, page), (_, label_in, first_on_next, next_page) = out[0], into[0]
    assert (label, label_in) == ("A", "A") and first_on_next == last_on_page + 1 and next_page == page + 1
    assert ("arrow", last_on_page, first_on_next, page) not in trace  # the connector pair stands for it
    assert pdf_text(pdf).count("(Uraian Prosedur) Tj") == 2


def test_it_points_a_decision_to_a_step_on_an_earlier_page_with_its_number():
    _, trace = printed(long_document(15))

    (branch,) = [item for item in trace if item[0] == "branch"]
    assert branch[1:3] == (14, 2) and branch[3] == 3


@pytest.mark.django_db
def test_it_prints_an_old_version_from_its_stored_document():
    first, _ = sop_load(path=MADIUN_SOP)
    sop_load(text=MADIUN_TEXT.replace("maks 10 hari", "maks 14 hari"))

    text = pdf_text(sop_sheet_pdf(first))

    assert "maks 10 hari" in text and "maks 14 hari" not in text
    assert "versi 1" in text


@pytest.mark.django_db
def test_it_prints_the_newest_or_a_chosen_version_from_the_command(tmp_path):
    sop_load(path=MADIUN_SOP)
    sop_load(text=MADIUN_TEXT.replace("maks 10 hari", "maks 14 hari"))
    newest, first = tmp_path / "newest.pdf", tmp_path / "first.pdf"
    out = StringIO()

    call_command("sop", "print", "3.1.1.10", "-o", str(newest), stdout=out)
    call_command("sop", "print", "3.1.1.10", "--version", "1", "-o", str(first), stdout=out)

    assert out.getvalue().splitlines() == [
        f"Printed SOP 3.1.1.10 version 2 to {newest}",
        f"Printed SOP 3.1.1.10 version 1 to {first}",
    ]
    assert "maks 14 hari" in pdf_text(newest.read_bytes())
    assert "maks 10 hari" in pdf_text(first.read_bytes())


def test_it_prints_a_file_that_is_not_loaded(tmp_path):
    target = tmp_path / "draft.pdf"

    call_command("sop", "print", "--file", str(MADIUN_SOP), "-o", str(target), stdout=StringIO())

    assert r"draf \(belum dimuat\)" in pdf_text(target.read_bytes())  # PDF strings escape parentheses


@pytest.mark.django_db
def test_it_refuses_to_print_an_sop_that_is_not_loaded(tmp_path):
    with pytest.raises(CommandError, match="SOP '9.9.9' is not loaded"):
        call_command("sop", "print", "9.9.9", "-o", str(tmp_path / "x.pdf"), stdout=StringIO())


def test_it_refuses_clearly_an_sop_with_more_performer_columns_than_a_page_can_hold():
    document = load_sop_file(MADIUN_SOP).model_dump(mode="json")
    document["roles"] = [{"code": f"r{number}", "title": f"Staf {number}"} for number in range(60)]

    with pytest.raises(SopPrintError, match="60 Pelaksana columns do not fit across an A4 page"):
        sop_sheet_pdf(document)


def test_it_cuts_a_runaway_text_rather_than_failing_to_lay_out_the_page():
    document = load_sop_file(MADIUN_SOP).model_dump(mode="json")
    document["steps"][2]["description"] = "kata " * 3000
    document["sop"]["legal_basis"] = ["Peraturan " * 3000]

    pdf, trace = printed(document)

    assert pdf.startswith(b"%PDF") and "[...]" in pdf_text(pdf)
    assert len([item for item in trace if item[0] == "shape"]) == 5
