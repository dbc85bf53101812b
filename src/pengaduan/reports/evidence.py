"""The evidence pack: what an assessor (the Ombudsman's compliance assessment, the APIP) asks to see about a
unit's complaint handling in a year, in one ZIP with an index PDF listing every file.

    with open("bukti.zip", "wb") as output:
        entries = evidence_pack(output, unit=unit, year=2026)

The pack is assembled by the section builders in `SECTIONS`, in order; each gets the `EvidenceContext` and
returns its `EvidenceItem`s (a file written into the context's work folder, or a note when there is nothing
to give). A new section (e.g. the SKM report) is one function appended with `register_section`. Files are
written to a temporary folder and streamed into the ZIP one by one, so a large register never sits in memory;
the index (`00-daftar-isi.pdf`) lists each file with its size and SHA-256 (all of them in `00-sha256sums.txt`),
so the assessor can check that nothing was changed after the pack was made.
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from io import BytesIO
from pathlib import Path
from typing import BinaryIO

from django.contrib.auth import get_user_model
from django.db.models import Count, Min
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, SimpleDocTemplate, Spacer, Table, TableStyle

from pengaduan.complaints import channels
from pengaduan.complaints.examinations import role_title as examiner_title
from pengaduan.complaints.models import AccessLog, Complaint
from pengaduan.reports.formatting import count, office_duration, percent
from pengaduan.reports.handovers import forward_figures
from pengaduan.reports.models import PeriodicReport
from pengaduan.reports.periodic import periodic_pdf
from pengaduan.reports.periods import MIN_YEAR, Period, month_label
from pengaduan.reports.register import REPORT_LANGUAGE, register_xlsx
from pengaduan.reports.schedule import head_role
from pengaduan.reports.selectors import (
    PeriodicFigures,
    examination_figures,
    periodic_figures,
    time_class_figures,
)
from pengaduan.reports.skm import skm_pdf, skm_summary_for, skm_xlsx
from pengaduan.reports.standard import service_standard, standard_pdf
from pengaduan.sop.models import Sop
from pengaduan.sop.printing import sop_sheet_pdf
from pengaduan.sop.selectors import current_sop
from pengaduan.typesetting import format_date_id, format_datetime_id, letterhead, plain_paragraph, report_styles
from pengaduan.units.models import Invitation, Membership, Unit

INDEX_NAME = "00-daftar-isi.pdf"
CHECKSUMS_NAME = "00-sha256sums.txt"  # `sha256sum -c 00-sha256sums.txt` checks every file at once


class EvidenceError(ValueError):
    """The pack cannot be made as asked (e.g. a year not yet begun); the message says why, for a person."""


@dataclass
class EvidenceItem:
    title: str  # what it is, for the index
    name: str = ""  # the file's name in the ZIP; empty: a note only
    path: Path | None = None  # where the builder wrote it
    note: str = ""


@dataclass
class EvidenceContext:
    unit: Unit
    year: int
    now: datetime
    work: Path  # a private temporary folder; builders write their files here

    @property
    def period(self) -> Period:
        return Period.year(self.year)

    @property
    def code(self) -> str:
        return self.unit.code

    @cached_property
    def figures(self) -> PeriodicFigures:
        return periodic_figures(unit=self.unit, period=self.period)

    def file(self, name: str, data: bytes) -> Path:
        path = self.work / name.replace("/", "_")
        path.write_bytes(data)
        return path


Section = Callable[[EvidenceContext], list[EvidenceItem]]


# -- plain tables as PDF ---------------------------------------------------------------------------------------

MARGIN = 18 * mm
WIDTH = A4[0] - 2 * MARGIN
SHADE = colors.Color(0.9, 0.9, 0.9)
RULE = colors.Color(0.45, 0.45, 0.45)


def _styles() -> dict[str, ParagraphStyle]:
    return report_styles()


@dataclass
class TableSection:
    heading: str
    header: list[str]
    rows: list[list[str]]
    widths: list[float] | None = None  # fractions of the width
    note: str = ""


def tables_pdf(ctx: EvidenceContext, title: str, sections: list[TableSection]) -> bytes:
    """A plain A4 document: letterhead, title, then each section as a table (Indonesian, as every report)."""
    st = _styles()
    story: list[Flowable] = [*letterhead(ctx.unit), plain_paragraph(title, st["title"]),
                             plain_paragraph(f"{ctx.unit.name} · {ctx.period.label}", st["subtitle"]), Spacer(0, 4)]
    for section in sections:
        widths = [WIDTH * share for share in (section.widths or [1 / len(section.header)] * len(section.header))]
        data = [[plain_paragraph(text, st["head"]) for text in section.header]]
        data += [[plain_paragraph(str(text), st["cell"]) for text in row] for row in section.rows]
        if not section.rows:
            data.append([plain_paragraph(_("none"), st["cell"])] + [""] * (len(section.header) - 1))
        table = Table(data, colWidths=widths, repeatRows=1, hAlign="LEFT")
        table.setStyle(TableStyle([
            ("VALIGN", (0, 0), (-1, -1), "TOP"), ("BACKGROUND", (0, 0), (-1, 0), SHADE),
            ("GRID", (0, 0), (-1, -1), 0.3, RULE), ("LEFTPADDING", (0, 0), (-1, -1), 3),
            ("RIGHTPADDING", (0, 0), (-1, -1), 3), ("TOPPADDING", (0, 0), (-1, -1), 2),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ]))
        block: list[Flowable] = [plain_paragraph(section.heading, st["heading"]), table]
        if section.note:
            block += [Spacer(0, 2), plain_paragraph(section.note, st["note"])]
        # A short table stays with its heading; a long one flows over pages (its header row repeated).
        story.extend([KeepTogether(block)] if len(section.rows) < 25 else block)
    printed = format_datetime_id(ctx.now)

    def footer(canvas, doc) -> None:
        canvas.saveState()
        line = plain_paragraph(_("%(title)s · printed %(time)s · page %(page)s")
                               % {"title": title, "time": printed, "page": doc.page}, st["note"])
        line.wrap(WIDTH, MARGIN)
        line.drawOn(canvas, MARGIN, MARGIN - 10 * mm)
        canvas.restoreState()

    buffer = BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=15 * mm,
                            bottomMargin=MARGIN, title=title, author=ctx.unit.name, creator="pengaduan", invariant=1)
    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()


# -- the sections ----------------------------------------------------------------------------------------------

def standard_section(ctx: EvidenceContext) -> list[EvidenceItem]:
    """The published service standard (as on the portal) and the SOP sheet(s) the year's complaints followed."""
    title = _("Published complaint handling service standard")
    standard = service_standard(ctx.unit)
    if standard is None:
        return [EvidenceItem(title, note=_("The unit's SOP is not loaded: no standard is published."))]
    name = f"01-standar-pelayanan-{ctx.code}.pdf"
    items = [EvidenceItem(title, name, ctx.file(name, standard_pdf(ctx.unit, now=ctx.now, standard=standard)))]
    start, end = ctx.period.bounds()
    used = set(Complaint.objects.filter(unit=ctx.unit, received_at__gte=start, received_at__lt=end)
               .values_list("sop_id", flat=True).distinct())
    sops = [sop for sop in Sop.objects.filter(code=ctx.unit.sop_code).order_by("version")
            if sop.pk in used or sop.pk == standard.sop.pk]
    for sop in sops:
        name = f"02-sop-{sop.code}-versi-{sop.version}.pdf"
        items.append(EvidenceItem(_("SOP %(code)s %(name)s, version %(version)s (loaded %(date)s), as the sheet")
                                  % {"code": sop.code, "name": sop.name, "version": sop.version,
                                     "date": format_date_id(sop.loaded_at)},
                                  name, ctx.file(name, sop_sheet_pdf(sop))))
    return items


