"""Importing the spreadsheet the LAPOR! admin panel exports: headers matched, preview first, all or nothing."""

import csv
import io
from io import StringIO

import openpyxl
import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from factories import intake_data, wib

from pengaduan.complaints.engine import complaint_record
from pengaduan.complaints.models import Complaint
from pengaduan.lapor.importer import ImportFileError, ImportRefused, import_preview, import_write

NOW = wib(2026, 12, 2, 10, 0)
HEADER = ["Tracking ID", "Judul Laporan", "Isi Laporan", "Kategori", "Klasifikasi", "Tanggal Laporan",
          "Tanggal Disposisi", "Nama Pelapor", "Email", "No. HP", "Lokasi", "Anonim", "Rahasia", "Status"]
ROWS = [
    ["1916449", "Jalan berlubang", "Jalan di depan pasar berlubang.", "Infrastruktur", "Pengaduan",
     "30/11/2026 08:15", "01/12/2026 09:00", "Budi Santoso", "budi@example.org", "081298765432", "Pasar Besar",
     "Tidak", "Tidak", "Didisposisikan"],
    ["1916450", "Lampu jalan mati", "Lampu jalan mati sejak seminggu.", "Penerangan", "Aspirasi",
     "30/11/2026 10:00", "01/12/2026 10:30", "", "", "", "Jl. Pahlawan", "Ya", "Tidak", "Didisposisikan"],
]


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def csv_file(header=HEADER, rows=ROWS, delimiter=",") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode()


def xlsx_file(header=HEADER, rows=ROWS) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def run_import(tmp_path, content: bytes, *args, name="lapor.csv"):
    path = tmp_path / name
    path.write_bytes(content)
    out = StringIO()
    call_command("lapor", "import", str(path), "--unit", "INSP", *args, stdout=out)
    return out.getvalue()


def test_it_previews_the_rows_and_writes_nothing_on_a_dry_run(unit, tmp_path):
    out = run_import(tmp_path, csv_file(), "--dry-run")

    assert "row 2: 1916449 new" in out and "row 3: 1916450 new" in out
    assert "2 would be new, 0 already here, 0 with errors (dry run: nothing written)" in out
    assert Complaint.objects.count() == 0


def test_it_imports_the_rows_as_received_complaints_on_the_lapor_channel(unit, tmp_path):
    run_import(tmp_path, csv_file())

    first, second = Complaint.objects.order_by("lapor_id")
    assert (first.lapor_id, first.channel, first.received_at) == ("1916449", "lapor", wib(2026, 12, 1, 9, 0))
    assert first.complainant.name == "Budi Santoso" and first.complainant.phone == "+6281298765432"  # stored in E.164
    assert second.is_anonymous and second.complainant is None and second.complaint_type == "aspirasi"
    assert first.step_runs.get().done_at is None  # waiting for the JFU


def test_it_matches_headers_whatever_their_case_spacing_or_synonym_from_xlsx(unit, tmp_path):
    header = ["  tracking-id ", "JUDUL", "isi  aduan", "Topik", "Jenis Laporan", "Tanggal", "Waktu Disposisi",
              "Pelapor", "E-mail", "Telepon", "Lokasi Kejadian", "ANONIM", "rahasia", "status laporan"]
    rows = [[1916449, *ROWS[0][1:5], wib(2026, 11, 30, 8, 15).replace(tzinfo=None),
             wib(2026, 12, 1, 9, 0).replace(tzinfo=None), *ROWS[0][7:]]]

    out = run_import(tmp_path, xlsx_file(header, rows), name="export.xlsx")

    complaint = Complaint.objects.get()
    assert complaint.lapor_id == "1916449"  # a number cell, not "1916449.0"
    assert complaint.received_at == wib(2026, 12, 1, 9, 0)
    assert "1 new" in out


def test_it_matches_by_lapor_id_on_a_rerun_and_a_hand_recorded_report(unit, jfu, tmp_path):
    typed = complaint_record(unit=unit, actor=jfu, data=intake_data(channel="lapor", lapor_id="1916450"))
    run_import(tmp_path, csv_file())

    out = run_import(tmp_path, csv_file(delimiter=";"))

    assert Complaint.objects.count() == 2
    assert Complaint.objects.get(lapor_id="1916450") == typed
    assert "0 new, 2 already here" in out


