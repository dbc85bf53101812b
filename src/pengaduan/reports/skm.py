"""The SKM report (PermenPANRB 14/2017) per unit, or for the whole Pemda, and period: the mean per element (NRR),
its weighted value, the index (IKM, ×25) and its quality category, the respondents and their profile.

`skm_summary(unit, start, end)` is the plain selector the other reports include (the periodic report's section,
the yearly report, the evidence pack); `skm_pdf` and `skm_xlsx` write it; `periodic_section` gives the periodic
report its flowables. The arithmetic is the regulation's, in `skm/regulation.py`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction
from io import BytesIO
from typing import IO

from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import override

from pengaduan.redact import scrub_text
from pengaduan.reports.periods import Period, day_label
from pengaduan.skm import regulation
from pengaduan.skm.models import SurveyResponse
from pengaduan.units.models import Unit

REPORT_LANGUAGE = "id"
# Comments listed in a report at most (the newest); the XLSX holds them all.
COMMENTS_SHOWN = 50


@dataclass(frozen=True)
class ElementRow:
    element: regulation.Element
    total: int  # the sum of the answers (Σ nilai per unsur)
    mean: Fraction  # NRR per unsur
    weighted: Fraction  # NRR tertimbang per unsur
    by_answer: tuple[int, int, int, int]  # how many answered 1, 2, 3, 4

    @property
    def ikm(self) -> Fraction:
        """The element's own value on the 25..100 scale (NRR × 25), to see which element pulls the index down."""
        return self.mean * regulation.CONVERSION

    @property
    def category(self) -> regulation.Category:
        return regulation.category(self.ikm)


@dataclass(frozen=True)
class ProfileGroup:
    name: str
    label: str
    rows: list[tuple[str, int]]  # (choice label, respondents), in the questionnaire's order
    not_given: int


@dataclass(frozen=True)
class SkmSummary:
    """One unit's (or, with `unit` None, every unit's) survey figures for the days [start, end)."""

    unit: Unit | None
    start: date
    end: date
    respondents: int
    elements: list[ElementRow]
    result: regulation.Index | None
    profile: list[ProfileGroup] = field(default_factory=list)

    @property
    def last_day(self) -> date:
        return date.fromordinal(self.end.toordinal() - 1)

    @property
    def ikm(self) -> Decimal | None:
        return regulation.rounded(self.result.ikm) if self.result else None

    @property
    def value(self) -> Decimal | None:
        """The index on the regulation's 1..4 scale (Σ NRR tertimbang), to four decimals as the table prints NI."""
        return regulation.rounded(self.result.value, Decimal("0.0001")) if self.result else None

    @property
    def category(self) -> regulation.Category | None:
        return self.result.category if self.result else None


def _responses(unit: Unit | None, start: date, end: date):
    responses = SurveyResponse.objects.filter(answered_on__gte=start, answered_on__lt=end)
    return responses.filter(unit=unit) if unit is not None else responses


def skm_summary(unit: Unit | None, start: date, end: date, *, with_profile: bool = True) -> SkmSummary:
    """The SKM of `unit` (None: the whole Pemda, every unit's respondents together) for answers given on the days
    from `start` up to but not including `end` (a Period's start and end). Sums in SQL; the index is exact."""
    responses = _responses(unit, start, end)
    sums = {f"t{n}": Sum(f) for n, f in enumerate(regulation.FIELDS)}
    counts = {f"c{n}_{score}": Count("pk", filter=Q(**{f: score}))
              for n, f in enumerate(regulation.FIELDS) for score in regulation.SCALE}
    row = responses.aggregate(respondents=Count("pk"), **sums, **counts)
    respondents = row["respondents"] or 0
    totals = [row[f"t{n}"] or 0 for n in range(len(regulation.FIELDS))]
    result = regulation.index(totals, respondents)
    elements = [
        ElementRow(element, totals[n], result.means[n], result.weighted[n],
                   tuple(row[f"c{n}_{score}"] for score in regulation.SCALE))
        for n, element in enumerate(regulation.ELEMENTS)
    ] if result else []
    profile = _profile(responses, respondents) if with_profile and respondents else []
    return SkmSummary(unit, start, end, respondents, elements, result, profile)


def skm_summary_for(unit: Unit | None, period: Period, **kwargs) -> SkmSummary:
    return skm_summary(unit, period.start, period.end, **kwargs)


