"""The public service standard (standar pelayanan) of a unit's complaint handling, as citizens read it.

UU 25/2009 asks every provider to publish its service standard and to offer a complaint channel with staff to
handle it; Perpres 76/2013 asks for a written procedure, a named handler, and handling free of charge. This
module turns the unit's loaded SOP (its steps, performers and office-time limits) and the unit's settings
(office hours, channels, maklumat pelayanan, complaint officer) into that standard: one read for the portal
page (`service_standard`) and the same content as an A4 PDF (`standard_pdf`) that the evidence pack keeps.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from io import BytesIO
from xml.sax.saxutils import escape

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from pengaduan.complaints.examinations import role_title as examiner_title
from pengaduan.complaints.kinds import kinds
from pengaduan.complaints.examinations import rules_for
from pengaduan.complaints.page import public_stage
from pengaduan.sop.models import Sop
from pengaduan.sop.selectors import current_sop, monitoring_period
from pengaduan.typesetting import format_datetime_id, letterhead, plain_paragraph, report_styles
from pengaduan.notifications.models import MessagingNumber
from pengaduan.units.models import Unit
from pengaduan.workcalendar.durations import Duration, DurationUnit
from pengaduan.workcalendar.services import office_hours_summary


def plain_duration(duration: Duration) -> str:
    """A duration in plain words: "30 minutes of office hours", "10 working days"."""
    n = duration.amount
    if duration.unit is DurationUnit.MINUTES:
        return ngettext("%(n)s minute of office hours", "%(n)s minutes of office hours", n) % {"n": n}
    if duration.unit is DurationUnit.HOURS:
        return ngettext("%(n)s hour of office hours", "%(n)s hours of office hours", n) % {"n": n}
    if duration.unit is DurationUnit.WORKING_DAYS:
        return ngettext("%(n)s working day", "%(n)s working days", n) % {"n": n}
    return ngettext("%(n)s calendar day", "%(n)s calendar days", n) % {"n": n}


def plain_time_limit(duration: Duration) -> str:
    """A step's time limit in plain words: "at most 30 minutes of office hours", "at most 10 working days"."""
    return _("at most %(duration)s") % {"duration": plain_duration(duration)}


def default_maklumat(unit: Unit) -> str:
    """The pledge in the usual wording of a maklumat pelayanan, when the unit has not written its own."""
    return _("We, %(unit)s, pledge to handle every complaint according to this service standard, courteously, "
             "free of charge and protecting the complainant's identity. If we do not keep this pledge, we are "
             "ready to accept sanctions in accordance with the laws and regulations in force.") % {"unit": unit.name}


@dataclass(frozen=True)
class StandardStep:
    number: int
    what: str  # what happens, in the complainant's words
    who: str  # the performer's title
    description: str  # the SOP's Uraian Prosedur
    time_limit: str  # in plain words
    time_limit_sop: str  # the SOP's Waktu column, as written
    output: str


@dataclass(frozen=True)
class Channel:
    name: str
    how: str


@dataclass
class ServiceStandard:
    unit: Unit
    sop: Sop
    steps: list[StandardStep]
    channels: list[Channel]
    hours: list[tuple[str, str]]
    rights: list[str]
    maklumat: str
    maklumat_is_default: bool
    officer: str
    officer_contacts: list[str]
    legal_basis: list[str]
    extra_rules: list[str] = field(default_factory=list)  # examinations, forwarding
    signer: list[str] = field(default_factory=list)


LAWS = (
    "Undang-Undang Nomor 25 Tahun 2009 tentang Pelayanan Publik",
    "Peraturan Presiden Nomor 76 Tahun 2013 tentang Pengelolaan Pengaduan Pelayanan Publik",
)


def _rights() -> list[str]:
    # The framing of UU 25/2009 and Perpres 76/2013 (docs: /work/shared/DOMAIN.md); only articles we could confirm.
    return [
        _("Complaining is free of charge (Perpres 76/2013)."),
        _("Your complaint is accepted whichever unit you send it to: when another unit or body is competent, we "
          "forward it and follow it up until it is answered (Perpres 76/2013)."),
        _("You may complain anonymously, or ask that your identity be kept confidential; your identity is "
          "protected (UU 25/2009, Perpres 76/2013)."),
        _("You receive a receipt with a tracking code, and may follow every step of your complaint until it is "
          "answered."),
        _("Your complaint is settled fast and completely, within the time limits of this standard (UU 25/2009, "
          "Pasal 37), and you receive a written answer."),
        _("Our officers are courteous and friendly to every complainant."),
        _("If you are not satisfied with the handling, you may take your complaint to the Ombudsman of the "
          "Republic of Indonesia (UU 25/2009, Pasal 46)."),
        _("You may see the personal data we hold about you and how it was processed (UU 27/2022)."),
    ]