def officers_section(ctx: EvidenceContext) -> list[EvidenceItem]:
    """Who holds which role in the unit, and since when (the membership's date, else the accepted invitation)."""
    sop = current_sop(ctx.unit)
    accepted = dict(Invitation.objects.filter(unit=ctx.unit, user__isnull=False).values("user")
                    .annotate(first=Min("accepted_at")).values_list("user", "first"))
    rows = []
    memberships = Membership.objects.filter(unit=ctx.unit).select_related("user").order_by("role", "user__username")
    for membership in memberships:
        user = membership.user
        since = membership.created_at or accepted.get(user.pk)
        rows.append([examiner_title(sop, membership.role) if sop else membership.role, membership.role,
                     user.get_full_name() or user.get_username(), user.get_username(),
                     format_date_id(since) if since else _("not recorded"),
                     _("active") if user.is_active else _("inactive")])
    head = head_role(ctx.unit)
    settings_rows = [
        [_("Role of the unit's head"), head],
        [_("Signer of letters"), " · ".join(filter(None, (ctx.unit.head_title, ctx.unit.head_name,
                                                          ctx.unit.head_nip)))],
        [_("Complaint officer named on the service standard"), ctx.unit.complaint_officer or _("(the first step's performer)")],
        [_("Escalation roles"), ", ".join(ctx.unit.escalation_roles or []) or _("(default)")],
    ]
    name = f"03-petugas-{ctx.code}.pdf"
    pdf = tables_pdf(ctx, _("OFFICER ASSIGNMENTS"), [
        TableSection(_("Officers and their roles"), [_("Role"), _("Code"), _("Name"), _("User name"), _("Since"),
                                                     _("Account")],
                     rows, [0.17, 0.13, 0.24, 0.16, 0.17, 0.13],
                     _("Since: when the role was given in this application (earlier roles: when the officer "
                       "accepted the invitation, else not recorded). The list is as it stands today.")),
        TableSection(_("Settings"), [_("Setting"), _("Value")], settings_rows, [0.4, 0.6]),
    ])
    return [EvidenceItem(_("Officer assignments: who holds which role, since when"), name, ctx.file(name, pdf))]