def _profile(responses, respondents: int) -> list[ProfileGroup]:
    groups = []
    for name, label, choices in regulation.PROFILE:
        counts = dict(responses.values_list(name).annotate(n=Count("pk")).values_list(name, "n"))
        rows = [(str(choice_label), counts.get(value, 0)) for value, choice_label in choices]
        groups.append(ProfileGroup(name, str(label), rows, counts.get("", 0)))
    return groups


def skm_by_unit(units, start: date, end: date) -> list[tuple[Unit, SkmSummary]]:
    """Each unit's index for the period (no profile), for the Pemda's overview."""
    return [(unit, skm_summary(unit, start, end, with_profile=False)) for unit in units]


def comments(unit: Unit | None, start: date, end: date, *, limit: int | None = COMMENTS_SHOWN) -> list[tuple[date, str]]:
    """The respondents' comments, newest first, with e-mail addresses, telephone and long numbers masked (a
    respondent may have written their own despite the form's advice)."""
    rows = _responses(unit, start, end).exclude(comment="").order_by("-answered_on", "-pk").values_list(
        "answered_on", "comment")
    if limit is not None:
        rows = rows[:limit]
    return [(day, scrub_text(text)) for day, text in rows]


# --- how the figures read -------------------------------------------------------------------------------------

def figure(value: Fraction | Decimal | None, places: int = 2) -> str:
    """A figure with the active language's decimal comma ("88,31"), half up; "–" when there is none."""
    if value is None:
        return "–"
    return number_format(regulation.rounded(value, Decimal(1).scaleb(-places)), places)


def category_text(category: regulation.Category | None) -> str:
    return f"{category.grade} ({category.label})" if category else "–"


def scope_name(summary: SkmSummary) -> str:
    return summary.unit.name if summary.unit else _("All units of the Pemda")


def period_text(summary: SkmSummary) -> str:
    return f"{day_label(summary.start)} – {day_label(summary.last_day)}"


def element_table(summary: SkmSummary) -> tuple[list[str], list[list[str]]]:
    """The annex's processing table, one row per element: header and rows of text."""
    header = [_("Element"), _("Sum of answers"), _("Mean (NRR)"), _("Weighted mean"), _("Value (×25)"),
              _("Quality")]
    rows = [[f"{row.element.code} {row.element.name}", number_format(row.total, force_grouping=True),
             figure(row.mean, 3), figure(row.weighted, 3), figure(row.ikm), category_text(row.category)]
            for row in summary.elements]
    return header, rows


# --- XLSX ------------------------------------------------------------------------------------------------------

