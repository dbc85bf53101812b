"""The periodic report (monthly, quarterly, yearly) as a PDF ready to send to the Walikota.

Perpres 76/2013 asks that complaint handling be reported periodically; the Ombudsman's compliance
assessment looks for proof that complaints are settled within the SOP's time. One A4 document, in
Indonesian whatever the screen language, signed by the unit's head: summary, breakdowns, time to answer,
SOP compliance per step, the months of the period, satisfaction, forwarded and examined cases.
"""

from __future__ import annotations

from datetime import datetime
from io import BytesIO
from xml.sax.saxutils import escape

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override
from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.shapes import Drawing, Rect, String
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    KeepTogether,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from pengaduan.reports.formatting import count, decimal, office_duration, percent, share
from pengaduan.reports.handovers import forward_figures
from pengaduan.reports.periods import Period, month_label
from pengaduan.reports.register import REPORT_LANGUAGE
from pengaduan.reports.selectors import Breakdown, PeriodicFigures, examination_figures, periodic_figures
from pengaduan.typesetting import INK, city_of, format_date_id, format_datetime_id, letterhead, plain_paragraph
from pengaduan.units.models import Unit

MARGIN_LEFT = 22 * mm
MARGIN_RIGHT = 18 * mm
MARGIN_TOP = 15 * mm
MARGIN_BOTTOM = 18 * mm
CONTENT_WIDTH = A4[0] - MARGIN_LEFT - MARGIN_RIGHT
RULE = colors.Color(0.45, 0.45, 0.45)
SHADE = colors.Color(0.9, 0.9, 0.9)
SIGNATURE_WIDTH = 80 * mm


def _styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("base", fontName="Helvetica", fontSize=9.5, leading=12.5, textColor=INK)
    return {
        "base": base,
        "cell": ParagraphStyle("cell", base, fontSize=8.5, leading=10.5),
        "cell_head": ParagraphStyle("cell_head", base, fontName="Helvetica-Bold", fontSize=8.5, leading=10.5),
        "num": ParagraphStyle("num", base, fontSize=8.5, leading=10.5, alignment=TA_RIGHT),
        "num_head": ParagraphStyle("num_head", base, fontName="Helvetica-Bold", fontSize=8.5, leading=10.5,
                                   alignment=TA_RIGHT),
        "title": ParagraphStyle("title", base, fontName="Helvetica-Bold", fontSize=13, leading=17,
                                alignment=TA_CENTER),
        "subtitle": ParagraphStyle("subtitle", base, fontSize=10.5, leading=14, alignment=TA_CENTER),
        "heading": ParagraphStyle("heading", base, fontName="Helvetica-Bold", fontSize=10.5, leading=14,
                                  spaceBefore=10, spaceAfter=4),
        "note": ParagraphStyle("note", base, fontSize=8, leading=10, textColor=colors.Color(0.25, 0.25, 0.25)),
        "sign": ParagraphStyle("sign", base, alignment=TA_CENTER),
        "sign_bold": ParagraphStyle("sign_bold", base, fontName="Helvetica-Bold", alignment=TA_CENTER),
    }


def _grid(data: list[list], widths: list[float]) -> Table:
    table = Table(data, colWidths=widths, repeatRows=1, hAlign="LEFT")
    style = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("BACKGROUND", (0, 0), (-1, 0), SHADE),
        ("GRID", (0, 0), (-1, -1), 0.3, RULE),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
    table.setStyle(TableStyle(style))
    return table


def _row(texts: list[str], st, *, head: bool = False, numeric_from: int = 1) -> list[Paragraph]:
    cells = []
    for index, text in enumerate(texts):
        numeric = index >= numeric_from
        style = ("num_head" if numeric else "cell_head") if head else ("num" if numeric else "cell")
        cells.append(plain_paragraph(str(text), st[style]))
    return cells


