"""The tanda terima (receipt) of a complaint as a printable PDF.

A complainant leaves the complaint room or the web form with this sheet: it is the proof that the
unit received the complaint, and it carries the tracking code they need to follow it up. It is
printed on cheap office printers and read over the telephone, hence black on white, large type for
the code, and no downloaded fonts (ReportLab's built-in Helvetica/Courier only); the only images are the
unit's logo and the verification QR code (see pengaduan.typesetting).
"""

from collections.abc import Iterable
from datetime import datetime
from io import BytesIO
from xml.sax.saxutils import escape

from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    ListFlowable,
    ListItem,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from pengaduan.complaints.models import Complaint, StepRun
from pengaduan.typesetting import (
    INK,
    VerificationStamp,
    format_date_id,
    format_datetime_id,
    letterhead,
    verification_block,
)
from pengaduan.typesetting import plain_paragraph as _p

__all__ = ["TRACK_PATH", "format_date_id", "format_datetime_id", "receipt_pdf"]

TRACK_PATH = "/lacak/"

PAGE_MARGIN = 18 * mm
FRAME_PADDING = 6  # SimpleDocTemplate's frame padding, in points; tables must fit inside it
CONTENT_WIDTH = A4[0] - 2 * PAGE_MARGIN - 2 * FRAME_PADDING
LEFT = PAGE_MARGIN + FRAME_PADDING
RIGHT = A4[0] - PAGE_MARGIN - FRAME_PADDING
RULE = colors.Color(0.35, 0.35, 0.35)
SHADE = colors.Color(0.92, 0.92, 0.92)


class SpacedText(Flowable):
    """One line of text with extra space between the letters.

    The tracking code is read aloud over the telephone and copied by hand; spacing the letters
    (instead of inserting blanks) keeps the code one selectable, searchable string in the PDF.
    """

    def __init__(self, text: str, *, font: str = "Courier-Bold", size: float = 20, char_space: float = 3):
        super().__init__()
        self.text, self.font, self.size, self.char_space = text, font, size, char_space

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self.width = stringWidth(self.text, self.font, self.size) + self.char_space * max(len(self.text) - 1, 0)
        self.height = self.size * 1.25
        return self.width, self.height

    def draw(self) -> None:
        text = self.canv.beginText(0, self.size * 0.3)
        text.setFont(self.font, self.size)
        text.setCharSpace(self.char_space)
        text.textOut(self.text)
        self.canv.drawText(text)


def _styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("base", fontName="Helvetica", fontSize=10, leading=13, textColor=INK)
    return {
        "base": base,
        "small": ParagraphStyle("small", base, fontSize=8.5, leading=11),
        "label": ParagraphStyle("label", base, fontSize=9.5, textColor=colors.Color(0.2, 0.2, 0.2)),
        "value": ParagraphStyle("value", base),
        "value_bold": ParagraphStyle("value_bold", base, fontName="Helvetica-Bold"),
        "title": ParagraphStyle(
            "title", base, fontName="Helvetica-Bold", fontSize=14, leading=18, alignment=TA_CENTER, spaceBefore=4,
            spaceAfter=8,
        ),
        "heading": ParagraphStyle(
            "heading", base, fontName="Helvetica-Bold", fontSize=11, leading=14, spaceBefore=10, spaceAfter=4,
        ),
        "cell": ParagraphStyle("cell", base, fontSize=9, leading=11.5),
        "cell_head": ParagraphStyle("cell_head", base, fontName="Helvetica-Bold", fontSize=9, leading=11.5),
        "footer": ParagraphStyle("footer", base, fontSize=8, leading=10, textColor=colors.Color(0.25, 0.25, 0.25)),
    }


def _complainant_text(complaint: Complaint) -> str:
    if complaint.is_anonymous or complaint.complainant is None:
        return _("Anonymous")
    name = complaint.complainant.name
    if complaint.is_confidential:
        return _("%(name)s (identity kept confidential)") % {"name": name}
    return name


def _event_text(complaint: Complaint) -> str:
    parts = [complaint.event_place]
    if complaint.event_date:
        parts.append(format_date_id(complaint.event_date))
    return ", ".join(part for part in parts if part)