def skm_xlsx(output: str | IO[bytes], summary: SkmSummary, *, with_answers: bool = True) -> None:
    """The SKM report as a workbook: the index, the elements, the profile, the comments and (for the unit's own
    processing, as the annex's format has it) every questionnaire's nine answers, one row each."""
    import xlsxwriter

    with override(REPORT_LANGUAGE):
        workbook = xlsxwriter.Workbook(output, {"constant_memory": True})
        workbook.set_properties({"title": _("Community satisfaction survey (SKM)"), "creator": "pengaduan",
                                 "author": scope_name(summary)})
        bold = workbook.add_format({"bold": True})
        head = workbook.add_format({"bold": True, "bg_color": "#E6E6E6", "border": 1, "text_wrap": True,
                                    "valign": "top"})
        number = workbook.add_format({"num_format": "0.000"})
        two = workbook.add_format({"num_format": "0.00"})

        sheet = workbook.add_worksheet(_("SKM"))
        sheet.set_column(0, 0, 46)
        sheet.set_column(1, 5, 14)
        sheet.write_string(0, 0, _("Community satisfaction survey (SKM) · PermenPANRB 14/2017"), bold)
        sheet.write_string(1, 0, f"{scope_name(summary)} · {period_text(summary)}")
        facts = [
            (_("Respondents"), summary.respondents, None),
            (_("Index (1–4, sum of the weighted means)"), float(summary.value) if summary.result else None, number),
            (_("IKM (×25)"), float(summary.ikm) if summary.result else None, two),
            (_("Quality (mutu)"), summary.category.grade if summary.category else None, None),
            (_("Performance of the unit"), str(summary.category.label) if summary.category else None, None),
        ]
        for index, (label, value, style) in enumerate(facts, start=3):
            sheet.write_string(index, 0, label)
            if value is None:
                sheet.write_string(index, 1, "–")
            elif isinstance(value, str):
                sheet.write_string(index, 1, value)
            else:
                sheet.write_number(index, 1, value, style)
        top = 3 + len(facts) + 1
        sheet.write_row(top, 0, [_("Element"), _("Sum of answers"), _("Mean (NRR)"), _("Weighted mean"),
                                 _("Value (×25)"), _("Quality")], head)
        for offset, row in enumerate(summary.elements, start=1):
            sheet.write_string(top + offset, 0, f"{row.element.code} {row.element.name}")
            sheet.write_number(top + offset, 1, row.total)
            sheet.write_number(top + offset, 2, float(row.mean), number)
            sheet.write_number(top + offset, 3, float(row.weighted), number)
            sheet.write_number(top + offset, 4, float(row.ikm), two)
            sheet.write_string(top + offset, 5, category_text(row.category))
        if not summary.elements:
            sheet.write_string(top + 1, 0, _("No survey was answered in this period."))

        profile = workbook.add_worksheet(_("Respondents"))
        profile.set_column(0, 0, 36)
        profile.set_column(1, 1, 14)
        line = 0
        for group in summary.profile:
            profile.write_row(line, 0, [group.label, _("Respondents")], head)
            for label, n in [*group.rows, (_("Not given"), group.not_given)]:
                line += 1
                profile.write_string(line, 0, label)
                profile.write_number(line, 1, n)
            line += 2

        notes = workbook.add_worksheet(_("Comments"))
        notes.set_column(0, 0, 12)
        notes.set_column(1, 1, 100)
        notes.write_row(0, 0, [_("Date"), _("Comment or suggestion")], head)
        for line, (day, text) in enumerate(comments(summary.unit, summary.start, summary.end, limit=None), start=1):
            notes.write_string(line, 0, day.strftime("%d/%m/%Y"))
            notes.write_string(line, 1, text)

        if with_answers:
            answers = workbook.add_worksheet(_("Answers"))
            answers.write_row(0, 0, [_("No."), *(element.code for element in regulation.ELEMENTS)], head)
            rows = _responses(summary.unit, summary.start, summary.end).order_by("answered_on", "pk").values_list(
                *regulation.FIELDS)
            for line, values in enumerate(rows.iterator(chunk_size=2000), start=1):
                answers.write_number(line, 0, line)
                for column, value in enumerate(values, start=1):
                    answers.write_number(line, column, value)
        workbook.close()


# --- PDF -------------------------------------------------------------------------------------------------------

