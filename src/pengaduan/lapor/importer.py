"""The spreadsheet the SP4N-LAPOR! admin panel exports (XLSX or CSV), for units without API access.

Columns are found by their header (case, spacing and punctuation ignored, known synonyms accepted); every row
becomes a report in the API's shape and goes through the same mapping as the sync (mapping.report_to_intake),
then through our intake form, so the preview shows every error the write would meet. The write is all or
nothing, and a rerun finds the reports already here by their LAPOR! ID.
"""

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, BinaryIO

from django.db import transaction
from django.utils.translation import gettext as _

from pengaduan.complaints.kinds import kinds
from pengaduan.complaints.models import Complaint
from pengaduan.lapor.mapping import MappingError, report_to_intake
from pengaduan.lapor.services import report_receive
from pengaduan.units.models import Unit

MAX_ROWS = 5000
MAX_BYTES = 10 * 1024 * 1024

# Our field ← the headers it may have in the panel's export (normalized: lower case, letters and digits only,
# single spaces). Assumed from the panel's labels; see docs/lapor.md, "Spreadsheet".
HEADERS: dict[str, tuple[str, ...]] = {
    "tracking_id": ("tracking id", "trackingid", "id laporan", "no tracking", "nomor tracking", "tracking",
                    "id tracking", "kode laporan", "nomor laporan"),
    "title": ("judul", "judul laporan", "title", "perihal"),
    "content": ("isi laporan", "isi", "laporan", "content", "uraian", "deskripsi", "isi aduan", "isi pengaduan"),
    "category": ("kategori", "category", "topik", "kategori laporan"),
    "type": ("klasifikasi", "klasifikasi laporan", "jenis", "jenis laporan", "tipe laporan", "type"),
    "created_at": ("tanggal laporan", "tanggal", "waktu laporan", "tanggal masuk", "created at", "dibuat"),
    "disposed_at": ("tanggal disposisi", "waktu disposisi", "didisposisikan", "disposed at", "tanggal diteruskan"),
    "status": ("status", "status laporan"),
    "reporter_name": ("nama pelapor", "pelapor", "nama", "reporter"),
    "reporter_phone": ("telepon", "no telepon", "nomor telepon", "no hp", "nomor hp", "hp", "telepon pelapor",
                       "no telp", "phone"),
    "reporter_email": ("email", "e mail", "email pelapor", "surel"),
    "reporter_address": ("alamat", "alamat pelapor", "address"),
    "location": ("lokasi", "lokasi kejadian", "tempat kejadian", "location"),
    "event_date": ("tanggal kejadian", "waktu kejadian", "event date"),
    "is_anonymous": ("anonim", "anonymous", "laporan anonim"),
    "is_secret": ("rahasia", "secret", "laporan rahasia"),
    "institution_name": ("instansi", "instansi tujuan", "instansi terdisposisi", "disposisi", "unit"),
}
REQUIRED = ("tracking_id", "content")
_BY_HEADER = {alias: name for name, aliases in HEADERS.items() for alias in aliases}


class ImportFileError(ValueError):
    """The file as a whole cannot be read (format, no header, a required column missing)."""


@dataclass
class RowPreview:
    number: int  # the row's number in the sheet (the header is row 1)
    tracking_id: str
    summary: str
    action: str  # "new", "matched" (already a complaint here), "error"
    errors: list[str] = field(default_factory=list)
    complaint: Complaint | None = None
    data: dict[str, Any] | None = None


@dataclass
class ImportPreview:
    columns: dict[str, str]  # our field → the header it was found under
    ignored: list[str]  # headers we do not use
    rows: list[RowPreview]

    @property
    def errors(self) -> int:
        return sum(1 for row in self.rows if row.action == "error")

    @property
    def new(self) -> int:
        return sum(1 for row in self.rows if row.action == "new")

    @property
    def matched(self) -> int:
        return sum(1 for row in self.rows if row.action == "matched")


def normalize_header(value: Any) -> str:
    return " ".join(re.sub(r"[^0-9a-z]+", " ", str(value or "").lower()).split())