def _channels(unit: Unit) -> list[Channel]:
    address = f", {unit.address}" if unit.address else ""
    found = [Channel(_("Online"), _("with the form on this site, any time."))]
    found.append(Channel(_("In person"), _("in our complaint room%(address)s, during office hours.")
                         % {"address": address}))
    if unit.phone:
        found.append(Channel(_("Telephone"), _("%(phone)s, during office hours.") % {"phone": unit.phone}))
    found.append(Channel(_("Letter"), _("addressed to %(unit)s%(address)s.") % {"unit": unit.name,
                                                                               "address": address}))
    found.append(Channel(_("Complaint box"), _("at our office; the box is opened every working day.")))
    if unit.email:
        found.append(Channel(_("E-mail"), unit.email))
    # The unit's WhatsApp and SMS numbers (the admin's "WhatsApp / SMS numbers"), as complainants write to them.
    for number in MessagingNumber.objects.filter(unit=unit).exclude(display_number="").order_by("medium"):
        found.append(Channel(number.get_medium_display(), _("%(number)s, any time; we answer during office hours.")
                             % {"number": number.display_number}))
    found.append(Channel("SP4N-LAPOR!", _("the national complaint portal, lapor.go.id, or SMS 1708.")))
    return found


def _extra_rules(sop: Sop, steps) -> list[str]:
    rules = []
    # Only a step that decides the follow-up can order an examination or forward the complaint.
    deciding = set(kinds.names_having("produces_decision"))
    if any(step.kind in deciding for step in steps):
        examination = rules_for(sop)
        rules.append(_("When a complaint needs an examination, %(examiner)s examines it, %(limit)s; the decision "
                       "follows the examination report.")
                     % {"examiner": examiner_title(sop, examination.role),
                        "limit": plain_time_limit(examination.duration)})
        rules.append(_("When another unit or body is competent, we forward the complaint and tell you where it "
                       "went; we follow it up every %(period)s until it is answered.")
                     % {"period": plain_duration(monitoring_period(sop))})
    rules.append(_("Minutes and hours count office hours only; days count working days (not weekends, national "
                   "holidays or cuti bersama). The clock stops while we wait for your reply to a question."))
    return rules


def _officer(unit: Unit, sop: Sop, steps) -> tuple[str, list[str]]:
    contacts = [c for c in (unit.phone, unit.email) if c]
    if unit.complaint_officer:
        return unit.complaint_officer, contacts
    first = steps[0] if steps else None
    title = sop.role_title(first.performer) if first else ""
    return (_("The complaint officer (%(title)s) of %(unit)s") % {"title": title, "unit": unit.name} if title
            else unit.name), contacts


def service_standard(unit: Unit) -> ServiceStandard | None:
    """The unit's service standard for complaints, from its current SOP and settings; None without a loaded SOP."""
    sop = current_sop(unit)
    if sop is None:
        return None
    steps = list(sop.steps.all())
    officer, contacts = _officer(unit, sop, steps)
    identity = (sop.document or {}).get("sop", {})
    signer = [line for line in (unit.head_title, unit.head_name) if line]
    return ServiceStandard(
        unit=unit, sop=sop,
        steps=[StandardStep(step.number, public_stage(step.kind), sop.role_title(step.performer), step.description,
                            plain_time_limit(step.duration), step.time_limit_text, step.output) for step in steps],
        channels=_channels(unit), hours=office_hours_summary(unit), rights=_rights(),
        maklumat=unit.maklumat.strip() or default_maklumat(unit), maklumat_is_default=not unit.maklumat.strip(),
        officer=officer, officer_contacts=contacts,
        legal_basis=[*LAWS, *[law for law in identity.get("legal_basis", []) if law not in LAWS]],
        extra_rules=_extra_rules(sop, steps), signer=signer,
    )


# -- the printed standard ---------------------------------------------------------------------------------------