def story(summary: SkmSummary, st, *, width: float, number: str = "", with_comments: bool = False) -> list:
    """The report's flowables (heading, index, elements, profile), in the periodic report's styles `st`."""
    from reportlab.lib.units import mm
    from reportlab.platypus import KeepTogether, Spacer, Table, TableStyle

    from pengaduan.reports.periodic import RULE, _grid, _row
    from pengaduan.typesetting import plain_paragraph

    title = _("Community satisfaction survey (SKM)")
    heading = plain_paragraph(f"{number} {title}".strip(), st["heading"])
    if not summary.respondents:
        return [heading, plain_paragraph(_("No survey was answered in this period."), st["base"])]
    category = summary.category
    facts = [
        (_("Respondents"), number_format(summary.respondents, force_grouping=True)),
        (_("Index (1–4, sum of the weighted means)"), figure(summary.value, 4)),
        (_("IKM (×25)"), figure(summary.ikm)),
        (_("Quality (mutu) and performance of the unit"), category_text(category)),
    ]
    box = Table([[plain_paragraph(label, st["base"]), plain_paragraph(value, st["base"])] for label, value in facts],
                colWidths=[90 * mm, width - 90 * mm], hAlign="LEFT")
    box.setStyle(TableStyle([("LINEBELOW", (0, 0), (-1, -1), 0.3, RULE), ("LEFTPADDING", (0, 0), (-1, -1), 2),
                             ("BOTTOMPADDING", (0, 0), (-1, -1), 3)]))
    header, rows = element_table(summary)
    data = [_row(header, st, head=True)] + [_row(row, st) for row in rows]
    widths = [62 * mm, 20 * mm, 20 * mm, 22 * mm, 20 * mm]
    elements = _grid(data, widths + [width - sum(widths)])
    note = _("NRR: the mean of the answers (1 to 4) to an element; weighted mean: NRR × 1/9; the index is their "
             "sum, and the IKM the index × 25. Quality: A 88,31–100 very good; B 76,61–88,30 good; C 65,00–76,60 "
             "less than good; D 25,00–64,99 not good (PermenPANRB 14/2017).")
    flow = [KeepTogether([heading, box, Spacer(0, 4), elements, Spacer(0, 2), plain_paragraph(note, st["note"])])]
    cells = []
    for group in summary.profile:
        group_data = [_row([group.label, _("Respondents")], st, head=True)]
        group_data += [_row([label, number_format(n)], st) for label, n in [*group.rows, (_("Not given"),
                                                                                            group.not_given)]]
        cells.append(_grid(group_data, [(width - 6 * mm) / 2 - 20 * mm, 20 * mm]))
    if cells:
        half = (width - 6 * mm) / 2
        pairs = [cells[i:i + 2] + [""] * (2 - len(cells[i:i + 2])) for i in range(0, len(cells), 2)]
        grid = Table([[left, "", right] for left, right in pairs], colWidths=[half, 6 * mm, half], hAlign="LEFT")
        grid.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                                  ("RIGHTPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), 6)]))
        flow += [Spacer(0, 4), plain_paragraph(_("Respondents' profile (as given; every item is optional)"),
                                               st["base"]), Spacer(0, 2), grid]
    if with_comments:
        given = comments(summary.unit, summary.start, summary.end)
        if given:
            flow.append(plain_paragraph(_("Comments and suggestions (the newest %(count)s)") % {"count": len(given)},
                                        st["base"]))
            table = [_row([_("Date"), _("Comment or suggestion")], st, head=True, numeric_from=9)]
            table += [_row([day.strftime("%d/%m/%Y"), text], st, numeric_from=9) for day, text in given]
            flow.append(_grid(table, [22 * mm, width - 22 * mm]))
    return flow


def periodic_section(summary: SkmSummary, st, *, width: float, number: str) -> list:
    """The periodic report's SKM section (reports/periodic.py)."""
    return story(summary, st, width=width, number=number)


def skm_pdf(summary: SkmSummary, *, now: datetime | None = None, compress: bool = True) -> bytes:
    """The SKM report as an A4 PDF (the yearly report), in Indonesian, with the unit's letterhead and signature."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import BaseDocTemplate, CondPageBreak, Frame, PageTemplate, Spacer

    from pengaduan.reports import periodic
    from pengaduan.typesetting import format_datetime_id, letterhead, plain_paragraph

    now = now or timezone.now()
    with override(REPORT_LANGUAGE):
        st = periodic._styles()
        width = periodic.CONTENT_WIDTH
        flow = [*letterhead(summary.unit)] if summary.unit else []
        flow += [
            plain_paragraph(_("REPORT OF THE COMMUNITY SATISFACTION SURVEY (SKM)"), st["title"]),
            plain_paragraph(f"{scope_name(summary)} · {period_text(summary)}", st["subtitle"]),
            Spacer(0, 6),
            *story(summary, st, width=width, with_comments=True),
        ]
        if summary.unit:
            flow += [Spacer(0, 10), CondPageBreak(45 * mm), periodic._signature(summary.unit, now, st)]
        printed = format_datetime_id(now)

        def footer(canvas, doc) -> None:
            canvas.saveState()
            line = plain_paragraph(_("SKM %(period)s · printed %(time)s · page %(page)s") % {
                "period": period_text(summary), "time": printed, "page": doc.page}, st["note"])
            line.wrap(width, periodic.MARGIN_BOTTOM)
            line.drawOn(canvas, periodic.MARGIN_LEFT, periodic.MARGIN_BOTTOM - 9 * mm)
            canvas.restoreState()

        buffer = BytesIO()
        doc = BaseDocTemplate(buffer, pagesize=A4, leftMargin=periodic.MARGIN_LEFT, rightMargin=periodic.MARGIN_RIGHT,
                              topMargin=periodic.MARGIN_TOP, bottomMargin=periodic.MARGIN_BOTTOM,
                              title=_("Community satisfaction survey (SKM)"), author=scope_name(summary),
                              creator="pengaduan", invariant=1, pageCompression=1 if compress else 0)
        doc.addPageTemplates([PageTemplate("page", [Frame(periodic.MARGIN_LEFT, periodic.MARGIN_BOTTOM, width,
                                                          A4[1] - periodic.MARGIN_TOP - periodic.MARGIN_BOTTOM,
                                                          leftPadding=0, rightPadding=0, topPadding=0,
                                                          bottomPadding=0)], onPage=footer)])
        doc.build(flow)
    return buffer.getvalue()