def _summary(figures: PeriodicFigures, st) -> list[Flowable]:
    answers, ratings, end = figures.answers, figures.ratings, figures.end
    rows = [
        (_("Complaints received"), count(figures.received)),
        (_("of which answered / still in progress"),
         f"{count(figures.answered_of_received)} / {count(figures.open_of_received)}"),
        (_("Set aside (spam or duplicate), not counted above"), count(figures.set_aside)),
        (_("Complaints answered in the period"), count(answers.answered)),
        (_("Answered within the SOP's time"),
         f"{count(answers.within_sop)} ({percent(answers.within_sop_share)})"),
        (_("Average time to answer"),
         _("%(days)s working days (%(office)s of office time)") % {
             "days": decimal(answers.average_working_days), "office": office_duration(answers.average_office_seconds)}
         if answers.answered else "–"),
        (_("Longest time to answer"),
         _("%(days)s working days (%(office)s of office time)") % {
             "days": count(answers.longest_working_days), "office": office_duration(answers.longest_office_seconds)}
         if answers.answered else "–"),
        (_("Satisfaction of complainants"),
         _("%(average)s of 5 (%(count)s ratings)") % {"average": decimal(ratings.average),
                                                      "count": count(ratings.count)}
         if ratings.count else _("no ratings")),
        (_("Still open at the end of the period"), count(end.open)),
        (_("of which past a step's deadline"), count(end.overdue)),
    ]
    table = Table([[plain_paragraph(label, st["base"]), plain_paragraph(value, st["base"])] for label, value in rows],
                  colWidths=[100 * mm, CONTENT_WIDTH - 100 * mm], hAlign="LEFT")
    table.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 0), (-1, -1), 0.3, RULE),
        ("LEFTPADDING", (0, 0), (-1, -1), 2),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]))
    return [plain_paragraph(_("1. Summary"), st["heading"]), table]


def _breakdown_table(breakdown: Breakdown, width: float, st) -> Table:
    total = breakdown.total
    data = [_row([breakdown.title, _("Number"), "%"], st, head=True)]
    for label, n in breakdown.rows:
        data.append(_row([label, count(n), percent(share(n, total))], st))
    if not breakdown.rows:
        data.append(_row([_("none"), "", ""], st))
    data.append(_row([_("Total"), count(total), ""], st, head=True))
    return _grid(data, [width - 34 * mm, 16 * mm, 18 * mm])


def _breakdowns(figures: PeriodicFigures, st) -> list[Flowable]:
    gap = 6 * mm
    half = (CONTENT_WIDTH - gap) / 2
    tables = [_breakdown_table(b, half, st) for b in figures.breakdowns]
    pairs = [tables[i:i + 2] + [""] * (2 - len(tables[i:i + 2])) for i in range(0, len(tables), 2)]
    grid = Table([[left, "", right] for left, right in pairs], colWidths=[half, gap, half], hAlign="LEFT")
    grid.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (-1, -1), 0),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
    ]))
    note = _("Complaints received in the period, without those set aside. The outcome is as it stands today.")
    return [plain_paragraph(_("2. Complaints received"), st["heading"]), grid, Spacer(0, 2),
            plain_paragraph(note, st["note"])]


def _steps(figures: PeriodicFigures, st) -> list[Flowable]:
    data = [_row([_("Step"), _("Performer"), _("Standard (Mutu Baku)"), _("Done"), _("On time"), _("Median"),
                  _("90th percentile")], st, head=True, numeric_from=3)]
    for row in figures.steps:
        data.append(_row([f"{row.step.number}. {row.step.label}", row.step.role_title, row.step.standard,
                          count(row.done), percent(row.on_time_share), office_duration(row.median),
                          office_duration(row.p90)], st, numeric_from=3))
    widths = [44 * mm, 22 * mm, 26 * mm, 14 * mm, 17 * mm]
    widths += [(CONTENT_WIDTH - sum(widths)) / 2] * 2
    note = _("Steps completed in the period. Durations are office time (office hours on working days), without "
             "the time spent waiting for the complainant; on time means done by the step's deadline.")
    return [KeepTogether([plain_paragraph(_("3. SOP compliance per step"), st["heading"]), _grid(data, widths),
                          Spacer(0, 2), plain_paragraph(note, st["note"])])]


def _months(figures: PeriodicFigures, st) -> list[Flowable]:
    if not figures.months:
        return []
    data = [_row([_("Month"), _("Received"), _("Answered"), _("Answered within the SOP"), _("Steps on time")], st,
                 head=True)]
    for received, row in zip(figures.received_by_month, figures.months):
        data.append(_row([month_label(row.month), count(received), count(row.answered),
                          percent(row.within_sop_share), percent(row.on_time_share)], st))
    widths = [40 * mm] + [(CONTENT_WIDTH - 40 * mm) / 4] * 4
    return [KeepTogether([plain_paragraph(_("4. Month by month"), st["heading"]), _grid(data, widths), Spacer(0, 4),
                          _month_chart(figures)])]