def register_section(ctx: EvidenceContext) -> list[EvidenceItem]:
    name = f"04-buku-pengaduan-{ctx.code}-{ctx.year}.xlsx"
    path = ctx.work / name
    entries = register_xlsx(str(path), unit=ctx.unit, period=ctx.period)
    return [EvidenceItem(_("Buku Pengaduan %(year)s (%(entries)s entries)") % {"year": ctx.year,
                                                                              "entries": count(entries)},
                         name, path)]


def periodic_section(ctx: EvidenceContext) -> list[EvidenceItem]:
    """The periodic reports of the year as they were sent, and the year's report as of today when it was not."""
    items = []
    reports = PeriodicReport.objects.filter(unit=ctx.unit, period_start__year=ctx.year).order_by("period_start",
                                                                                                  "kind")
    for report in reports:
        name = f"05-laporan-berkala/{report.file_name}"
        path = ctx.work / f"periodic-{report.pk}.pdf"
        with report.file.open("rb") as stored, path.open("wb") as copy:
            shutil.copyfileobj(stored, copy)
        kind = str(PeriodicReport.Kind(report.kind).label)
        items.append(EvidenceItem(_("%(kind)s report %(period)s, sent %(date)s") % {
            "kind": kind, "period": report.period_label,
            "date": format_date_id(report.generated_at)}, name, path))
    if not any(report.kind == "year" for report in reports):
        name = f"05-laporan-berkala/laporan-{ctx.code}-{ctx.year}-per-{timezone.localdate(ctx.now).isoformat()}.pdf"
        pdf = periodic_pdf(unit=ctx.unit, period=ctx.period, now=ctx.now, figures=ctx.figures)
        items.append(EvidenceItem(_("Report for the year %(year)s, made with this pack (as of %(date)s)")
                                  % {"year": ctx.year, "date": format_date_id(ctx.now)}, name,
                                  ctx.file(name, pdf)))
    return items