def read_table(handle: BinaryIO, name: str) -> list[list[Any]]:
    """The sheet's rows (the first is the header), from XLSX or CSV by content, not by the file's name."""
    raw = handle.read(MAX_BYTES + 1)
    if len(raw) > MAX_BYTES:
        raise ImportFileError(_("The file is larger than %(mb)d MB.") % {"mb": MAX_BYTES // (1024 * 1024)})
    if not raw.strip():
        raise ImportFileError(_("The file is empty."))
    if raw[:2] == b"PK":
        return _read_xlsx(raw)
    if name.lower().endswith((".xlsx", ".xlsm", ".xls")):
        raise ImportFileError(_("This file is not a readable XLSX workbook. Export it again from the LAPOR! "
                                "admin panel, as XLSX or CSV."))
    return _read_csv(raw)


def _read_xlsx(raw: bytes) -> list[list[Any]]:
    import openpyxl  # only here: the rest of the app never needs it

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise ImportFileError(_("This file is not a readable XLSX workbook (%(error)s).") % {
            "error": type(error).__name__}) from None
    try:
        sheet = workbook.worksheets[0]
        rows = []
        for row in sheet.iter_rows(values_only=True):
            rows.append(list(row))
            if len(rows) > MAX_ROWS + 1:
                raise ImportFileError(_("The file has more than %(n)d rows; split it.") % {"n": MAX_ROWS})
        return rows
    finally:
        workbook.close()


def _read_csv(raw: bytes) -> list[list[Any]]:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover (cp1252 decodes almost anything)
        raise ImportFileError(_("The file's characters cannot be read; save it as UTF-8 CSV or XLSX."))
    if "\x00" in text:
        raise ImportFileError(_("This file is neither CSV nor XLSX."))
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    rows = list(csv.reader(io.StringIO(text), dialect))
    if len(rows) > MAX_ROWS + 1:
        raise ImportFileError(_("The file has more than %(n)d rows; split it.") % {"n": MAX_ROWS})
    return rows


def _columns(header: list[Any]) -> tuple[dict[str, int], dict[str, str], list[str]]:
    index, found, ignored = {}, {}, []
    for position, cell in enumerate(header):
        name = _BY_HEADER.get(normalize_header(cell))
        if name and name not in index:
            index[name], found[name] = position, str(cell).strip()
        elif str(cell or "").strip():
            ignored.append(str(cell).strip())
    missing = [name for name in REQUIRED if name not in index]
    if missing:
        wanted = "; ".join(f'"{HEADERS[name][0]}"' for name in missing)
        raise ImportFileError(_("No column for %(columns)s was found in the first row. The columns found: "
                                "%(found)s.") % {"columns": wanted,
                                                 "found": ", ".join(str(c) for c in header if c) or "-"})
    return index, found, ignored


def _report(row: list[Any], index: dict[str, int]) -> dict[str, Any]:
    def cell(name):
        position = index.get(name)
        return row[position] if position is not None and position < len(row) else None

    return {
        "tracking_id": cell("tracking_id"), "title": cell("title"), "content": cell("content"),
        "category": cell("category"), "type": cell("type"), "created_at": cell("created_at"),
        "disposed_at": cell("disposed_at"), "status": cell("status"), "location": cell("location"),
        "event_date": cell("event_date"), "is_anonymous": cell("is_anonymous") or False,
        "is_secret": cell("is_secret") or False,
        "reporter": {"name": cell("reporter_name"), "phone": cell("reporter_phone"),
                     "email": cell("reporter_email"), "address": cell("reporter_address")},
        "disposition": {"institution_name": cell("institution_name")},
    }


def import_preview(*, unit: Unit, handle: BinaryIO, name: str, now: datetime | None = None) -> ImportPreview:
    """Read the file and judge every row without writing anything: new, already here (matched), or its errors."""
    table = read_table(handle, name)
    while table and not any(str(cell or "").strip() for cell in table[0]):
        table.pop(0)  # blank rows above the header
    if not table:
        raise ImportFileError(_("The file is empty."))
    index, found, ignored = _columns(table[0])
    form_class = kinds.one("records_complaint").form_class
    rows: list[RowPreview] = []
    seen: dict[str, int] = {}
    for number, row in enumerate(table[1:], start=2):
        if not any(str(cell or "").strip() for cell in row):
            continue
        report = _report(row, index)
        preview = RowPreview(number=number, tracking_id=str(report["tracking_id"] or "").strip(),
                             summary=str(report["title"] or report["content"] or "")[:80], action="new")
        try:
            data = report_to_intake(report, unit_name=unit.name, now=now)
        except MappingError as error:
            preview.action, preview.errors = "error", [_column_error(error, found)]
            rows.append(preview)
            continue
        preview.tracking_id, preview.data = data["lapor_id"], data
        if data["lapor_id"] in seen:
            preview.action = "error"
            preview.errors.append(_("The same LAPOR! ID is on row %(row)d too.") % {"row": seen[data["lapor_id"]]})
        seen.setdefault(data["lapor_id"], number)
        existing = Complaint.objects.filter(lapor_id=data["lapor_id"]).select_related("unit").first()
        if existing is not None and preview.action != "error":
            preview.action, preview.complaint = "matched", existing
        elif preview.action != "error":
            form = form_class(data)
            if not form.is_valid():
                preview.action = "error"
                preview.errors += [f"{form[name].label if name in form.fields else name}: {message}"
                                   for name, messages in form.errors.items() for message in messages]
        rows.append(preview)
    if not rows:
        raise ImportFileError(_("The file has a header but no rows."))
    return ImportPreview(columns=found, ignored=ignored, rows=rows)


def _column_error(error: MappingError, found: dict[str, str]) -> str:
    return f"{found.get(error.field, error.field)}: {error}"


class ImportRefused(Exception):
    """The file has rows with errors: nothing was written."""

    def __init__(self, preview: ImportPreview):
        super().__init__(f"{preview.errors} rows with errors")
        self.preview = preview


def import_write(*, unit: Unit, handle: BinaryIO, name: str, now: datetime | None = None) -> ImportPreview:
    """Judge the file again and, only if no row has an error, store every new row as a received complaint on the
    LAPOR! channel, all in one transaction (all or nothing). Rows already here are left as they are."""
    preview = import_preview(unit=unit, handle=handle, name=name, now=now)
    if preview.errors:
        raise ImportRefused(preview)
    with transaction.atomic():
        for row in preview.rows:
            if row.action == "new":
                received = report_receive(unit=unit, data=row.data, now=now)
                row.complaint = received.complaint
                if not received.created:
                    row.action = "matched"
    return preview