def _details(complaint: Complaint, st: dict[str, ParagraphStyle]) -> Table:
    # Only a hash of the code is stored: the code is printed when it has just been issued (to the complainant
    # after submitting, on the receipt an officer prints, in the receipt mail); later copies point to it.
    code_cell = [
        SpacedText(complaint.tracking_code) if complaint.tracking_code
        else _p(_("As on the receipt you were first given."), st["value"]),
        Spacer(0, 2),
        _p(_("Keep this code: you need it to follow your complaint."), st["small"]),
    ]
    register = complaint.register_number or _("Not recorded yet — an officer will record it during working hours")
    rows: list[tuple[str, Flowable | list[Flowable]]] = [
        (_("Tracking code"), code_cell),
        (_("Register number"), _p(register, st["value_bold"] if complaint.register_number else st["value"])),
        (_("Received"), _p(format_datetime_id(complaint.received_at), st["value"])),
        (_("Channel"), _p(complaint.channel_label, st["value"])),
        (_("Complainant"), _p(_complainant_text(complaint), st["value"])),
        (_("Summary"), _p(complaint.summary, st["value"])),
        (_("Subject of the complaint"), _p(complaint.subject, st["value"])),
    ]
    if event := _event_text(complaint):
        rows.append((_("Place and date of the event"), _p(event, st["value"])))
    table = Table(
        [[_p(label, st["label"]), value] for label, value in rows],
        colWidths=[45 * mm, CONTENT_WIDTH - 45 * mm],
    )
    table.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("VALIGN", (0, 0), (0, 0), "MIDDLE"),
        ("BOX", (0, 0), (-1, -1), 0.8, RULE),
        ("LINEBELOW", (0, 0), (-1, -2), 0.4, RULE),
        ("BACKGROUND", (0, 0), (-1, 0), SHADE),
        ("TOPPADDING", (0, 0), (-1, -1), 4),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
        ("TOPPADDING", (0, 0), (-1, 0), 7),
        ("BOTTOMPADDING", (0, 0), (-1, 0), 7),
        ("LEFTPADDING", (0, 0), (-1, -1), 6),
    ]))
    return table


def _unbroken_datetime(dt: datetime) -> str:
    """The deadline with no-break spaces, so a narrow cell breaks it only between date and time."""
    day, sep, clock = format_datetime_id(dt).partition(" pukul ")
    return day.replace(" ", "\u00a0") + (" pukul\u00a0" + clock.replace(" ", "\u00a0") if sep else "")


def _steps(complaint: Complaint, st: dict[str, ParagraphStyle]) -> list[Flowable]:
    steps = list(complaint.sop.steps.order_by("number"))
    if not steps:
        return []
    runs: dict[int, StepRun] = {run.number: run for run in complaint.step_runs.all()}
    head = [_p(text, st["cell_head"]) for text in ("", _("Performer"), _("Result"), _("Time limit"), _("Status"))]
    data: list[list[Flowable]] = [head]
    current_row: int | None = None
    for step in steps:
        run = runs.get(step.number)
        if run is None:
            status: list[Flowable] = [_p(_("Waiting"), st["cell"])]
        elif run.is_open:
            status = [
                _p(_("In progress"), st["cell_head"]),
                _p(_("No later than: %(deadline)s") % {"deadline": _unbroken_datetime(run.due_at)}, st["cell"]),
            ]
            current_row = len(data)
        else:
            status = [_p(_("Done"), st["cell"])]
        data.append([
            _p(f"{step.number}.", st["cell"]),
            _p(complaint.sop.role_title(step.performer), st["cell"]),
            _p(step.output, st["cell"]),
            _p(step.time_limit_text, st["cell"]),
            status,
        ])
    widths = [8 * mm, 20 * mm, 56 * mm, 22 * mm]
    table = Table(data, colWidths=[*widths, CONTENT_WIDTH - sum(widths)], repeatRows=1)
    style = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, INK),
        ("LINEBELOW", (0, 1), (-1, -1), 0.3, RULE),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ("LEFTPADDING", (0, 0), (-1, -1), 4),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
    ]
    if current_row is not None:
        style.append(("BACKGROUND", (0, current_row), (-1, current_row), SHADE))
    table.setStyle(TableStyle(style))
    intro = _p(
        _("Your complaint is handled in these steps of SOP %(code)s (%(name)s):")
        % {"code": complaint.sop.code, "name": complaint.sop.name},
        st["small"],
    )
    return [_p(_("Next steps"), st["heading"]), intro, Spacer(0, 3), table]


