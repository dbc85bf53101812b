"""The lembar disposisi: the sheet on which the head of the office (the performer of the step that decides the
follow-up) orders what is to be done with an incoming complaint, in the form Indonesian offices print.

Letterhead; "LEMBAR DISPOSISI"; surat dari / nomor surat / tanggal surat beside diterima tanggal / nomor agenda
/ sifat; perihal; diteruskan kepada (the unit's SOP roles with the officers holding them) beside dengan hormat
harap (the usual instructions); catatan; the signature block of the deciding role. Before the decision the boxes
are empty, for the pen; once it is taken they are ticked from it (who does the next step, what the decision asks)
and the order is the catatan.

The complainant is named as on the forwarding letter: not when anonymous or confidential (the sheet goes round
the office on paper).
"""

from __future__ import annotations

from io import BytesIO

from django.contrib.auth import get_user_model
from django.utils.translation import override, pgettext
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, SimpleDocTemplate, Spacer, Table, TableStyle

from pengaduan.complaints import examinations
from pengaduan.complaints.kinds import kinds
from pengaduan.complaints.letters import LETTER_LANGUAGE
from pengaduan.complaints.models import Complaint, DecisionType, StepRun
from pengaduan.typesetting import (
    INK,
    VerificationStamp,
    city_of,
    format_date_id,
    letterhead,
    plain_paragraph,
    verification_block,
)

MARGIN = 18 * mm
CONTENT_WIDTH = A4[0] - 2 * MARGIN
HALF = CONTENT_WIDTH / 2
BOX = 3.2 * mm
NOTE_SPACE = 28 * mm  # for the handwritten catatan
SIGNATURE_SPACE = 18 * mm

# The instructions printed on the sheet ("dengan hormat harap"), and which a decision ticks.
INSTRUCTIONS = ("respond", "process", "coordinate", "examine", "prepare_answer", "forward", "file", "note")
TICKED_BY_DECISION = {
    DecisionType.ANSWER: {"process", "prepare_answer"},
    DecisionType.EXAMINATION: {"examine", "process"},
    DecisionType.FORWARD: {"forward"},
    DecisionType.NOT_WITHIN_AUTHORITY: {"forward"},
}
NATURES = ("very_urgent", "urgent", "ordinary", "confidential")


def _instruction_label(key: str) -> str:
    return {
        "respond": pgettext("disposition", "Respond and advise"),
        "process": pgettext("disposition", "Process further"),
        "coordinate": pgettext("disposition", "Coordinate / confirm"),
        "examine": pgettext("disposition", "Examine / study"),
        "prepare_answer": pgettext("disposition", "Prepare the answer"),
        "forward": pgettext("disposition", "Forward"),
        "file": pgettext("disposition", "File"),
        "note": pgettext("disposition", "For your information"),
    }[key]


def _nature_label(key: str) -> str:
    return {
        "very_urgent": pgettext("disposition", "Very urgent"),
        "urgent": pgettext("disposition", "Urgent"),
        "ordinary": pgettext("disposition", "Ordinary"),
        "confidential": pgettext("disposition", "Confidential"),
    }[key]


class CheckBox(Flowable):
    """A small square, ticked or empty (for the pen)."""

    def __init__(self, ticked: bool):
        super().__init__()
        self.ticked = ticked

    def wrap(self, avail_width, avail_height):
        return BOX, BOX

    def draw(self) -> None:
        canvas = self.canv
        canvas.setStrokeColor(INK)
        canvas.setLineWidth(0.7)
        canvas.rect(0, 0, BOX, BOX)
        if self.ticked:
            canvas.setLineWidth(1.1)
            canvas.lines([(BOX * 0.18, BOX * 0.5, BOX * 0.42, BOX * 0.18), (BOX * 0.42, BOX * 0.18, BOX * 0.85, BOX * 0.85)])