def _month_chart(figures: PeriodicFigures) -> Drawing:
    """Received and answered per month, as columns (black and grey: office printers)."""
    width, height = CONTENT_WIDTH, 48 * mm
    drawing = Drawing(width, height)
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 12 * mm, 8 * mm, width - 16 * mm, height - 16 * mm
    chart.data = [figures.received_by_month, [row.answered for row in figures.months]]
    chart.categoryAxis.categoryNames = [month_label(row.month, short=True) for row in figures.months]
    chart.categoryAxis.labels.fontName = chart.valueAxis.labels.fontName = "Helvetica"
    chart.categoryAxis.labels.fontSize = chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.valueMin = 0
    top = max([*chart.data[0], *chart.data[1], 1])
    chart.valueAxis.valueMax = top
    chart.valueAxis.valueStep = max(1, -(-top // 4))
    chart.bars[0].fillColor, chart.bars[1].fillColor = colors.Color(0.2, 0.2, 0.2), colors.Color(0.7, 0.7, 0.7)
    chart.bars.strokeColor = None
    drawing.add(chart)
    for index, (name, colour) in enumerate(((_("Received"), chart.bars[0].fillColor),
                                            (_("Answered"), chart.bars[1].fillColor))):
        x = 14 * mm + index * 40 * mm
        drawing.add(Rect(x, height - 5 * mm, 3 * mm, 3 * mm, fillColor=colour, strokeColor=None))
        drawing.add(String(x + 4.5 * mm, height - 4.6 * mm, name, fontName="Helvetica", fontSize=7.5))
    return drawing


def _ratings(figures: PeriodicFigures, st) -> list[Flowable]:
    ratings = figures.ratings
    number = "5" if figures.months else "4"
    title = plain_paragraph(_("%(number)s. Satisfaction of complainants") % {"number": number}, st["heading"])
    if not ratings.count:
        return [title, plain_paragraph(_("No complainant rated an answer in this period."), st["base"])]
    data = [_row([_("Score"), _("Ratings"), "%"], st, head=True)]
    for score, n in ratings.by_score.items():
        data.append(_row([str(score), count(n), percent(share(n, ratings.count))], st))
    data.append(_row([_("Average"), decimal(ratings.average), ""], st, head=True))
    return [KeepTogether([title, _grid(data, [40 * mm, 25 * mm, 25 * mm])])]


def _pairs_table(rows: list[tuple[str, str]], st) -> Table:
    data = [_row([label, value], st) for label, value in rows]
    table = _grid([_row([_("Figure"), _("Number")], st, head=True), *data], [CONTENT_WIDTH - 40 * mm, 40 * mm])
    return table


def _forwarded(unit: Unit, period: Period, now: datetime, st, number: int) -> list[Flowable]:
    """Cases forwarded to another unit or an outside body, and received from other units (reports/handovers.py)."""
    figures = forward_figures(unit=unit, period=period, now=now)
    rows = [
        (_("Forwarded in the period"), count(figures.forwarded)),
        (_("to another unit of the Pemda / to a body outside it"),
         f"{count(figures.to_units)} / {count(figures.to_outside)}"),
        (_("of which answered / returned / still monitored (today)"),
         f"{count(figures.answered)} / {count(figures.returned)} / {count(figures.monitoring)}"),
        (_("Received from other units in the period"), count(figures.received)),
        (_("Monitored now / of which reminded at least once"),
         f"{count(figures.monitored_now)} / {count(figures.reminded_now)}"),
    ]
    flow: list[Flowable] = [plain_paragraph(_("%(number)s. Forwarded cases") % {"number": number}, st["heading"]),
                            _pairs_table(rows, st)]
    if figures.targets:
        data = [_row([_("Forwarded to"), _("Number")], st, head=True)]
        data += [_row([name, count(n)], st) for name, n in figures.targets]
        flow += [Spacer(0, 4), _grid(data, [CONTENT_WIDTH - 40 * mm, 40 * mm])]
    return [KeepTogether(flow)]


def _examined(unit: Unit, period: Period, now: datetime, st, number: int) -> list[Flowable]:
    """Examinations (pemeriksaan) ordered and reported in the period, and open now."""
    figures = examination_figures(unit=unit, period=period, now=now)
    rows = [
        (_("Examinations ordered in the period"), count(figures.ordered)),
        (_("Reports (LHP) handed in / of which on time"),
         f"{count(figures.reported)} / {count(figures.on_time)} ({percent(figures.on_time_share)})"),
        (_("Median office time to the report"), office_duration(figures.median)),
        *[(_("Outcome: %(outcome)s") % {"outcome": label}, count(n)) for label, n in figures.outcomes],
        (_("Open now / of which past the deadline"), f"{count(figures.open)} / {count(figures.overdue)}"),
    ]
    return [KeepTogether([plain_paragraph(_("%(number)s. Examined cases") % {"number": number}, st["heading"]),
                          _pairs_table(rows, st)])]


def _signature(unit: Unit, day: datetime, st) -> Table:
    cell: list[Flowable] = []
    date_text = format_date_id(day)
    if city := city_of(unit):
        date_text = f"{city}, {date_text}"
    cell.append(plain_paragraph(date_text, st["sign"]))
    if unit.head_title:
        cell.append(plain_paragraph(unit.head_title.upper() + ",", st["sign_bold"]))
    cell.append(Spacer(0, 20 * mm))
    if unit.head_name:
        cell.append(Paragraph(f"<u>{escape(unit.head_name)}</u>", st["sign_bold"]))
    if unit.head_rank:
        cell.append(plain_paragraph(unit.head_rank, st["sign"]))
    if unit.head_nip:
        cell.append(plain_paragraph(_("NIP. %(nip)s") % {"nip": unit.head_nip}, st["sign"]))
    table = Table([["", cell]], colWidths=[CONTENT_WIDTH - SIGNATURE_WIDTH, SIGNATURE_WIDTH])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                               ("RIGHTPADDING", (0, 0), (-1, -1), 0)]))
    return table