def compliance_section(ctx: EvidenceContext) -> list[EvidenceItem]:
    figures = ctx.figures
    answers = figures.answers
    steps = [[f"{row.step.number}. {row.step.label}", row.step.role_title, row.step.standard, count(row.done),
              percent(row.on_time_share), office_duration(row.median), office_duration(row.p90)]
             for row in figures.steps]
    months = [[month_label(row.month), count(received), count(row.answered), percent(row.within_sop_share),
               percent(row.on_time_share)] for received, row in zip(figures.received_by_month, figures.months)]
    summary = [
        [_("Complaints received"), count(figures.received)],
        [_("Complaints answered in the period"), count(answers.answered)],
        [_("Answered within the SOP's time"), f"{count(answers.within_sop)} ({percent(answers.within_sop_share)})"],
        [_("Still open at the end of the period"), count(figures.end.open)],
        [_("of which past a step's deadline"), count(figures.end.overdue)],
    ]
    # The no-reply class has no limit to keep: it counts the cases closed that way.
    time_classes = [[row.label, str(row.limit), count(row.measured),
                     "–" if row.measure == "no_reply" else percent(row.within_share), row.sop_standard or "–",
                     percent(row.sop_share) if row.sop_standard else "–"]
                    for row in time_class_figures(unit=ctx.unit, period=ctx.period)]
    name = f"06-kepatuhan-sop-{ctx.code}-{ctx.year}.pdf"
    pdf = tables_pdf(ctx, _("SOP COMPLIANCE"), [
        TableSection(_("Summary"), [_("Figure"), _("Number")], summary, [0.7, 0.3]),
        TableSection(_("SOP compliance per step"), [_("Step"), _("Performer"), _("Standard (Mutu Baku)"), _("Done"),
                                                    _("On time"), _("Median"), _("90th percentile")],
                     steps, [0.26, 0.12, 0.14, 0.09, 0.1, 0.145, 0.145],
                     _("Durations are office time, without the time spent waiting for the complainant.")),
        TableSection(_("Month by month"), [_("Month"), _("Received"), _("Answered"), _("Answered within the SOP"),
                                           _("Steps on time")], months),
        TableSection(_("SP4N-LAPOR! time classes beside the Mutu Baku"),
                     [_("Time class"), _("LAPOR! limit"), _("Cases"), _("Within the class"),
                      _("Standard (Mutu Baku)"), _("Within the SOP")], time_classes,
                     [0.26, 0.14, 0.08, 0.12, 0.28, 0.12]),
    ])
    return [EvidenceItem(_("SOP compliance figures of the year (per step and month)"), name, ctx.file(name, pdf))]


def channels_section(ctx: EvidenceContext) -> list[EvidenceItem]:
    """The channels the unit offers and how many complaints came through each in the year."""
    received = {str(label): n for label, n in
                next((b.rows for b in ctx.figures.breakdowns if b.title == _("Channel")), [])}
    rows = [[str(channel.label), count(received.get(str(channel.label), 0)),
             _("yes") if received.get(str(channel.label)) else _("no")]
            for channel in channels.all_channels()]
    standard = service_standard(ctx.unit)
    published = [[c.name, c.how] for c in standard.channels] if standard else []
    name = f"07-saluran-{ctx.code}-{ctx.year}.pdf"
    pdf = tables_pdf(ctx, _("COMPLAINT CHANNELS"), [
        TableSection(_("Complaints received per channel"), [_("Channel"), _("Received"), _("In use")], rows,
                     [0.5, 0.25, 0.25]),
        TableSection(_("Channels published on the service standard"), [_("Channel"), _("How")], published,
                     [0.3, 0.7]),
    ])
    return [EvidenceItem(_("Channels in use"), name, ctx.file(name, pdf))]


