"""The Buku Pengaduan of a period, in print (PDF, A4 landscape) and as a spreadsheet (XLSX).

Both stream: the rows are read with `.values_list().iterator(chunk_size=…)` (tuples, no model instances),
and the spreadsheet is written by XlsxWriter in constant-memory mode (each row goes to disk as soon as the
next one starts), so memory does not grow with the number of rows. A PDF is for people to read and sign:
it stops at REGISTER_PDF_MAX_ROWS rows and points to the spreadsheet beyond that.

The complainant's name is never printed when the complaint is anonymous or confidential (rahasia).
Official documents: the texts are Indonesian whatever the officer's screen language (REPORT_LANGUAGE).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from typing import IO

from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import BaseDocTemplate, Frame, NextPageTemplate, PageTemplate, Spacer, Table, TableStyle

from pengaduan.complaints import channels
from pengaduan.complaints.kinds import kinds
from pengaduan.complaints.models import Complaint, DecisionType, StepRun
from pengaduan.complaints.selectors import deadline_extended
from pengaduan.reports.periods import Period
from pengaduan.typesetting import INK, format_datetime_id, letterhead, local_datetime, plain_paragraph
from pengaduan.units.models import Unit

REPORT_LANGUAGE = "id"
REGISTER_PDF_MAX_ROWS = 5000
CHUNK_SIZE = 2000
XLSX_MAX_ROWS = 1_048_576  # Excel's limit per sheet; a longer register continues on a second sheet

Progress = Callable[[int, int], None]


class RegisterTooLong(Exception):
    """The period has more entries than a printed register (or, with its own message, a download) should hold."""

    def __init__(self, rows: int, message: str = ""):
        self.rows = rows
        super().__init__(message or (
            _("This period has %(rows)s entries; a printed register holds at most %(max)s. Choose a shorter "
              "period, or download the spreadsheet (XLSX), which holds any number of entries.")
            % {"rows": rows, "max": REGISTER_PDF_MAX_ROWS}
        ))


# -- the rows -------------------------------------------------------------------------------------------------

FIELDS = ("register_seq", "received_at", "register_number", "is_anonymous", "is_confidential", "complainant__name",
          "channel", "summary", "subject", "decision_type", "forward_to", "status", "closed_at", "lapor_id",
          "linked_to__register_number", "register_mark", "register_note", "deadline_extended")


def register_entries(*, unit: Unit, period: Period) -> QuerySet[Complaint]:
    """The complaints entered in the Buku Pengaduan during the period, in register order.

    Filtering on the register year too lets the database walk the index of the unique constraint
    `complaints_complaint_unique_register_seq` (unit, register_year, register_seq) instead of sorting; the register
    year is the local year of entry.
    """
    start, end = period.bounds()
    return (
        Complaint.objects.filter(unit=unit, register_year__in=range(period.start.year, period.last_day.year + 1),
                                 recorded_at__gte=start, recorded_at__lt=end)
        .annotate(**_output_columns(), deadline_extended=deadline_extended())
        .order_by("register_year", "register_seq")
    )


def _output_columns() -> dict[str, Subquery]:
    """The register columns read from step outputs, as the step kinds declare them (the follow-up's
    "forward to" comes from the kind that produces the decision)."""
    columns = {}
    for kind in kinds.having("register_columns"):
        for column, key in kind.register_columns.items():
            runs = StepRun.objects.filter(complaint=OuterRef("pk"), step__kind=kind.name)
            columns[column] = Subquery(runs.values(f"output__{key}")[:1])
    return columns


def register_rows(entries: QuerySet[Complaint]) -> Iterator[tuple]:
    return entries.values_list(*FIELDS).iterator(chunk_size=CHUNK_SIZE)


def complainant_text(is_anonymous: bool, is_confidential: bool, name: str | None) -> str:
    if is_anonymous or not name:
        return _("Anonymous")
    if is_confidential:
        return _("Confidential")
    return name


def _labels() -> dict[str, dict]:
    return {
        "channel": channels.labels(),
        "decision": dict(DecisionType.choices),
        "status": dict(Complaint.Status.choices),
        "mark": dict(Complaint.RegisterMark.choices),
    }


def _follow_up(decision: str, forward_to, labels: dict) -> str:
    if not decision:
        return ""
    text = str(labels["decision"].get(decision, decision))
    if forward_to and decision in (DecisionType.FORWARD, DecisionType.NOT_WITHIN_AUTHORITY):
        text += f": {forward_to}"
    return text


def _remarks(status: str, lapor_id: str, linked_to: str | None, labels: dict, mark: str = "", note: str = "",
             extended: bool = False) -> str:
    # A corrected or void entry says so first, with the unit head's reason: the number stays in the register.
    parts = [f"{str(labels['mark'].get(mark, mark)).upper()}: {note}"] if mark else []
    parts.append(str(labels["status"].get(status, status)))
    if extended:
        parts.append(_("deadline extended"))
    if lapor_id:
        parts.append(_("SP4N-LAPOR! %(id)s") % {"id": lapor_id})
    if linked_to:
        parts.append(_("linked to %(number)s") % {"number": linked_to})
    return "; ".join(parts)


def display_row(row: tuple, labels: dict) -> list:
    """One register line as shown: [no., received (aware datetime), register number, complainant, channel,
    summary, subject, follow-up, answered (aware datetime or None), remarks]."""
    (seq, received_at, number, anonymous, confidential, name, channel, summary, subject, decision, forward_to,
     status, closed_at, lapor_id, linked_to, mark, note, extended) = row
    answered = closed_at if status == Complaint.Status.CLOSED else None
    return [
        seq, received_at, number, complainant_text(anonymous, confidential, name),
        str(labels["channel"].get(channel, channel)), summary, subject, _follow_up(decision, forward_to, labels),
        answered, _remarks(status, lapor_id, linked_to, labels, mark, note, extended),
    ]


def headers() -> list[str]:
    return [_("No."), _("Date received"), _("Register number"), _("Complainant"), _("Channel"), _("Summary"),
            _("Subject of the complaint"), _("Follow-up"), _("Date answered"), _("Remarks")]


def title(unit: Unit, period: Period) -> tuple[str, str]:
    return _("BUKU PENGADUAN"), _("%(unit)s · %(period)s") % {"unit": unit.name, "period": period.label}


# -- spreadsheet ----------------------------------------------------------------------------------------------

XLSX_WIDTHS = (6, 17, 22, 24, 18, 50, 32, 32, 17, 30)


def register_xlsx(output: str | IO[bytes], *, unit: Unit, period: Period, progress: Progress | None = None) -> int:
    """Write the register of the period to `output` (a path or a binary file); returns the number of entries."""
    import xlsxwriter

    with override(REPORT_LANGUAGE):
        entries = register_entries(unit=unit, period=period)
        total = entries.count() if progress else 0
        labels = _labels()
        workbook = xlsxwriter.Workbook(output, {"constant_memory": True, "remove_timezone": True})
        workbook.set_properties({"title": " ".join(title(unit, period)), "author": unit.name, "creator": "pengaduan"})
        bold = workbook.add_format({"bold": True})
        head = workbook.add_format({"bold": True, "bg_color": "#E6E6E6", "border": 1, "text_wrap": True,
                                    "valign": "top"})
        when = workbook.add_format({"num_format": "dd/mm/yyyy hh:mm"})
        heading, subtitle = title(unit, period)
        names = headers()
        sheet, row_index, sheets, written = None, 0, 0, 0

        def new_sheet():
            nonlocal sheets
            sheets += 1
            name = _("Register") if sheets == 1 else f"{_('Register')} {sheets}"
            ws = workbook.add_worksheet(name[:31])
            for column, width in enumerate(XLSX_WIDTHS):
                ws.set_column(column, column, width)
            ws.write_string(0, 0, heading, bold)
            ws.write_string(1, 0, subtitle)
            ws.write_row(3, 0, names, head)
            ws.freeze_panes(4, 0)
            return ws, 4

        sheet, row_index = new_sheet()
        for row in register_rows(entries):
            if row_index >= XLSX_MAX_ROWS:
                sheet.autofilter(3, 0, row_index - 1, len(names) - 1)
                sheet, row_index = new_sheet()
            values = display_row(row, labels)
            for column, value in enumerate(values):
                if value is None or value == "":
                    continue
                # Cells without a format where none is needed: XlsxWriter's cost is per cell and per attribute.
                if isinstance(value, datetime):
                    sheet.write_datetime(row_index, column, local_datetime(value).replace(tzinfo=None), when)
                elif isinstance(value, int):
                    sheet.write_number(row_index, column, value)
                else:
                    sheet.write_string(row_index, column, value)
            row_index += 1
            written += 1
            if progress and written % CHUNK_SIZE == 0:
                progress(written, total)
        if written:
            sheet.autofilter(3, 0, row_index - 1, len(names) - 1)
        else:
            sheet.write_string(4, 0, _("No complaints were entered in the register in this period."))
        workbook.close()
        if progress:
            progress(written, total)
    return written


# -- print ----------------------------------------------------------------------------------------------------

PAGE = landscape(A4)
MARGIN = 12 * mm
CONTENT_WIDTH = PAGE[0] - 2 * MARGIN
# no., received, register number, complainant, channel, summary, subject, follow-up, answered, remarks
PDF_WIDTHS_MM = (10, 21, 31, 28, 21, 52, 34, 32, 21, 23)
PDF_WIDTHS = [w * mm * CONTENT_WIDTH / (sum(PDF_WIDTHS_MM) * mm) for w in PDF_WIDTHS_MM]
ROWS_PER_TABLE = 60  # rows are laid out table by table; the column heads are on every page, drawn by the page
HEADER_GAP = 2 * mm
RULE = colors.Color(0.45, 0.45, 0.45)
SHADE = colors.Color(0.9, 0.9, 0.9)


def _pdf_styles() -> dict[str, ParagraphStyle]:
    cell = ParagraphStyle("cell", fontName="Helvetica", fontSize=7.5, leading=9, textColor=INK)
    return {
        "cell": cell,
        "head": ParagraphStyle("head", cell, fontName="Helvetica-Bold"),
        "title": ParagraphStyle("title", cell, fontName="Helvetica-Bold", fontSize=13, leading=16, alignment=TA_CENTER),
        "subtitle": ParagraphStyle("subtitle", cell, fontSize=10, leading=13, alignment=TA_CENTER, spaceAfter=6),
        "empty": ParagraphStyle("empty", cell, fontSize=9, leading=12),
        "footer": ParagraphStyle("footer", cell, fontSize=7, leading=9, textColor=colors.Color(0.25, 0.25, 0.25)),
    }


def _table(data: list[list], *, header: bool = False) -> Table:
    table = Table(data, colWidths=PDF_WIDTHS)
    style = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("GRID", (0, 0), (-1, -1), 0.3, RULE),
        ("LEFTPADDING", (0, 0), (-1, -1), 2.5),
        ("RIGHTPADDING", (0, 0), (-1, -1), 2.5),
        ("TOPPADDING", (0, 0), (-1, -1), 1.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]
    if header:
        style += [("BACKGROUND", (0, 0), (-1, -1), SHADE), ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]
    table.setStyle(TableStyle(style))
    return table


def _short_datetime(value: datetime | None) -> str:
    return "" if value is None else f"{local_datetime(value):%d-%m-%Y %H.%M}"


def _pdf_cells(values: list, st: dict[str, ParagraphStyle]) -> list:
    seq, received_at, number, complainant, channel, summary, subject, follow_up, answered, remarks = values
    p = lambda text: plain_paragraph(str(text), st["cell"])  # noqa: E731
    return [p(seq), p(_short_datetime(received_at)), p(number), p(complainant), p(channel), p(summary),
            p(subject), p(follow_up), p(_short_datetime(answered)), p(remarks)]


def register_pdf(*, unit: Unit, period: Period, now: datetime | None = None, progress: Progress | None = None,
                 compress: bool = True) -> bytes:
    """The printed Buku Pengaduan of the period; raises RegisterTooLong past REGISTER_PDF_MAX_ROWS entries."""
    from io import BytesIO

    now = now or timezone.now()
    with override(REPORT_LANGUAGE):
        entries = register_entries(unit=unit, period=period)
        total = entries.count()
        if total > REGISTER_PDF_MAX_ROWS:
            raise RegisterTooLong(total)
        st = _pdf_styles()
        labels = _labels()
        heading, subtitle = title(unit, period)
        head_table = _table([[plain_paragraph(text, st["head"]) for text in headers()]], header=True)
        head_height = head_table.wrap(CONTENT_WIDTH, PAGE[1])[1]
        footer = _("Buku Pengaduan %(unit)s, %(period)s · printed %(time)s · page %(page)s")

        story: list = [NextPageTemplate("later"), *letterhead(unit), plain_paragraph(heading, st["title"]),
                       plain_paragraph(subtitle, st["subtitle"]), head_table]
        chunk: list[list] = []
        written = 0
        for row in register_rows(entries):
            chunk.append(_pdf_cells(display_row(row, labels), st))
            written += 1
            if len(chunk) == ROWS_PER_TABLE:
                story.append(_table(chunk))
                chunk = []
                if progress:
                    progress(written, total)
        if chunk:
            story.append(_table(chunk))
        if not written:
            story += [Spacer(0, 6), plain_paragraph(_("No complaints were entered in the register in this period."),
                                                    st["empty"])]
        printed = format_datetime_id(now)

        def draw_footer(canvas, doc) -> None:
            canvas.saveState()
            text = footer % {"unit": unit.name, "period": period.label, "time": printed, "page": doc.page}
            line = plain_paragraph(text, st["footer"])
            line.wrap(CONTENT_WIDTH, MARGIN)
            line.drawOn(canvas, MARGIN, MARGIN - 7 * mm)
            canvas.restoreState()

        def draw_later(canvas, doc) -> None:
            draw_footer(canvas, doc)
            head_table.drawOn(canvas, MARGIN, PAGE[1] - MARGIN - head_height)

        buffer = BytesIO()
        doc = BaseDocTemplate(
            buffer, pagesize=PAGE, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN, bottomMargin=MARGIN,
            title=f"{heading} {subtitle}", author=unit.name, creator="pengaduan", invariant=1,
            pageCompression=1 if compress else 0,
        )
        frame = {"x1": MARGIN, "width": CONTENT_WIDTH, "leftPadding": 0, "rightPadding": 0, "topPadding": 0,
                 "bottomPadding": 0}
        full = PAGE[1] - 2 * MARGIN
        doc.addPageTemplates([
            PageTemplate("first", [Frame(y1=MARGIN, height=full, **frame)], onPage=draw_footer),
            PageTemplate("later", [Frame(y1=MARGIN, height=full - head_height, **frame)], onPage=draw_later),
        ])
        doc.build(story)
        if progress:
            progress(written, total)
    return buffer.getvalue()