def _styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("disposition", fontName="Helvetica", fontSize=10, leading=13, textColor=INK)
    return {
        "base": base,
        "label": ParagraphStyle("label", base, fontName="Helvetica-Bold"),
        "title": ParagraphStyle("title", base, fontName="Helvetica-Bold", fontSize=14, leading=18,
                                alignment=TA_CENTER),
        "sign": ParagraphStyle("sign", base, alignment=TA_CENTER),
        "sign_bold": ParagraphStyle("sign_bold", base, fontName="Helvetica-Bold", alignment=TA_CENTER),
    }


def _checklist(items: list[tuple[str, bool]], st, width: float) -> Table:
    table = Table([[CheckBox(ticked), plain_paragraph(label, st["base"])] for label, ticked in items],
                  colWidths=[BOX + 3 * mm, width - BOX - 3 * mm])
    table.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 1.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
    ]))
    return table


def _pair(label: str, value: str, st) -> list:
    table = Table([[plain_paragraph(label, st["label"]), plain_paragraph(":", st["base"]),
                    plain_paragraph(value, st["base"])]], colWidths=[30 * mm, 3 * mm, HALF - 33 * mm - 8])
    table.setStyle(TableStyle([("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                               ("TOPPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
                               ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return [table]


def decision_run(complaint: Complaint) -> StepRun | None:
    """The run of the step that decides the follow-up (asked of the kind registry by what it does), if reached."""
    return (complaint.step_runs.select_related("done_by", "step")
            .filter(step__kind__in=kinds.names_having("produces_decision")).order_by("-number").first())


def _sender(complaint: Complaint) -> str:
    if complaint.is_anonymous or complaint.complainant is None:
        who = pgettext("disposition", "Complainant (anonymous)")
    elif complaint.is_confidential:
        who = pgettext("disposition", "Complainant (identity kept confidential)")
    else:
        who = complaint.complainant.name
    return f"{who} \u2014 {complaint.channel_label}"


def _recipients(complaint: Complaint, run: StepRun | None) -> list[tuple[str, bool]]:
    """The unit's SOP roles (and the examiner's), with the officers holding each; the one the decision passes the
    case to is ticked."""
    sop = complaint.sop
    rules = examinations.rules_for(sop)
    roles = [role["code"] for role in sop.roles]
    if rules.role not in roles:
        roles.append(rules.role)
    deciding_role = run.role if run else ""
    ticked = ""
    if run is not None and run.done_at is not None:
        if (run.output or {}).get("decision_type") == DecisionType.EXAMINATION or complaint.examinations.exists():
            ticked = rules.role
        else:
            following = complaint.step_runs.filter(number__gt=run.number).order_by("number").first()
            ticked = following.role if following else ""
    names: dict[str, list[str]] = {}
    for user in (get_user_model().objects.filter(is_active=True, memberships__unit_id=complaint.unit_id,
                                                 memberships__role__in=roles)
                 .order_by("last_name", "first_name", "username")
                 .values("username", "first_name", "last_name", "memberships__role")):
        name = f"{user['first_name']} {user['last_name']}".strip() or user["username"]
        names.setdefault(user["memberships__role"], []).append(name)
    items = []
    for role in roles:
        if role == deciding_role:
            continue
        title = examinations.role_title(sop, role) if role == rules.role else sop.role_title(role)
        officers = names.get(role, [])
        items.append((f"{title} ({', '.join(officers)})" if officers else title, role == ticked))
    return items


def disposition_facts(complaint: Complaint) -> tuple[str, object, str]:
    """The sheet's number (the register number: its agenda number), date and subject, for the record."""
    run = decision_run(complaint)
    day = run.done_at if run is not None and run.done_at else complaint.received_at
    with override(LETTER_LANGUAGE):
        subject = pgettext("disposition", "Disposition sheet of complaint number %(number)s") % {
            "number": complaint.reference}
    return complaint.register_number, day, subject


def disposition_pdf(complaint: Complaint, *, compress: bool = True, stamp: VerificationStamp | None = None) -> bytes:
    """The lembar disposisi of one complaint, as PDF bytes (deterministic: the same state prints the same bytes)."""
    run = decision_run(complaint)
    decided = run is not None and run.done_at is not None
    output = (run.output or {}) if decided else {}
    unit = complaint.unit
    with override(LETTER_LANGUAGE):
        st = _styles()
        dash = "\u2013"
        left = [
            *_pair(pgettext("disposition", "Letter from"), _sender(complaint), st),
            *_pair(pgettext("disposition", "Letter number"), complaint.letter_number or complaint.lapor_id or dash,
                   st),
            *_pair(pgettext("disposition", "Letter date"),
                   format_date_id(complaint.letter_date) if complaint.letter_date else dash, st),
        ]
        natures = [(_nature_label(key), key == "confidential" and complaint.is_confidential) for key in NATURES]
        right = [
            *_pair(pgettext("disposition", "Received on"), format_date_id(complaint.received_at), st),
            *_pair(pgettext("disposition", "Agenda number"), complaint.register_number or dash, st),
            plain_paragraph(pgettext("disposition", "Nature") + ":", st["label"]),
            _checklist(natures, st, HALF - 8),
        ]
        ticked = TICKED_BY_DECISION.get(output.get("decision_type"), set())
        instructions = [(_instruction_label(key), key in ticked) for key in INSTRUCTIONS]
        note_lines = []
        if decided:
            decision = DecisionType(output["decision_type"]).label if output.get("decision_type") in \
                DecisionType.values else ""
            for text in (decision, output.get("forward_to", ""), output.get("order", ""),
                         output.get("examination_brief", "")):
                if (text or "").strip():
                    note_lines.append(plain_paragraph(str(text).strip(), st["base"]))
        signer_title = complaint.sop.role_title(run.role) if run else unit.head_title
        signer_name = ""
        if decided and run.done_by is not None:
            signer_name = run.done_by.get_full_name() or run.done_by.get_username()
        date_text = format_date_id(run.done_at) if decided else "\u2026\u2026\u2026\u2026\u2026\u2026"
        if city := city_of(unit):
            date_text = f"{city}, {date_text}"
        signature = [plain_paragraph(date_text, st["sign"]), plain_paragraph(signer_title, st["sign_bold"]),
                     Spacer(0, SIGNATURE_SPACE)]
        if signer_name:
            signature.append(plain_paragraph(signer_name, st["sign_bold"]))

        rows = [
            [left, right],
            [[plain_paragraph(pgettext("disposition", "Subject") + ":", st["label"]),
              plain_paragraph(complaint.summary, st["base"])], ""],
            [[plain_paragraph(pgettext("disposition", "Forwarded to") + ":", st["label"]),
              _checklist(_recipients(complaint, run), st, HALF - 12)],
             [plain_paragraph(pgettext("disposition", "Kindly") + ":", st["label"]),
              _checklist(instructions, st, HALF - 12)]],
            [[plain_paragraph(pgettext("disposition", "Notes") + ":", st["label"]), *note_lines,
              Spacer(0, 4 * mm if note_lines else NOTE_SPACE)], signature],
        ]
        grid = Table(rows, colWidths=[HALF, HALF])
        grid.setStyle(TableStyle([
            ("BOX", (0, 0), (-1, -1), 0.9, INK),
            ("INNERGRID", (0, 0), (-1, -1), 0.5, INK),
            ("SPAN", (0, 1), (1, 1)),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 5),
            ("RIGHTPADDING", (0, 0), (-1, -1), 5),
            ("TOPPADDING", (0, 0), (-1, -1), 5),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
        ]))
        title = pgettext("disposition", "DISPOSITION SHEET")
        story: list[Flowable] = [*letterhead(unit, width=CONTENT_WIDTH), plain_paragraph(title, st["title"]),
                                 Spacer(0, 6), grid]
        if stamp is not None:
            story += [Spacer(0, 10), verification_block(stamp, width=CONTENT_WIDTH)]
        buffer = BytesIO()
        _number, _day, subject = disposition_facts(complaint)
        doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=15 * mm,
                                bottomMargin=15 * mm, title=subject, author=unit.name, subject=subject,
                                creator="pengaduan", invariant=1, pageCompression=1 if compress else 0)
        # SimpleDocTemplate's frame pads 6 points on each side: the grid is drawn to the content width inside.
        doc.leftMargin -= 6
        doc.rightMargin -= 6
        doc.build(story)
    return buffer.getvalue()
