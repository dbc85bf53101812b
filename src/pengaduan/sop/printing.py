"""Print an SOP back as the standard sheet (PermenPANRB 35/2012): identity block, then the procedure
table with its swimlane flowchart, on A4 landscape.

Units file their SOPs as signed paper sheets; printing a loaded version in the same layout lets
the people who signed the original compare it line by line, and gives the unit a clean copy of the
version its complaints actually follow. It works from the stored JSON (`Sop.document`), so any old
version prints exactly as it was loaded, and from a `SopDocument` (a draft under review).

The flowchart is drawn in the Pelaksana columns: a terminator for the first and last step, a
process box for the others, a diamond for a decision (a kind whose flowchart shape is "decision"), orthogonal connectors
(down, then across) between consecutive steps. When the table runs over a page, the header row is
repeated and the connector that crosses the break ends and starts at a lettered off-page connector.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from pengaduan.sop import kinds as sop_kinds
from pengaduan.sop.schema import SopDocument
from pengaduan.typesetting import INK, format_date_id, plain_paragraph

if TYPE_CHECKING:
    from pengaduan.sop.models import Sop

__all__ = ["SopPrintError", "sop_sheet_pdf"]

PAGE = landscape(A4)
MARGIN = 12 * mm
FOOTER = 8 * mm
FRAME_HEIGHT = PAGE[1] - 2 * MARGIN - FOOTER - 12  # a page's room for the table (the frame pads 6 pt each side)
FONT, BOLD = "Helvetica", "Helvetica-Bold"
LINE_WIDTH = 0.6
SHAPE_LINE = 0.9

# Flowchart geometry (points).
BOX_HEIGHT = 20
DIAMOND_HEIGHT = 28
OFFPAGE_SIZE = 12
CONNECTOR_RESERVE = OFFPAGE_SIZE + 5  # room at the top/bottom of a row for an off-page connector
MIN_ROW_HEIGHT = 52.0  # room for a diamond and, in the first/last row of a page, an off-page connector
ARROW = 4.5
PADDING = 3

_BACK_REFERENCE = re.compile(r"\b(?:kembali\s+)?ke\s+(?:langkah|nomor|no\.?|tahap)\s*(\d{1,3})\b", re.I)


class SopPrintError(ValueError):
    """The SOP cannot be laid out on the sheet (e.g. far too many Pelaksana columns for a page)."""


# --- entry point -------------------------------------------------------------------------------------------


def sop_sheet_pdf(sop: Sop | SopDocument | dict[str, Any], *, trace: list[tuple[Any, ...]] | None = None) -> bytes:
    """The SOP as the standard sheet, as PDF bytes.

    Takes a loaded `Sop` (printed from its stored document, so old versions print as they were),
    a validated `SopDocument`, or the document's JSON. `trace`, when given, receives what was drawn
    where — ("shape", step, kind, page), ("arrow", from, to, page), ("offpage_out"/"offpage_in",
    label, step, page), ("branch", from, to, page), ("header", page) — so tests can check the
    flowchart without reading pixels.
    """
    version: int | None = None
    if isinstance(sop, SopDocument):
        document = sop.model_dump(mode="json")
    elif isinstance(sop, dict):
        document = sop
    else:
        document = sop.document
        version = sop.version
    identity = document["sop"]
    footer = f"SOP {identity.get('code', '')} · {identity.get('name', '')}"
    footer += f" · versi {version}" if version is not None else " · draf (belum dimuat)"

    buffer = io.BytesIO()
    template = SimpleDocTemplate(
        buffer,
        pagesize=PAGE,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN + FOOTER,
        title=f"SOP {identity.get('code', '')} {identity.get('name', '')}",
        author=identity.get("unit", ""),
        subject="Standar Operasional Prosedur",
    )

    def draw_footer(canvas: Canvas, doc: SimpleDocTemplate) -> None:
        canvas.saveState()
        canvas.setFont(FONT, 7)
        canvas.setFillColor(INK)
        canvas.drawString(MARGIN, MARGIN, footer)
        canvas.drawRightString(PAGE[0] - MARGIN, MARGIN, f"Halaman {doc.page}")
        canvas.restoreState()

    state = _TableState(document=document, trace=trace)
    story: list[Flowable] = [*_identity_block(document, template.width), PageBreak()]
    story.append(ProcedureTable(state, list(range(len(document.get("steps", []))))))
    template.build(story, onFirstPage=draw_footer, onLaterPages=draw_footer)
    return buffer.getvalue()


# --- identity block ----------------------------------------------------------------------------------------


def _styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("sop", fontName=FONT, fontSize=8.5, leading=10.5, textColor=INK)
    return {
        "base": base,
        "bold": ParagraphStyle("sop-bold", base, fontName=BOLD),
        "gov": ParagraphStyle("sop-gov", base, fontName=BOLD, fontSize=13, leading=17, alignment=TA_CENTER),
        "unit": ParagraphStyle("sop-unit", base, fontName=BOLD, fontSize=15, leading=19, alignment=TA_CENTER),
        "title": ParagraphStyle("sop-title", base, fontName=BOLD, fontSize=12, leading=16, alignment=TA_CENTER),
        "name": ParagraphStyle("sop-name", base, fontName=BOLD, fontSize=10.5, leading=14, alignment=TA_CENTER),
        "center": ParagraphStyle("sop-center", base, alignment=TA_CENTER),
        "sign": ParagraphStyle("sop-sign", base, alignment=TA_CENTER, leading=11),
        "cell": ParagraphStyle("sop-cell", base, fontSize=7.5, leading=9),
        "cell-center": ParagraphStyle("sop-cell-center", base, fontSize=7.5, leading=9, alignment=TA_CENTER),
        "head": ParagraphStyle("sop-head", base, fontName=BOLD, fontSize=7.5, leading=9, alignment=TA_CENTER),
        "shape": ParagraphStyle("sop-shape", base, fontSize=6.5, leading=7.5, alignment=TA_CENTER),
    }


def _date(value: str | None) -> str:
    return format_date_id(date.fromisoformat(value)) if value else "-"


def _numbered(items: list[str], style: ParagraphStyle, width: float) -> list[Flowable]:
    """A box's list, one paragraph per item: "1. ..." when there are several, the item alone when one, "-" when none.

    Items are separate rows of the box table, so a long Dasar Hukum can continue on the next page;
    a single item taller than half a page (never in a real SOP) is cut with " [...]".
    """
    if not items:
        return [plain_paragraph("-", style)]
    if len(items) == 1:
        return [_fitting_paragraph(items[0], style, width, FRAME_HEIGHT / 2)]
    hanging = ParagraphStyle("sop-list", style, leftIndent=12, firstLineIndent=-12)
    return [_fitting_paragraph(f"{number}.  {item}", hanging, width, FRAME_HEIGHT / 2)
            for number, item in enumerate(items, start=1)]  # fmt: skip


def _identity_block(document: dict[str, Any], width: float) -> list[Flowable]:
    """The top of the sheet: heading on the left, the numbered facts on the right, then the six boxes."""
    st = _styles()
    identity = document["sop"]
    signatory = identity.get("signatory") or {}

    left_width = width * 0.42
    right_width = width - left_width
    label_width = 105
    value_width = right_width - label_width - 12

    def fit(text: str, style: ParagraphStyle, cell_width: float, lines: int = 4) -> Paragraph:
        """Identity texts are short; a runaway one is cut so the block still fits its page."""
        return _fitting_paragraph(text, style, cell_width, style.leading * lines)

    left: list[Flowable] = [Spacer(1, 14)]
    left.append(fit(identity.get("organisation", "").upper(), st["gov"], left_width - 12))
    left.append(fit(identity.get("unit", "").upper(), st["unit"], left_width - 12))
    left.append(Spacer(1, 18))
    left.append(plain_paragraph("STANDAR OPERASIONAL PROSEDUR", st["title"]))
    left.append(plain_paragraph("(SOP)", st["title"]))
    left.append(Spacer(1, 10))
    left.append(fit(identity.get("name", "").upper(), st["name"], left_width - 12))

    sign: list[Flowable] = [fit(identity.get("ratified_by", ""), st["base"], value_width, 2), Spacer(1, 4)]
    if signatory.get("title"):
        sign.append(fit(signatory["title"], st["sign"], value_width, 3))
    sign.append(Spacer(1, 30))  # room for the signature and stamp
    if signatory.get("name"):
        name = fit(signatory["name"], st["sign"], value_width, 2).text  # escaped already
        sign.append(Paragraph(f"<b><u>{name}</u></b>", st["sign"]))
    if signatory.get("rank"):
        sign.append(fit(signatory["rank"], st["sign"], value_width, 2))
    if signatory.get("nip"):
        sign.append(fit(f"NIP. {signatory['nip']}", st["sign"], value_width, 2))

    facts = [
        ("Nomor SOP", [fit(identity.get("code", ""), st["bold"], value_width, 3)]),
        ("Tanggal Pembuatan", [plain_paragraph(_date(identity.get("created")), st["base"])]),
        ("Tanggal Revisi", [plain_paragraph(_date(identity.get("revised")), st["base"])]),
        ("Tanggal Pengesahan", [plain_paragraph(_date(identity.get("ratified")), st["base"])]),
        ("Disahkan oleh", sign),
        ("Nama SOP", [fit(identity.get("name", ""), st["bold"], value_width)]),
    ]
    rows = [[left if index == 0 else "", plain_paragraph(label, st["base"]), content]
            for index, (label, content) in enumerate(facts)]  # fmt: skip
    top = Table(rows, colWidths=[left_width, label_width, right_width - label_width])
    top.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), LINE_WIDTH, INK),
                ("SPAN", (0, 0), (0, -1)),
                ("VALIGN", (0, 0), (0, -1), "MIDDLE"),
                ("VALIGN", (1, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
            ]
        )
    )

    pairs = [
        ("Dasar Hukum", "legal_basis", "Kualifikasi Pelaksana", "qualifications"),
        ("Keterkaitan", "related_sops", "Peralatan/Perlengkapan", "equipment"),
        ("Peringatan", "warnings", "Pencatatan dan Pendataan", "recording"),
    ]
    box_rows: list[list[Any]] = []
    heading_rows = []
    for left_label, left_key, right_label, right_key in pairs:
        heading_rows.append(len(box_rows))
        box_rows.append([plain_paragraph(f"{left_label}:", st["bold"]), plain_paragraph(f"{right_label}:", st["bold"])])
        left_items = _numbered(identity.get(left_key) or [], st["base"], left_width - 12)
        right_items = _numbered(identity.get(right_key) or [], st["base"], right_width - 12)
        for position in range(max(len(left_items), len(right_items))):
            box_rows.append([left_items[position] if position < len(left_items) else "",
                             right_items[position] if position < len(right_items) else ""])  # fmt: skip
    boxes = Table(box_rows, colWidths=[left_width, right_width])
    commands: list[tuple[Any, ...]] = [
        ("BOX", (0, 0), (-1, -1), LINE_WIDTH, INK),
        ("LINEAFTER", (0, 0), (0, -1), LINE_WIDTH, INK),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 1),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
    ]
    for row in heading_rows:
        commands.append(("LINEABOVE", (0, row), (-1, row), LINE_WIDTH, INK))
        commands.append(("BACKGROUND", (0, row), (-1, row), colors.Color(0.92, 0.92, 0.92)))
        commands.append(("TOPPADDING", (0, row), (-1, row), 3))
        commands.append(("BOTTOMPADDING", (0, row), (-1, row), 3))
        commands.append(("TOPPADDING", (0, row + 1), (-1, row + 1), 4))  # the first item, under the heading
    for row in [*heading_rows[1:], len(box_rows)]:
        commands.append(("BOTTOMPADDING", (0, row - 1), (-1, row - 1), 6))  # the last item of a box
    boxes.setStyle(TableStyle(commands))
    return [top, boxes, Spacer(1, 4), plain_paragraph(_time_rules(identity), st["base"])]


def _time_rules(identity: dict[str, Any]) -> str:
    """The time rules beside the steps' Mutu Baku (not a box of the standard sheet, so printed under it): the
    SP4N-LAPOR! time classes and the reminders to a complainant who has not answered, as the file sets them or
    by default (sop.schema.TimeClasses, ComplainantReminder)."""
    from pengaduan.sop.schema import ComplainantReminder, TimeClasses

    classes = TimeClasses(**(identity.get("time_classes") or {}))
    reminder = ComplainantReminder(**(identity.get("complainant_reminder") or {}))
    text = (f"Kelas waktu SP4N-LAPOR!: verifikasi {classes.verification}; tindak lanjut {classes.follow_up} "
            f"({classes.follow_up_examination} bila memerlukan pemeriksaan); pengaduan ditutup bila pengadu tidak "
            f"menjawab pertanyaan dalam {classes.closing_without_reply}.")
    if reminder.times:
        text += f" Pengadu diingatkan {reminder.times} kali, {reminder.after} setelah pertanyaan."
    return text


def _fitting_paragraph(text: str, style: ParagraphStyle, width: float, height: float) -> Paragraph:
    """`text` as a paragraph at most `height` tall: cut at a word, with " [...]", when it would be taller."""
    paragraph = plain_paragraph(text, style)
    if paragraph.wrap(width, 100000)[1] <= height:
        return paragraph
    words = text.split()
    low, high = 0, len(words)
    while low < high:  # the most words that still fit
        middle = (low + high + 1) // 2
        if plain_paragraph(" ".join(words[:middle]) + " [...]", style).wrap(width, 100000)[1] <= height:
            low = middle
        else:
            high = middle - 1
    return plain_paragraph(" ".join(words[:low]) + " [...]", style)


# --- the procedure table -----------------------------------------------------------------------------------


@dataclass
class _TableState:
    """What the parts of a split procedure table share: the document, connector labels, the trace."""

    document: dict[str, Any]
    trace: list[tuple[Any, ...]] | None
    labels: dict[int, str] = field(default_factory=dict)  # index of the first step after a break -> letter

    def label_for(self, index: int) -> str:
        if index not in self.labels:
            count = len(self.labels)
            letters = ""
            while True:
                letters = chr(ord("A") + count % 26) + letters
                count = count // 26 - 1
                if count < 0:
                    break
            self.labels[index] = letters
        return self.labels[index]

    def record(self, *item: Any) -> None:
        if self.trace is not None:
            self.trace.append(item)


@dataclass
class _Layout:
    widths: list[float]
    xs: list[float]  # left edge of each column
    header: tuple[float, float]  # heights of the group row and the heading row
    rows: list[float]
    cells: list[list[Paragraph]]  # per row: description, inputs, time, output, notes
    heading_cells: list[Paragraph]
    number_cells: list[Paragraph]


class ProcedureTable(Flowable):
    """The procedure table with its flowchart; splits between rows, repeating the header on each page."""

    def __init__(self, state: _TableState, indexes: list[int]):
        super().__init__()
        self.state = state
        self.indexes = indexes
        self.styles = _styles()
        self.layout: _Layout | None = None

    # -- geometry --

    @property
    def steps(self) -> list[dict[str, Any]]:
        return self.state.document.get("steps", [])

    @property
    def roles(self) -> list[dict[str, Any]]:
        return self.state.document.get("roles", [])

    def _layout(self, width: float) -> _Layout:
        lanes = max(1, len(self.roles))
        number_width, time_width = 22.0, 50.0
        lane = max(44.0, min(80.0, width * 0.36 / lanes))
        text_room = 220.0  # at least this much for Uraian Prosedur, Kelengkapan, Output, Keterangan together
        if lane * lanes > width - number_width - time_width - text_room:  # very many roles: narrower lanes
            lane = (width - number_width - time_width - text_room) / lanes
            if lane < 12:
                raise SopPrintError(f"{lanes} Pelaksana columns do not fit across an A4 page (at most "
                                    f"{int((width - number_width - time_width - text_room) // 12)})")
        rest = width - number_width - time_width - lane * lanes
        description, inputs, output = rest * 0.42, rest * 0.2, rest * 0.2
        notes = rest - description - inputs - output
        widths = [number_width, description, *([lane] * lanes), inputs, time_width, output, notes]
        xs = [sum(widths[:index]) for index in range(len(widths))]

        st = self.styles
        headings = [_fitting_paragraph(role["title"], st["head"], lane - 2 * PADDING, 6 * st["head"].leading)
                    for role in self.roles]  # fmt: skip
        headings += [plain_paragraph(text, st["head"]) for text in ("Kelengkapan", "Waktu", "Output")]
        heading_widths = [lane] * lanes + [inputs, time_width, output]
        heading_height = max(p.wrap(w - 2 * PADDING, 1000)[1] for p, w in zip(headings, heading_widths)) + 2 * PADDING
        group_height = 9 + 2 * PADDING

        rows, cells, numbers = [], [], []
        text_widths = [description, inputs, time_width, output, notes]
        # Rows are never split, so a row must fit on a page: text beyond that is cut (marked [...]).
        tallest = FRAME_HEIGHT - group_height - heading_height - 2 * PADDING - 2
        for index in self.indexes:
            step = self.steps[index]
            texts = [step.get(key, "") for key in ("description", "inputs", "time_limit", "output", "notes")]
            styles = [st["cell"], st["cell"], st["cell-center"], st["cell"], st["cell"]]
            paragraphs = [_fitting_paragraph(text, style, w - 2 * PADDING, tallest)
                          for text, style, w in zip(texts, styles, text_widths)]  # fmt: skip
            height = max(p.wrap(w - 2 * PADDING, 10000)[1] for p, w in zip(paragraphs, text_widths)) + 2 * PADDING
            rows.append(max(height, MIN_ROW_HEIGHT))
            cells.append(paragraphs)
            numbers.append(plain_paragraph(str(step.get("number", index + 1)), st["cell-center"]))
        return _Layout(widths, xs, (group_height, heading_height), rows, cells, headings, numbers)

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self.layout = self._layout(availWidth)
        self.width = availWidth
        self.height = sum(self.layout.header) + sum(self.layout.rows)
        return self.width, self.height

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        layout = self._layout(availWidth)
        room = availHeight - sum(layout.header)
        fitting, used = 0, 0.0
        for height in layout.rows:
            if used + height > room:
                break
            used += height
            fitting += 1
        if fitting == len(self.indexes):
            return [self]
        if fitting == 0:
            if sum(layout.header) + layout.rows[0] <= FRAME_HEIGHT or availHeight < FRAME_HEIGHT - 1:
                return []  # not even one row fits here: continue on the next page
            fitting = 1  # cannot happen (rows are cut to fit a page), but never loop
        first = ProcedureTable(self.state, self.indexes[:fitting])
        rest = ProcedureTable(self.state, self.indexes[fitting:])
        return [first, rest]

    # -- drawing --

    def draw(self) -> None:
        layout = self.layout or self._layout(self.width)
        canvas: Canvas = self.canv
        page = canvas.getPageNumber()
        canvas.saveState()
        canvas.setStrokeColor(INK)
        canvas.setFillColor(INK)
        canvas.setLineWidth(LINE_WIDTH)
        top = self.height
        self._draw_header(layout, top)
        self.state.record("header", page)

        y = top - sum(layout.header)
        row_tops: list[float] = []
        for position, height in enumerate(layout.rows):
            row_tops.append(y)
            self._draw_row(layout, position, y, height)
            y -= height
        self._draw_flowchart(layout, row_tops, page)
        canvas.restoreState()

    def _draw_header(self, layout: _Layout, top: float) -> None:
        canvas = self.canv
        group, heading = layout.header
        lanes = len(self.roles)
        xs, widths = layout.xs, layout.widths
        total = sum(widths)
        bottom = top - group - heading
        canvas.setFillColor(colors.Color(0.92, 0.92, 0.92))
        canvas.rect(0, bottom, total, group + heading, stroke=0, fill=1)
        canvas.setFillColor(INK)
        canvas.rect(0, bottom, total, group + heading, stroke=1, fill=0)
        tall = [0, 1, len(widths) - 1]  # No., Uraian Prosedur, Keterangan span both header rows
        titles = {0: "No.", 1: "Uraian Prosedur", len(widths) - 1: "Keterangan"}
        for column in tall:
            self._centered(titles[column], xs[column], bottom, widths[column], group + heading)
        first_lane, first_quality = 2, 2 + lanes
        spans = [("Pelaksana", first_lane, lanes), ("Mutu Baku", first_quality, 3)]
        for title, first, count in spans:
            span_width = sum(widths[first : first + count])
            self._centered(title, xs[first], top - group, span_width, group)
            canvas.line(xs[first], top - group, xs[first] + span_width, top - group)
        inner = set(range(first_lane + 1, first_lane + lanes)) | {first_quality + 1, first_quality + 2}
        for column in range(1, len(widths)):
            canvas.line(xs[column], bottom, xs[column], top - group if column in inner else top)
        for offset, paragraph in enumerate(layout.heading_cells):
            column = first_lane + offset
            w, h = paragraph.wrap(widths[column] - 2 * PADDING, 1000)
            paragraph.drawOn(canvas, xs[column] + PADDING, bottom + (heading - h) / 2)

    def _centered(self, text: str, x: float, y: float, width: float, height: float) -> None:
        paragraph = plain_paragraph(text, self.styles["head"])
        _, h = paragraph.wrap(width - 2 * PADDING, 1000)
        paragraph.drawOn(self.canv, x + PADDING, y + (height - h) / 2)

    def _draw_row(self, layout: _Layout, position: int, top: float, height: float) -> None:
        canvas = self.canv
        xs, widths = layout.xs, layout.widths
        lanes = len(self.roles)
        bottom = top - height
        canvas.rect(0, bottom, sum(widths), height, stroke=1, fill=0)
        for column in range(1, len(widths)):
            canvas.line(xs[column], bottom, xs[column], top)
        number = layout.number_cells[position]
        _, h = number.wrap(widths[0] - 2 * PADDING, 1000)
        number.drawOn(canvas, xs[0] + PADDING, top - PADDING - h)
        text_columns = [1, 2 + lanes, 3 + lanes, 4 + lanes, 5 + lanes]
        for paragraph, column in zip(layout.cells[position], text_columns):
            _, h = paragraph.wrap(widths[column] - 2 * PADDING, 10000)
            paragraph.drawOn(canvas, xs[column] + PADDING, top - PADDING - h)

    # -- flowchart --

    def _lane_center(self, layout: _Layout, code: str) -> float | None:
        for offset, role in enumerate(self.roles):
            if role["code"] == code:
                return layout.xs[2 + offset] + layout.widths[2 + offset] / 2
        return None

    def _shape_kind(self, index: int) -> str:
        if index == 0 or index == len(self.steps) - 1:
            return "terminator"
        info = sop_kinds.get(self.steps[index].get("kind"))
        return info.flowchart_shape if info else "process"

    def _draw_flowchart(self, layout: _Layout, row_tops: list[float], page: int) -> None:
        canvas = self.canv
        lane_width = layout.widths[2] if len(layout.widths) > 2 else 60
        first_index, last_index = self.indexes[0], self.indexes[-1]
        incoming = self.state.label_for(first_index) if first_index > 0 else None
        outgoing = self.state.label_for(last_index + 1) if last_index + 1 < len(self.steps) else None

        shapes: dict[int, tuple[float, float, float, float, str]] = {}  # index -> (cx, cy, half_w, half_h, kind)
        for position, index in enumerate(self.indexes):
            step = self.steps[index]
            cx = self._lane_center(layout, step.get("performer", ""))
            if cx is None:
                continue
            top, height = row_tops[position], layout.rows[position]
            band_top = top - (CONNECTOR_RESERVE if position == 0 and incoming else 0)
            band_bottom = top - height + (CONNECTOR_RESERVE if index == last_index and outgoing else 0)
            cy = (band_top + band_bottom) / 2
            kind = self._shape_kind(index)
            half_h = (DIAMOND_HEIGHT if kind == "decision" else BOX_HEIGHT) / 2
            half_w = min(lane_width - 10, 62) / 2
            shapes[index] = (cx, cy, half_w, half_h, kind)

        canvas.setLineWidth(SHAPE_LINE)
        # Coordination first (dashed, behind), then connectors, then the shapes on top.
        for index, (cx, cy, half_w, half_h, _) in shapes.items():
            for code in self.steps[index].get("coordinators", []):
                x = self._lane_center(layout, code)
                if x is None:
                    continue
                canvas.saveState()
                canvas.setDash(2, 2)
                box_w = half_w * 0.8
                near = x - box_w if x > cx else x + box_w
                canvas.line(cx + (half_w if x > cx else -half_w), cy, near, cy)
                canvas.setFillColor(colors.white)
                canvas.rect(x - box_w, cy - BOX_HEIGHT * 0.4, 2 * box_w, BOX_HEIGHT * 0.8, stroke=1, fill=1)
                canvas.restoreState()

        def coordination_between(index: int, x0: float, x1: float) -> bool:
            """Whether a coordination box of step `index` sits between x0 and x1 (a connector would cross it)."""
            xs = [self._lane_center(layout, code) for code in self.steps[index].get("coordinators", [])]
            return any(x is not None and min(x0, x1) < x < max(x0, x1) for x in xs)

        for index in self.indexes[1:]:
            if index - 1 in shapes and index in shapes:
                dodge = coordination_between(index, shapes[index - 1][0], shapes[index][0])
                self._connect(shapes[index - 1], shapes[index], into_top=dodge)
                self.state.record("arrow", index, index + 1, page)

        if incoming and first_index in shapes:
            previous = self.steps[first_index - 1].get("performer", "")
            x = self._lane_center(layout, previous) or shapes[first_index][0]
            top = row_tops[0]
            self._offpage(x, top - 2, incoming)
            dodge = coordination_between(first_index, x, shapes[first_index][0])
            self._connect((x, top - 2 - OFFPAGE_SIZE / 2, 0, OFFPAGE_SIZE / 2, "offpage"), shapes[first_index], into_top=dodge)
            self.state.record("offpage_in", incoming, first_index + 1, page)
        if outgoing and last_index in shapes:
            cx, cy, half_w, half_h, _ = shapes[last_index]
            bottom = row_tops[-1] - layout.rows[-1]
            y_top = bottom + 2 + OFFPAGE_SIZE
            self._arrow_path([(cx, cy - half_h), (cx, y_top)])
            self._offpage(cx, y_top, outgoing)
            self.state.record("offpage_out", outgoing, last_index + 1, page)

        for index, shape in shapes.items():
            if shape[4] == "decision":
                self._branch(layout, index, shape, shapes, row_tops, page)

        for index, (cx, cy, half_w, half_h, kind) in shapes.items():
            self._shape(kind, cx, cy, half_w, half_h, index)
            self.state.record("shape", index + 1, kind, page)

    def _shape(self, kind: str, cx: float, cy: float, half_w: float, half_h: float, index: int) -> None:
        canvas = self.canv
        canvas.saveState()
        canvas.setFillColor(colors.white)
        canvas.setStrokeColor(INK)
        if kind == "terminator":
            canvas.roundRect(cx - half_w, cy - half_h, 2 * half_w, 2 * half_h, half_h, stroke=1, fill=1)
            label = "Mulai" if index == 0 else "Selesai"
            canvas.setFillColor(INK)
            canvas.setFont(FONT, 6.5)
            canvas.drawCentredString(cx, cy - 2.3, label)
        elif kind == "decision":
            path = canvas.beginPath()
            path.moveTo(cx, cy + half_h)
            path.lineTo(cx + half_w, cy)
            path.lineTo(cx, cy - half_h)
            path.lineTo(cx - half_w, cy)
            path.close()
            canvas.drawPath(path, stroke=1, fill=1)
        else:
            canvas.rect(cx - half_w, cy - half_h, 2 * half_w, 2 * half_h, stroke=1, fill=1)
        canvas.restoreState()

    def _offpage(self, cx: float, top: float, label: str) -> None:
        """The off-page connector: a pentagon pointing down, with the letter that pairs it across pages."""
        canvas = self.canv
        half = OFFPAGE_SIZE / 2
        canvas.saveState()
        canvas.setFillColor(colors.white)
        path = canvas.beginPath()
        path.moveTo(cx - half, top)
        path.lineTo(cx + half, top)
        path.lineTo(cx + half, top - OFFPAGE_SIZE * 0.6)
        path.lineTo(cx, top - OFFPAGE_SIZE)
        path.lineTo(cx - half, top - OFFPAGE_SIZE * 0.6)
        path.close()
        canvas.drawPath(path, stroke=1, fill=1)
        canvas.setFillColor(INK)
        canvas.setFont(BOLD, 6.5)
        canvas.drawCentredString(cx, top - OFFPAGE_SIZE * 0.55, label)
        canvas.restoreState()

    def _connect(
        self,
        source: tuple[float, float, float, float, str],
        target: tuple[float, float, float, float, str],
        *,
        into_top: bool = False,
    ) -> None:
        """Down from the bottom of `source`, then across into the side of `target` (or straight down into its top).

        `into_top`: a coordination box sits on the way across, so go across just above the target and
        down into its top instead of running through the box.
        """
        sx, sy, _, s_half_h, _ = source
        tx, ty, t_half_w, t_half_h, _ = target
        start = (sx, sy - s_half_h)
        if abs(sx - tx) < 0.5:
            self._arrow_path([start, (tx, ty + t_half_h)])
            return
        if into_top:
            level = min(ty + t_half_h + 7, (start[1] + ty + t_half_h) / 2)
            self._arrow_path([start, (sx, level), (tx, level), (tx, ty + t_half_h)])
            return
        edge = tx - t_half_w if tx > sx else tx + t_half_w
        self._arrow_path([start, (sx, ty), (edge, ty)])

    def _arrow_path(self, points: list[tuple[float, float]]) -> None:
        canvas = self.canv
        path = canvas.beginPath()
        path.moveTo(*points[0])
        for point in points[1:]:
            path.lineTo(*point)
        canvas.drawPath(path, stroke=1, fill=0)
        (x0, y0), (x1, y1) = points[-2], points[-1]
        dx, dy = x1 - x0, y1 - y0
        length = max((dx * dx + dy * dy) ** 0.5, 0.001)
        ux, uy = dx / length, dy / length
        head = canvas.beginPath()
        head.moveTo(x1, y1)
        head.lineTo(x1 - ARROW * ux + ARROW * 0.5 * uy, y1 - ARROW * uy - ARROW * 0.5 * ux)
        head.lineTo(x1 - ARROW * ux - ARROW * 0.5 * uy, y1 - ARROW * uy + ARROW * 0.5 * ux)
        head.close()
        canvas.saveState()
        canvas.setFillColor(INK)
        canvas.drawPath(head, stroke=0, fill=1)
        canvas.restoreState()

    def _branch(
        self,
        layout: _Layout,
        index: int,
        shape: tuple[float, float, float, float, str],
        shapes: dict[int, tuple[float, float, float, float, str]],
        row_tops: list[float],
        page: int,
    ) -> None:
        """The "no" exit of a decision that sends the case back ("kembali ke langkah 1"): out of the right corner."""
        match = _BACK_REFERENCE.search(self.steps[index].get("description", ""))
        if not match:
            return
        target = int(match[1]) - 1
        if not 0 <= target < len(self.steps) or target == index:
            return
        canvas = self.canv
        cx, cy, half_w, half_h, _ = shape
        lanes = [(layout.xs[2 + i], layout.xs[2 + i] + layout.widths[2 + i]) for i in range(len(self.roles))]
        # Leave by the right corner, unless the diamond is in the last lane and the target is not on this page.
        rightmost = cx > lanes[-1][0]
        side = -1 if rightmost and target not in shapes else 1
        corner = cx + side * half_w
        canvas.setFont(FONT, 6)
        if side > 0:
            canvas.drawString(corner + 3, cy + 3, "Tidak")
        else:
            canvas.drawRightString(corner - 3, cy + 3, "Tidak")
        canvas.drawString(cx + 3, cy - half_h - 7, "Ya")
        if target in shapes:
            tx, ty, t_half_w, _, _ = shapes[target]
            route = min(right for _, right in lanes if right >= max(cx + half_w, tx + t_half_w)) - 4
            self._arrow_path([(corner, cy), (route, cy), (route, ty), (tx + t_half_w, ty)])
        else:
            # The step to go back to is on an earlier page: point at it with an off-page connector
            # carrying its number.
            x = corner + side * (20 + OFFPAGE_SIZE / 2)
            self._arrow_path([(corner, cy), (x - side * OFFPAGE_SIZE / 2, cy)])
            self._offpage(x, cy + OFFPAGE_SIZE / 2, str(target + 1))
        self.state.record("branch", index + 1, target + 1, page)