def access_log_section(ctx: EvidenceContext) -> list[EvidenceItem]:
    """A summary of the personal-data access log (UU 27/2022) for the unit's complaints: counts, no names of
    complainants."""
    start, end = ctx.period.bounds()
    log = AccessLog.objects.filter(complaint__unit=ctx.unit, at__gte=start, at__lt=end)
    actions = dict(AccessLog.Action.choices)
    by_action = [[str(actions.get(action, action)), count(n)] for action, n in
                 log.values_list("action").annotate(n=Count("pk")).order_by("action").values_list("action", "n")]
    by_month = [[month_label(timezone.localtime(month).date()), count(n)] for month, n in
                log.annotate(month=TruncMonth("at")).values_list("month").annotate(n=Count("pk"))
                .order_by("month").values_list("month", "n")]
    users = get_user_model().objects.in_bulk(list(log.values_list("user", flat=True).distinct()))
    by_user = [[(users[user].get_full_name() or users[user].get_username()) if user in users else _("(system)"),
                count(n)] for user, n in
               log.values_list("user").annotate(n=Count("pk")).order_by("-n").values_list("user", "n")]
    name = f"08-log-akses-data-pribadi-{ctx.code}-{ctx.year}.pdf"
    pdf = tables_pdf(ctx, _("PERSONAL DATA ACCESS LOG: SUMMARY"), [
        TableSection(_("Entries by action"), [_("Action"), _("Entries")], by_action, [0.7, 0.3]),
        TableSection(_("Entries by month"), [_("Month"), _("Entries")], by_month, [0.7, 0.3]),
        TableSection(_("Entries by officer"), [_("Officer"), _("Entries")], by_user, [0.7, 0.3],
                     _("The full log, with each complaint, is kept in the application for the data-protection "
                       "officer.")),
    ])
    return [EvidenceItem(_("Personal data access log, summary"), name, ctx.file(name, pdf))]


def handovers_section(ctx: EvidenceContext) -> list[EvidenceItem]:
    forwards = forward_figures(unit=ctx.unit, period=ctx.period, now=ctx.now)
    exams = examination_figures(unit=ctx.unit, period=ctx.period, now=ctx.now)
    forward_rows = [
        [_("Forwarded in the period"), count(forwards.forwarded)],
        [_("to another unit of the Pemda"), count(forwards.to_units)],
        [_("to a body outside the Pemda"), count(forwards.to_outside)],
        [_("answered (today)"), count(forwards.answered)],
        [_("returned (today)"), count(forwards.returned)],
        [_("still monitored (today)"), count(forwards.monitoring)],
        [_("Received from other units in the period"), count(forwards.received)],
    ]
    exam_rows = [
        [_("Examinations ordered in the period"), count(exams.ordered)],
        [_("Reports (LHP) handed in"), count(exams.reported)],
        [_("of which on time"), f"{count(exams.on_time)} ({percent(exams.on_time_share)})"],
        [_("Median office time to the report"), office_duration(exams.median)],
        *[[_("Outcome: %(outcome)s") % {"outcome": label}, count(n)] for label, n in exams.outcomes],
        [_("Open now / of which past the deadline"), f"{count(exams.open)} / {count(exams.overdue)}"],
    ]
    name = f"09-pelimpahan-pemeriksaan-{ctx.code}-{ctx.year}.pdf"
    pdf = tables_pdf(ctx, _("FORWARDED AND EXAMINED CASES"), [
        TableSection(_("Forwarded cases"), [_("Figure"), _("Number")], forward_rows, [0.7, 0.3]),
        TableSection(_("Forwarded to"), [_("Unit or body"), _("Number")],
                     [[target, count(n)] for target, n in forwards.targets or []], [0.7, 0.3]),
        TableSection(_("Examined cases"), [_("Figure"), _("Number")], exam_rows, [0.7, 0.3]),
    ])
    return [EvidenceItem(_("Forwarded and examined cases: counts"), name, ctx.file(name, pdf))]


def skm_section(ctx: EvidenceContext) -> list[EvidenceItem]:
    """The year's Survei Kepuasan Masyarakat (PermenPANRB 14/2017): the report and its questionnaire data."""
    summary = skm_summary_for(ctx.unit, ctx.period)
    pdf_name, xlsx_name = f"10-skm-{ctx.code}-{ctx.year}.pdf", f"10-skm-{ctx.code}-{ctx.year}.xlsx"
    pdf = ctx.file(pdf_name, skm_pdf(summary, now=ctx.now))
    xlsx = ctx.work / xlsx_name
    skm_xlsx(str(xlsx), summary)
    return [EvidenceItem(_("Community satisfaction survey (SKM) of the year"), pdf_name, pdf),
            EvidenceItem(_("SKM questionnaires, one row each (no identity)"), xlsx_name, xlsx)]


