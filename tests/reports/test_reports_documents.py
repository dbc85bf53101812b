"""The Buku Pengaduan as spreadsheet and print, and the periodic report, read back from the files."""

import re
import shutil
import subprocess
import zipfile
from datetime import datetime, timedelta
from io import BytesIO
from xml.etree import ElementTree

import pytest

from factories import wib
from pengaduan.reports import register
from pengaduan.reports.periodic import periodic_pdf
from pengaduan.reports.periods import Period

pytestmark = pytest.mark.django_db

NS = {"x": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
EXCEL_EPOCH = datetime(1899, 12, 30)


def sheets(data: bytes) -> dict[str, list[list]]:
    """Each worksheet's rows as lists of values (inline strings, numbers; date cells as numbers)."""
    book = zipfile.ZipFile(BytesIO(data))
    found = {}
    for name in sorted(n for n in book.namelist() if n.startswith("xl/worksheets/sheet")):
        rows = []
        for row in ElementTree.fromstring(book.read(name)).iterfind(".//x:sheetData/x:row", NS):
            values = {}
            for cell in row.iterfind("x:c", NS):
                column = ord(re.match(r"[A-Z]", cell.get("r")).group()) - ord("A")
                text = cell.find("x:is/x:t", NS)
                values[column] = text.text if text is not None else float(cell.find("x:v", NS).text)
            rows.append([values.get(i) for i in range(max(values) + 1)] if values else [])
        found[name] = rows
    return found


def when(serial: float) -> datetime:
    return EXCEL_EPOCH + timedelta(seconds=round(serial * 86400))


def xlsx(unit, period) -> bytes:
    output = BytesIO()
    register.register_xlsx(output, unit=unit, period=period)
    return output.getvalue()


def pdf_text(data: bytes) -> str:
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (poppler-utils) is not installed")
    result = subprocess.run(["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True)
    return result.stdout.decode()


def test_it_writes_the_register_of_a_year_as_a_spreadsheet(data_set):
    rows = sheets(xlsx(data_set.unit, Period.year(2026)))["xl/worksheets/sheet1.xml"]
    assert rows[0] == ["BUKU PENGADUAN"] and rows[1] == ["Inspektorat Kota Madiun · Tahun 2026"]
    assert rows[2] == ["No.", "Tanggal diterima", "Nomor register", "Pengadu", "Saluran", "Ringkasan",
                       "Objek pengaduan", "Tindak lanjut", "Tanggal dijawab", "Keterangan"]
    entries = rows[3:]
    assert [(row[0], when(row[1]), row[2], row[3], row[4]) for row in entries] == [
        (1, datetime(2026, 11, 2, 8, 0), "0001/PGD/INSP/2026", "Siti Aminah", "Ruang pengaduan (langsung)"),
        (2, datetime(2026, 11, 3, 9, 0), "0002/PGD/INSP/2026", "Anonim", "Situs web"),
        (3, datetime(2026, 11, 23, 9, 0), "0003/PGD/INSP/2026", "Rahmat", "Surat"),
        (4, datetime(2026, 12, 21, 8, 0), "0004/PGD/INSP/2026", "Dirahasiakan", "Telepon"),
    ]
    assert [(row[7], row[8] and when(row[8]), row[9]) for row in entries] == [
        ("Dijawab langsung", datetime(2026, 11, 4, 10, 45), "Selesai"),
        ("Bukan kewenangan kami", datetime(2026, 11, 6, 13, 10), "Selesai"),
        (None, None, "Dalam proses"),
        ("Dijawab langsung", datetime(2026, 12, 28, 9, 50), "Selesai"),
    ]
    assert entries[0][5:7] == ["Pungutan liar pada pengurusan KTP", "Kelurahan Manguharjo"]


def test_it_never_writes_the_name_of_a_confidential_or_anonymous_complainant(data_set):
    data = xlsx(data_set.unit, Period.year(2026))
    text = "".join(str(cell) for rows in sheets(data).values() for row in rows for cell in row)
    assert "Budi Santoso" not in text and "Siti Aminah" in text
    printed = pdf_text(register.register_pdf(unit=data_set.unit, period=Period.year(2026)))
    assert "Budi Santoso" not in printed and "Dirahasiakan" in printed and "Anonim" in printed


def test_it_limits_the_register_to_the_period_and_leaves_unrecorded_complaints_out(data_set):
    rows = sheets(xlsx(data_set.unit, Period.month(2026, 11)))["xl/worksheets/sheet1.xml"][3:]
    assert [row[2] for row in rows] == ["0001/PGD/INSP/2026", "0002/PGD/INSP/2026", "0003/PGD/INSP/2026"]
    empty = sheets(xlsx(data_set.unit, Period.month(2026, 10)))["xl/worksheets/sheet1.xml"]
    assert empty[3] == ["Tidak ada pengaduan yang dicatat dalam buku pengaduan pada periode ini."]


def test_it_continues_on_a_new_sheet_past_the_rows_of_one(data_set, monkeypatch):
    monkeypatch.setattr(register, "XLSX_MAX_ROWS", 6)  # title, subtitle, blank, heads: two entries a sheet
    found = sheets(xlsx(data_set.unit, Period.year(2026)))
    assert [[row[2] for row in rows[3:]] for rows in found.values()] == [
        ["0001/PGD/INSP/2026", "0002/PGD/INSP/2026"], ["0003/PGD/INSP/2026", "0004/PGD/INSP/2026"]]


def test_it_prints_the_register_with_letterhead_and_page_footer(data_set):
    text = pdf_text(register.register_pdf(unit=data_set.unit, period=Period.quarter(2026, 4),
                                          now=wib(2026, 12, 30, 9, 0)))
    assert "PEMERINTAH KOTA MADIUN" in text and "BUKU PENGADUAN" in text and "Triwulan IV 2026" in text
    assert "0004/PGD/INSP/2026" in text and "Dinas Kependudukan dan" in text
    assert "Rabu, 30 Desember 2026 pukul 09.00 WIB" in text and "halaman 1" in text


def test_it_refuses_to_print_a_register_longer_than_a_printed_one_should_be(data_set, monkeypatch):
    monkeypatch.setattr(register, "REGISTER_PDF_MAX_ROWS", 3)
    with pytest.raises(register.RegisterTooLong, match="XLSX"):
        register.register_pdf(unit=data_set.unit, period=Period.year(2026))


def test_it_prints_many_pages_with_the_column_heads_on_each(data_set, monkeypatch):
    rows = [(n, wib(2026, 11, 2, 8, 0), f"{n:04d}/PGD/INSP/2026", False, False, f"Pengadu {n}", "walk_in",
             "Ringkasan", "Objek", "", "", "open", None, "", None, "", "", False) for n in range(1, 121)]
    monkeypatch.setattr(register, "register_rows", lambda entries: iter(rows))
    text = pdf_text(register.register_pdf(unit=data_set.unit, period=Period.year(2026)))
    pages = text.split("\f")[:-1]
    assert len(pages) > 2 and all("Nomor register" in page for page in pages)
    assert all(f"{n:04d}/PGD/INSP/2026" in text for n in (1, 60, 61, 120))


def test_it_writes_the_periodic_report_in_indonesian_with_the_signature(data_set):
    text = pdf_text(periodic_pdf(unit=data_set.unit, period=Period.month(2026, 11), now=wib(2026, 12, 1, 9, 0)))
    assert "LAPORAN PENANGANAN PENGADUAN PELAYANAN PUBLIK" in text and "November 2026" in text
    assert re.search(r"Pengaduan diterima\s+4", text)
    assert re.search(r"Dijawab dalam waktu SOP\s+2 \(100,0 %\)", text)
    assert re.search(r"Rata-rata waktu menjawab\s+2,5 hari kerja \(14 jam 00 menit waktu kerja\)", text)
    assert re.search(r"Kepuasan pengadu\s+4,5 dari 5 \(2 penilaian\)", text)
    assert "Madiun, 1 Desember 2026" in text and "Drs. GAGUK HARIYONO" in text and "NIP. 19670720 198809 1 001" in text
    assert "Siti Aminah" not in text and "Rahmat" not in text