MARGIN = 20 * mm
WIDTH = A4[0] - 2 * MARGIN
RULE = colors.Color(0.45, 0.45, 0.45)
SHADE = colors.Color(0.9, 0.9, 0.9)


def _styles() -> dict[str, ParagraphStyle]:
    st = report_styles(larger=0.5)
    st["item"] = ParagraphStyle("item", st["base"], leftIndent=10, bulletIndent=0, spaceAfter=1.5)
    return st


def _table(rows: list[list[str]], widths: list[float], st) -> Table:
    data = [[plain_paragraph(text, st["head"] if index == 0 else st["cell"]) for text in row]
            for index, row in enumerate(rows)]
    table = Table(data, colWidths=widths, repeatRows=1, hAlign="LEFT")
    table.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "TOP"), ("BACKGROUND", (0, 0), (-1, 0), SHADE),
        ("GRID", (0, 0), (-1, -1), 0.3, RULE), ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3), ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]))
    return table


def _items(texts: list[str], st) -> list[Paragraph]:
    return [Paragraph(escape(text), st["item"], bulletText="\u2022") for text in texts]


def standard_pdf(unit: Unit, *, now: datetime | None = None, standard: ServiceStandard | None = None) -> bytes:
    """The service standard as an A4 PDF, in the active language (Indonesian by default). ValueError without an
    SOP."""
    standard = standard or service_standard(unit)
    if standard is None:
        raise ValueError(f"the unit {unit.code} has no loaded SOP")
    now = now or timezone.now()
    st = _styles()
    story = [
        *letterhead(unit),
        plain_paragraph(_("COMPLAINT HANDLING SERVICE STANDARD"), st["title"]),
        plain_paragraph(_("%(unit)s · SOP %(code)s %(name)s") % {"unit": unit.name, "code": standard.sop.code,
                                                                  "name": standard.sop.name}, st["subtitle"]),
        Spacer(0, 6),
        plain_paragraph(_("1. What happens to your complaint"), st["heading"]),
        _table([[_("No."), _("What happens"), _("Who"), _("Time limit")]]
               + [[str(s.number), f"{s.what}. {s.description}", s.who, s.time_limit] for s in standard.steps],
               [10 * mm, WIDTH - 80 * mm, 30 * mm, 40 * mm], st),
        Spacer(0, 3),
        *_items(standard.extra_rules, st),
        plain_paragraph(_("2. Ways to complain"), st["heading"]),
        *_items([f"{c.name}: {c.how}" for c in standard.channels], st),
        KeepTogether([plain_paragraph(_("3. Office hours"), st["heading"]),
                      *_items([f"{days}: {hours}" for days, hours in standard.hours], st),
                      plain_paragraph(_("Closed on national holidays and cuti bersama."), st["note"])]),
        plain_paragraph(_("4. Your rights"), st["heading"]),
        *_items(standard.rights, st),
        KeepTogether([plain_paragraph(_("5. Complaint officer"), st["heading"]),
                      plain_paragraph(standard.officer, st["base"]),
                      *[plain_paragraph(contact, st["base"]) for contact in standard.officer_contacts]]),
        plain_paragraph(_("6. Legal basis"), st["heading"]),
        *_items(standard.legal_basis, st),
        KeepTogether([plain_paragraph(_("7. Service pledge (maklumat pelayanan)"), st["heading"]),
                      plain_paragraph(standard.maklumat, st["base"]), Spacer(0, 8),
                      *[plain_paragraph(line, st["base"]) for line in standard.signer]]),
    ]
    printed = format_datetime_id(now)

    def footer(canvas, doc) -> None:
        canvas.saveState()
        line = plain_paragraph(_("Service standard %(unit)s · SOP %(code)s version %(version)s · printed %(time)s · "
                                 "page %(page)s") % {"unit": unit.name, "code": standard.sop.code,
                                                     "version": standard.sop.version, "time": printed,
                                                     "page": doc.page}, st["note"])
        line.wrap(WIDTH, MARGIN)
        line.drawOn(canvas, MARGIN, MARGIN - 10 * mm)
        canvas.restoreState()

    buffer = BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=15 * mm,
                            bottomMargin=MARGIN, title=_("Service standard %(unit)s") % {"unit": unit.name},
                            author=unit.name, creator="pengaduan", invariant=1)
    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()