def periodic_pdf(*, unit: Unit, period: Period, now: datetime | None = None, compress: bool = True,
                 figures: PeriodicFigures | None = None) -> bytes:
    """The periodic report of one unit as PDF bytes, in Indonesian (`figures`: already computed, in Indonesian)."""
    now = now or timezone.now()
    with override(REPORT_LANGUAGE):
        figures = figures or periodic_figures(unit=unit, period=period)
        st = _styles()
        story: list[Flowable] = [
            *letterhead(unit),
            plain_paragraph(_("REPORT ON THE HANDLING OF PUBLIC SERVICE COMPLAINTS"), st["title"]),
            plain_paragraph(_("%(unit)s · %(period)s") % {"unit": unit.name, "period": period.label}, st["subtitle"]),
            Spacer(0, 4),
            *_summary(figures, st),
            *_breakdowns(figures, st),
            *_steps(figures, st),
            *_months(figures, st),
            *_ratings(figures, st),
            *_forwarded(unit, period, now, st, 6 if figures.months else 5),
            *_examined(unit, period, now, st, 7 if figures.months else 6),
            Spacer(0, 10),
            CondPageBreak(45 * mm),
            _signature(unit, now, st),
        ]
        printed = format_datetime_id(now)
        footer = _("Report %(period)s · printed %(time)s · page %(page)s")

        def draw_footer(canvas, doc) -> None:
            canvas.saveState()
            line = plain_paragraph(footer % {"period": period.label, "time": printed, "page": doc.page}, st["note"])
            line.wrap(CONTENT_WIDTH, MARGIN_BOTTOM)
            line.drawOn(canvas, MARGIN_LEFT, MARGIN_BOTTOM - 9 * mm)
            canvas.restoreState()

        buffer = BytesIO()
        heading = _("Complaints report %(period)s") % {"period": period.label}
        doc = BaseDocTemplate(
            buffer, pagesize=A4, leftMargin=MARGIN_LEFT, rightMargin=MARGIN_RIGHT, topMargin=MARGIN_TOP,
            bottomMargin=MARGIN_BOTTOM, title=heading, author=unit.name, creator="pengaduan", invariant=1,
            pageCompression=1 if compress else 0,
        )
        doc.addPageTemplates([PageTemplate("page", [Frame(MARGIN_LEFT, MARGIN_BOTTOM, CONTENT_WIDTH,
                                                          A4[1] - MARGIN_TOP - MARGIN_BOTTOM, leftPadding=0,
                                                          rightPadding=0, topPadding=0, bottomPadding=0)],
                                           onPage=draw_footer)])
        doc.build(story)
    return buffer.getvalue()