# The pack, in order. A section added later (the SKM report, say) is one function: register_section(skm_section).
SECTIONS: list[Section] = [
    standard_section,
    officers_section,
    register_section,
    periodic_section,
    compliance_section,
    channels_section,
    access_log_section,
    handovers_section,
    skm_section,
]


def add_section(section: Section, *, before: Section | None = None) -> None:
    """Add a section builder to every pack (at the end, or before another one). Idempotent."""
    if section in SECTIONS:
        return
    SECTIONS.insert(SECTIONS.index(before) if before in SECTIONS else len(SECTIONS), section)


# -- the pack --------------------------------------------------------------------------------------------------

@dataclass
class EvidenceEntry:
    title: str
    name: str
    size: int = 0
    sha256: str = ""
    note: str = ""


@dataclass
class EvidencePack:
    unit: Unit
    year: int
    entries: list[EvidenceEntry] = field(default_factory=list)

    @property
    def files(self) -> list[str]:
        return [INDEX_NAME, CHECKSUMS_NAME, *[entry.name for entry in self.entries if entry.name]]


def check_year(year: int, *, now: datetime | None = None) -> None:
    this_year = timezone.localdate(now or timezone.now()).year
    if not MIN_YEAR <= year <= this_year:
        raise EvidenceError(_("There is no evidence pack for %(year)s: choose a year from %(first)s to %(last)s.")
                            % {"year": year, "first": MIN_YEAR, "last": this_year})


def _digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as source:
        for chunk in iter(lambda: source.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _index_pdf(ctx: EvidenceContext, entries: list[EvidenceEntry]) -> bytes:
    rows = [[str(number), entry.name or "–", entry.title + (f" ({entry.note})" if entry.note else ""),
             count(entry.size) if entry.name else "", entry.sha256[:16] if entry.sha256 else ""]
            for number, entry in enumerate(entries, 1)]
    return tables_pdf(ctx, _("EVIDENCE OF COMPLAINT HANDLING: LIST OF CONTENTS"), [
        TableSection(_("Files in this pack"), [_("No."), _("File"), _("What it is"), _("Bytes"), _("SHA-256 (start)")],
                     rows, [0.06, 0.3, 0.38, 0.1, 0.16],
                     _("Made %(time)s. Each file's SHA-256 fingerprint (its first 16 characters here) lets the "
                       "reader check that it is the file this pack was made with.")
                     % {"time": format_datetime_id(ctx.now)}),
    ])


def evidence_pack(output: BinaryIO, *, unit: Unit, year: int, now: datetime | None = None) -> EvidencePack:
    """Write the unit's evidence pack for `year` as a ZIP to `output` (a writable binary file); returns what
    it holds. EvidenceError for a year that cannot be reported."""
    now = now or timezone.now()
    check_year(year, now=now)
    pack = EvidencePack(unit, year)
    with override(REPORT_LANGUAGE), tempfile.TemporaryDirectory(prefix="evidence-") as work, \
            zipfile.ZipFile(output, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        ctx = EvidenceContext(unit=unit, year=year, now=now, work=Path(work))
        for section in SECTIONS:
            for item in section(ctx):
                entry = EvidenceEntry(item.title, item.name, note=item.note)
                if item.path is not None:
                    entry.size, entry.sha256 = item.path.stat().st_size, _digest(item.path)
                    archive.write(item.path, item.name)
                    item.path.unlink()  # the pack holds it now: the work folder stays small
                pack.entries.append(entry)
        archive.writestr(INDEX_NAME, _index_pdf(ctx, pack.entries))
        archive.writestr(CHECKSUMS_NAME, "".join(f"{entry.sha256}  {entry.name}\n" for entry in pack.entries
                                                 if entry.name))
    return pack