def _bullets(items: Iterable[Flowable]) -> ListFlowable:
    return ListFlowable(
        [ListItem(item, leftIndent=12) for item in items], bulletType="bullet", start="\u2022", leftIndent=12,
        bulletFontSize=9,
    )


def _rights_and_tracking(st: dict[str, ParagraphStyle], base_url: str) -> list[Flowable]:
    rights = [
        _("Your identity is protected, and on request it is kept confidential."),
        _("Handling a complaint is free of charge: nobody may ask you for money."),
        _("If you are not satisfied with the handling, you may bring your complaint to the Ombudsman of the "
          "Republic of Indonesia."),
    ]
    if base_url:
        track_text = _("Track your complaint at %(url)s with the code above.")
    else:  # a bare path would mean nothing on paper
        track_text = _("Track your complaint on our complaint website, page %(url)s, with the code above.")
    # The address in bold: substitute after escaping, so the markup survives and the text cannot inject any.
    track = Paragraph(
        escape(track_text % {"url": "\x00"}).replace("\x00", f"<b>{escape(base_url.rstrip('/') + TRACK_PATH)}</b>"),
        st["base"],
    )
    return [
        KeepTogether([_p(_("Your rights"), st["heading"]), _bullets(_p(text, st["base"]) for text in rights)]),
        Spacer(0, 8),
        track,
    ]


def _sop_warning(complaint: Complaint) -> str:
    document = complaint.sop.document or {}
    warnings = (document.get("sop") or {}).get("warnings") or []
    return str(warnings[0]).strip() if warnings else ""


def receipt_pdf(complaint: Complaint, *, now: datetime | None = None, base_url: str = "",
                compress: bool = True, stamp: VerificationStamp | None = None) -> bytes:
    """The receipt of one complaint, in the active language, as PDF bytes.

    `now` is the printing time shown in the footer (tests pass it; the document is otherwise
    invariant). `base_url` is the public site, for the tracking address. `compress=False` leaves
    the page streams readable, so that tests can find texts in them without a PDF parser.
    """
    now = now or timezone.now()
    st = _styles()
    footer_lines = [_p(_("Printed: %(time)s") % {"time": format_datetime_id(now)}, st["footer"])]
    if warning := _sop_warning(complaint):
        footer_lines.insert(0, _p(_("SOP %(code)s: %(warning)s") % {"code": complaint.sop.code,
                                                                      "warning": warning}, st["footer"]))
    footer_height = sum(line.wrap(CONTENT_WIDTH, A4[1])[1] for line in footer_lines) + 8

    def draw_footer(canvas, doc) -> None:
        canvas.saveState()
        y = PAGE_MARGIN - 6 * mm
        for line in reversed(footer_lines):
            _w, h = line.wrap(CONTENT_WIDTH, A4[1])
            line.drawOn(canvas, LEFT, y)
            y += h
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.4)
        canvas.line(LEFT, y + 2, RIGHT, y + 2)
        canvas.setFont("Helvetica", 8)
        canvas.drawRightString(RIGHT, PAGE_MARGIN - 6 * mm + 2.5, _("Page %(number)s") % {"number": doc.page})
        canvas.restoreState()

    buffer = BytesIO()
    doc = SimpleDocTemplate(
        buffer, pagesize=A4, leftMargin=PAGE_MARGIN, rightMargin=PAGE_MARGIN, topMargin=PAGE_MARGIN - 4 * mm,
        bottomMargin=PAGE_MARGIN - 6 * mm + footer_height + 4 * mm,
        title=_("Complaint receipt %(code)s") % {"code": complaint.tracking_code}, author=complaint.unit.name,
        subject=complaint.summary, creator="pengaduan", invariant=1, pageCompression=1 if compress else 0,
    )
    story: list[Flowable] = [
        *letterhead(complaint.unit, width=CONTENT_WIDTH),
        _p(_("COMPLAINT RECEIPT"), st["title"]),
        _details(complaint, st),
        *_steps(complaint, st),
        *_rights_and_tracking(st, base_url),
    ]
    if stamp is not None:
        story += [Spacer(0, 10), verification_block(stamp, width=CONTENT_WIDTH)]
    doc.build(story, onFirstPage=draw_footer, onLaterPages=draw_footer)
    return buffer.getvalue()
