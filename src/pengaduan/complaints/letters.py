"""The answer letter (surat jawaban) to the complainant as a printable PDF, laid out as an Indonesian naskah dinas.

Page 1 carries the unit's letterhead; the place and date; the Nomor / Sifat / Lampiran / Hal block; the
addressee; the answer as the Sekretaris drafted it (the step whose kind produces the answer); and the signature block of the
unit's head. Longer answers flow on to further pages, numbered at the top ("- 2 -") without a letterhead.

An official letter is written in Indonesian whatever language the officer's screen is in (UU 24/2009,
art. 27): the fixed texts are rendered in LETTER_LANGUAGE.
"""

from datetime import datetime
from io import BytesIO
from xml.sax.saxutils import escape

from django.utils.translation import gettext as _
from django.utils.translation import override, pgettext
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    KeepTogether,
    NextPageTemplate,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from pengaduan.complaints.kinds import kinds
from pengaduan.complaints.models import Complaint, StepRun
from pengaduan.typesetting import (
    INK,
    VerificationStamp,
    city_of,
    format_date_id,
    letterhead,
    plain_paragraph,
    verification_block,
)

LETTER_LANGUAGE = "id"
NO_NUMBER = "\u2026"  # "…": the number is written in by hand when the Sekretaris left it empty

# Naskah dinas margins: wider on the binding side.
MARGIN_LEFT = 25 * mm
MARGIN_RIGHT = 20 * mm
MARGIN_TOP = 15 * mm
MARGIN_TOP_LATER = 25 * mm  # room for the page number
MARGIN_BOTTOM = 20 * mm
CONTENT_WIDTH = A4[0] - MARGIN_LEFT - MARGIN_RIGHT
SIGNATURE_WIDTH = 80 * mm
SIGNATURE_SPACE = 22 * mm  # for the signature and the stamp


def _styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("letter", fontName="Helvetica", fontSize=11, leading=15, textColor=INK)
    return {
        "base": base,
        "date": ParagraphStyle("date", base, alignment=TA_RIGHT, spaceBefore=4),
        "body": ParagraphStyle("body", base, alignment=TA_JUSTIFY, spaceAfter=8, allowWidows=0, allowOrphans=0),
        "sign": ParagraphStyle("sign", base, alignment=TA_CENTER),
        "sign_title": ParagraphStyle("sign_title", base, fontName="Helvetica-Bold", alignment=TA_CENTER),
        "sign_name": ParagraphStyle("sign_name", base, fontName="Helvetica-Bold", alignment=TA_CENTER),
    }


def _answer_run(complaint: Complaint) -> StepRun:
    answering = kinds.names_having("produces_answer")
    run = (complaint.step_runs.filter(done_at__isnull=False, step__kind__in=answering)
           .order_by("-number").first())
    if run is None or not (run.output or {}).get("answer", "").strip():
        raise ValueError(f"Complaint {complaint.pk}: the answer has not been drafted yet "
                         f"(no step of kind {', '.join(answering)} done).")
    return run


def _subject(complaint: Complaint) -> str:
    return pgettext("answer letter", "Answer to complaint number %(number)s") % {
        "number": complaint.reference
    }


def answer_letter_facts(complaint: Complaint) -> tuple[str, datetime, str]:
    """The letter's number (as drafted; may be empty), its date and its subject, for the record of its issue."""
    run = _answer_run(complaint)
    with override(LETTER_LANGUAGE):
        return (run.output or {}).get("letter_number", "").strip(), run.done_at, _subject(complaint)


def _date_line(complaint: Complaint, day: datetime, st) -> Paragraph:
    date_text = format_date_id(day)
    if city := city_of(complaint.unit):
        date_text = f"{city}, {date_text}"
    return plain_paragraph(date_text, st["date"])


def _reference_block(complaint: Complaint, letter_number: str, st) -> Table:
    rows = [
        (pgettext("answer letter", "Number"), letter_number or NO_NUMBER),
        (pgettext("answer letter", "Nature"), pgettext("answer letter", "Ordinary")),
        (pgettext("answer letter", "Enclosure"), "-"),
        (pgettext("answer letter", "Subject"), _subject(complaint)),
    ]
    table = Table(
        [[plain_paragraph(label, st["base"]), plain_paragraph(":", st["base"]), plain_paragraph(value, st["base"])]
         for label, value in rows],
        colWidths=[24 * mm, 4 * mm, CONTENT_WIDTH - 28 * mm - 45 * mm],
        hAlign="LEFT",
    )
    table.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 0),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
    ]))
    return table