def test_it_lists_the_errors_of_a_malformed_file_and_writes_nothing(unit, tmp_path):
    rows = [
        ROWS[0],
        ["", "Tanpa nomor", "Isi ada.", "", "Pengaduan", "", "", "", "", "", "", "", "", ""],
        ["1916451", "Tanggal salah", "Isi ada.", "", "Pengaduan", "", "kemarin sore", "Ani", "", "", "", "", "", ""],
        ["1916452", "", "", "", "Pengaduan", "", "", "Ani", "", "", "", "", "", ""],
        ["1916453", "Jenis salah", "Isi ada.", "", "Keluhan", "", "", "Ani", "", "", "", "", "", ""],
        ["1916454", "Anonim salah", "Isi ada.", "", "", "", "", "Ani", "", "", "", "mungkin", "", ""],
        ["1916449", "Nomor ganda", "Isi ada.", "", "", "", "", "Ani", "", "", "", "", "", ""],
    ]
    with pytest.raises(CommandError, match="6 row\\(s\\) with errors: nothing was written"):
        out = StringIO()
        path = tmp_path / "bad.csv"
        path.write_bytes(csv_file(rows=rows))
        try:
            call_command("lapor", "import", str(path), "--unit", "INSP", stdout=out)
        finally:
            text = out.getvalue()

    assert Complaint.objects.count() == 0
    assert "row 2: 1916449 new" in text
    assert "row 3: - error: Tracking ID: Laporan tidak memiliki tracking ID." in text
    assert "row 4: 1916451 error: Tanggal Disposisi: 'kemarin sore' bukan tanggal dan waktu." in text
    assert "row 5: 1916452 error: Isi Laporan: Laporan tidak memiliki judul maupun isi." in text
    assert "row 6: 1916453 error: Klasifikasi: Jenis laporan 'Keluhan' tidak dikenal." in text
    assert "row 7: 1916454 error: Anonim: 'mungkin' bukan ya maupun tidak." in text
    assert "row 8: 1916449 error: ID LAPOR! yang sama juga ada pada baris 2." in text


def test_it_refuses_a_file_that_is_not_a_spreadsheet_with_one_line(unit, tmp_path):
    with pytest.raises(CommandError, match="bukan buku kerja XLSX"):
        run_import(tmp_path, b"PK\x03\x04 this is no workbook", name="export.xlsx")
    with pytest.raises(CommandError, match="bukan buku kerja XLSX"):
        run_import(tmp_path, b"\x00\x01\x02garbage", name="export.xlsx")
    assert Complaint.objects.count() == 0


def test_it_names_the_required_column_that_is_missing(unit, tmp_path):
    with pytest.raises(CommandError, match='Kolom "tracking id" tidak ditemukan pada baris pertama'):
        run_import(tmp_path, csv_file(header=["Nomor", *HEADER[1:]]))


def test_it_writes_all_or_nothing(unit, tmp_path, monkeypatch):
    """A failure while writing the second row leaves not even the first."""
    from pengaduan.lapor import importer

    calls = []
    real = importer.report_receive

    def second_fails(**kwargs):
        calls.append(kwargs["data"]["lapor_id"])
        if len(calls) == 2:
            raise RuntimeError("the disk is full")
        return real(**kwargs)

    monkeypatch.setattr(importer, "report_receive", second_fails)
    with pytest.raises(RuntimeError):
        import_write(unit=unit, handle=io.BytesIO(csv_file()), name="lapor.csv")

    assert Complaint.objects.count() == 0


def test_it_refuses_to_write_a_file_with_errors(unit):
    rows = [ROWS[0], ["1916450", "", "", "", "", "", "", "", "", "", "", "", "", ""]]
    with pytest.raises(ImportRefused) as refused:
        import_write(unit=unit, handle=io.BytesIO(csv_file(rows=rows)), name="lapor.csv")
    assert refused.value.preview.errors == 1
    assert Complaint.objects.count() == 0


def test_it_says_an_empty_file_is_empty(unit):
    with pytest.raises(ImportFileError, match="Berkas kosong"):
        import_preview(unit=unit, handle=io.BytesIO(b""), name="lapor.csv")