def _addressee(complaint: Complaint, st) -> list[Flowable]:
    """To the complainant; an anonymous one by role only, through the tracking page (no personal data)."""
    to = pgettext("answer letter", "To %(name)s")
    if complaint.is_anonymous or complaint.complainant is None:
        # No address, hence no "di tempat" either.
        lines = [to % {"name": _("Complainant")}, pgettext("answer letter", "(delivered through the tracking page)")]
    else:
        lines = [to % {"name": complaint.complainant.name}]
        if complaint.complainant.address:
            lines.append(complaint.complainant.address)
        lines.append(pgettext("answer letter", "at your address"))
    return [plain_paragraph(line, st["base"]) for line in lines]


def _body(answer: str, st) -> list[Paragraph]:
    """The answer's paragraphs (split on blank lines), a single line break kept as one."""
    paragraphs = [part.strip() for part in answer.replace("\r\n", "\n").split("\n\n") if part.strip()]
    return [Paragraph("<br/>".join(escape(line.strip()) for line in part.split("\n")), st["body"])
            for part in paragraphs]


def _signature(complaint: Complaint, st) -> Table:
    unit = complaint.unit
    cell: list[Flowable] = []
    if unit.head_title:
        cell.append(plain_paragraph(unit.head_title.upper() + ",", st["sign_title"]))
    cell.append(Spacer(0, SIGNATURE_SPACE))
    if unit.head_name:
        cell.append(Paragraph(f"<u>{escape(unit.head_name)}</u>", st["sign_name"]))
    if unit.head_rank:
        cell.append(plain_paragraph(unit.head_rank, st["sign"]))
    if unit.head_nip:
        cell.append(plain_paragraph(pgettext("answer letter", "NIP. %(nip)s") % {"nip": unit.head_nip}, st["sign"]))
    table = Table([["", cell]], colWidths=[CONTENT_WIDTH - SIGNATURE_WIDTH, SIGNATURE_WIDTH])
    table.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (-1, -1), 0),
    ]))
    return table


def _draw_page_number(canvas, doc) -> None:
    canvas.saveState()
    canvas.setFont("Helvetica", 11)
    canvas.drawCentredString(MARGIN_LEFT + CONTENT_WIDTH / 2, A4[1] - 15 * mm, f"- {doc.page} -")
    canvas.restoreState()


def answer_letter_pdf(complaint: Complaint, *, now: datetime | None = None, compress: bool = True,
                      stamp: VerificationStamp | None = None) -> bytes:
    """The answer letter of one complaint as PDF bytes.

    Uses the answer and letter number as drafted in the `draft_answer` step; raises ValueError while that
    step is not done. `now` is the letter's date; it defaults to the day the answer was drafted, so that
    every download prints the same letter. `compress=False` leaves the page streams readable for tests.
    `stamp` is the verification code it carries (documents.verification issues letters with one).
    """
    run = _answer_run(complaint)
    output = run.output
    with override(LETTER_LANGUAGE):
        st = _styles()
        story: list[Flowable] = [
            NextPageTemplate("later"),
            *letterhead(complaint.unit, width=CONTENT_WIDTH),
            _date_line(complaint, now or run.done_at, st),
            Spacer(0, 8),
            _reference_block(complaint, output.get("letter_number", "").strip(), st),
            Spacer(0, 14),
            *_addressee(complaint, st),
            Spacer(0, 14),
        ]
        body = _body(output["answer"], st)
        # The last paragraph goes with the signature: a signature never stands alone on a page.
        story += body[:-1]
        story.append(KeepTogether([*body[-1:], Spacer(0, 10), _signature(complaint, st)]))
        if stamp is not None:
            story += [Spacer(0, 12), verification_block(stamp, width=CONTENT_WIDTH)]

        buffer = BytesIO()
        doc = BaseDocTemplate(
            buffer, pagesize=A4, leftMargin=MARGIN_LEFT, rightMargin=MARGIN_RIGHT, topMargin=MARGIN_TOP,
            bottomMargin=MARGIN_BOTTOM, title=_subject(complaint), author=complaint.unit.name,
            subject=_subject(complaint), creator="pengaduan", invariant=1, pageCompression=1 if compress else 0,
        )
        frame = {"x1": MARGIN_LEFT, "width": CONTENT_WIDTH, "leftPadding": 0, "rightPadding": 0,
                 "topPadding": 0, "bottomPadding": 0}
        doc.addPageTemplates([
            PageTemplate("first", [Frame(y1=MARGIN_BOTTOM, height=A4[1] - MARGIN_TOP - MARGIN_BOTTOM, **frame)]),
            PageTemplate("later", [Frame(y1=MARGIN_BOTTOM, height=A4[1] - MARGIN_TOP_LATER - MARGIN_BOTTOM, **frame)],
                         onPage=_draw_page_number),
        ])
        doc.build(story)
    return buffer.getvalue()
