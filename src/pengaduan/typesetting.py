"""What our printed documents (the receipt, the answer letter, the SOP sheet, the reports) share: Indonesian
dates, the letterhead and the verification stamp.

Documents are printed on cheap office printers: black on white, ReportLab's built-in fonts only
(Helvetica), no downloaded fonts. Two images only, both because an official letter needs them: the unit's
logo in the letterhead (a kop surat without the regional emblem is not taken for an official letter; the logo
passed the upload checks and is drawn small, so it prints on any printer), and the QR code that leads to
the verification page (drawn as vector squares, not an image). A logo that cannot be read is left out rather
than failing the letter.
"""

import logging
import re
from datetime import date, datetime
from io import BytesIO
from typing import Protocol
from xml.sax.saxutils import escape
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.platypus import Flowable, HRFlowable, Image, Paragraph, Table, TableStyle

from pengaduan.units.models import Unit

# Indonesian names, independent of the OS locale (servers rarely have id_ID installed).
DAY_NAMES_ID: tuple[str, ...] = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")
MONTH_NAMES_ID: tuple[str, ...] = (
    "Januari", "Februari", "Maret", "April", "Mei", "Juni",
    "Juli", "Agustus", "September", "Oktober", "November", "Desember",
)  # fmt: skip
# Indonesia's three time zones by their everyday names; anything else falls back to the zone's own abbreviation.
ZONE_NAMES_ID: dict[str, str] = {
    "Asia/Jakarta": "WIB", "Asia/Pontianak": "WIB",
    "Asia/Makassar": "WITA", "Asia/Jayapura": "WIT",
}  # fmt: skip

INK = colors.black
LOGO_SIZE = 22 * mm
QR_SIZE = 22 * mm

logger = logging.getLogger(__name__)

# "Pemerintah Kota Madiun" -> region "Kota Madiun", city "Madiun".
_GOVERNMENT = re.compile(r"^\s*pemerintah\s+", re.I)
_CITY = re.compile(r"^\s*(?:pemerintah\s+)?(?:kota|kabupaten|kab\.)\s+(?P<city>.+?)\s*$", re.I)


def local_datetime(dt: datetime) -> datetime:
    """`dt` in the project's time zone; naive datetimes are taken to be in it already."""
    tz = ZoneInfo(settings.TIME_ZONE)
    if timezone.is_naive(dt):
        return dt.replace(tzinfo=tz)
    return dt.astimezone(tz)


def format_date_id(day: date) -> str:
    """`20 November 2026` — the date as written in Indonesian letters (a datetime: its local day)."""
    if isinstance(day, datetime):
        day = local_datetime(day)
    return f"{day.day} {MONTH_NAMES_ID[day.month - 1]} {day.year}"


def format_datetime_id(dt: datetime) -> str:
    """`Senin, 30 November 2026 pukul 08.15 WIB` — in the project's time zone, as an Indonesian office writes it.

    Naive datetimes are taken to be in settings.TIME_ZONE already.
    """
    local = local_datetime(dt)
    zone = ZONE_NAMES_ID.get(settings.TIME_ZONE) or local.tzname() or settings.TIME_ZONE
    return f"{DAY_NAMES_ID[local.weekday()]}, {format_date_id(local)} pukul {local:%H.%M} {zone}"


def report_styles(*, larger: float = 0) -> dict[str, ParagraphStyle]:
    """The paragraph styles of our tabular reports (the printed service standard, the evidence pack's tables):
    body, table cell and head, title, subtitle, section heading and note; `larger` points on every size (a page
    with fewer, wider columns reads better a little larger)."""
    base = ParagraphStyle("base", fontName="Helvetica", fontSize=9 + larger, leading=11.5 + 2 * larger,
                          textColor=INK)
    return {
        "base": base,
        "cell": ParagraphStyle("cell", base, fontSize=8 + larger, leading=10 + larger),
        "head": ParagraphStyle("head", base, fontName="Helvetica-Bold", fontSize=8 + larger, leading=10 + larger),
        "title": ParagraphStyle("title", base, fontName="Helvetica-Bold", fontSize=12.5 + larger,
                                leading=16 + 2 * larger, alignment=1),
        "subtitle": ParagraphStyle("subtitle", base, fontSize=10, leading=13, alignment=1),
        "heading": ParagraphStyle("heading", base, fontName="Helvetica-Bold", fontSize=10 + larger,
                                  leading=13 + 2 * larger, spaceBefore=8 + 2 * larger, spaceAfter=3),
        "note": ParagraphStyle("note", base, fontSize=7.5 + larger, leading=9.5 + larger,
                               textColor=colors.Color(0.25, 0.25, 0.25)),
    }


def plain_paragraph(text: str, style: ParagraphStyle) -> Paragraph:
    """A paragraph of plain (user-supplied or translated) text: escaped, so `<` or `&` cannot break the markup."""
    return Paragraph(escape(text), style)


def city_of(unit: Unit) -> str:
    """The city a unit's letters are dated from: "Pemerintah Kota Madiun" -> "Madiun"; unknown -> ""."""
    match = _CITY.match(unit.parent_name or "")
    if not match:
        return ""
    city = match.group("city")
    return city.title() if city.isupper() else city


def unit_name_in_letterhead(unit: Unit) -> str:
    """The unit's name under the government's: "Inspektorat Kota Madiun" under "Pemerintah Kota Madiun" is
    "Inspektorat" (the region is said once, in the line above)."""
    name = unit.name.strip()
    region = _GOVERNMENT.sub("", unit.parent_name or "").strip()
    if region and name.lower().endswith(" " + region.lower()):
        shortened = name[: -len(region)].strip()
        if shortened:
            return shortened
    return name


def _letterhead_styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("letterhead", fontName="Helvetica", fontSize=9, leading=12, textColor=INK,
                          alignment=TA_CENTER)
    return {
        "gov": ParagraphStyle("gov", base, fontName="Helvetica-Bold", fontSize=13, leading=16),
        "unit": ParagraphStyle("unit", base, fontName="Helvetica-Bold", fontSize=17, leading=21),
        "contact": base,
    }


def _display_url(url: str) -> str:
    return re.sub(r"^https?://", "", url).rstrip("/")


def _logo(unit: Unit) -> Image | None:
    """The unit's logo at letterhead size, its proportions kept; None without one or when it cannot be read."""
    if not unit.logo:
        return None
    try:
        with unit.logo.open("rb") as handle:
            data = BytesIO(handle.read())
        width, height = ImageReader(data).getSize()
        data.seek(0)
    except Exception:  # a missing or damaged file must not stop a letter
        logger.warning("The logo of unit %s cannot be read; the letterhead is printed without it.", unit.code)
        return None
    scale = LOGO_SIZE / max(width, height)
    return Image(data, width=width * scale, height=height * scale)


def letterhead(unit: Unit, *, width: float | None = None) -> list[Flowable]:
    """The kop surat: the logo on the left, government, unit, address and contacts centred, over the double
    rule. `width` is the frame's width (needed to centre the text beside a logo)."""
    flow = _letterhead_text(unit)
    logo = _logo(unit)
    if logo is not None and width:
        # The text is centred on the page, as without a logo: the logo's column is mirrored by an empty one.
        side = LOGO_SIZE + 2 * mm
        table = Table([[logo, flow, ""]], colWidths=[side, width - 2 * side, side])
        table.setStyle(TableStyle([
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("ALIGN", (0, 0), (0, 0), "LEFT"),
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ("TOPPADDING", (0, 0), (-1, -1), 0),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
        ]))
        flow = [table]
    # The double rule of an Indonesian letterhead: thick over thin.
    flow.append(HRFlowable(width="100%", thickness=1.6, color=INK, spaceBefore=5, spaceAfter=1.2))
    flow.append(HRFlowable(width="100%", thickness=0.5, color=INK, spaceBefore=0, spaceAfter=8))
    return flow


def _letterhead_text(unit: Unit) -> list[Flowable]:
    st = _letterhead_styles()
    flow: list[Flowable] = []
    if unit.parent_name:
        flow.append(plain_paragraph(unit.parent_name.upper(), st["gov"]))
    flow.append(plain_paragraph(unit_name_in_letterhead(unit).upper(), st["unit"]))
    lines = [
        [unit.address, _("Tel. %(phone)s") % {"phone": unit.phone} if unit.phone else ""],
        [
            _("E-mail: %(email)s") % {"email": unit.email} if unit.email else "",
            _("Website: %(url)s") % {"url": _display_url(unit.website)} if unit.website else "",
        ],
    ]
    for parts in lines:
        if parts := [part for part in parts if part]:
            flow.append(plain_paragraph(" \u00b7 ".join(parts), st["contact"]))
    return flow


# --- the verification stamp --------------------------------------------------------------------------------

class VerificationStamp(Protocol):
    """What a document prints to be verified (documents.verification.Stamp)."""

    @property
    def url(self) -> str: ...

    @property
    def display_code(self) -> str: ...


class QrCode(Flowable):
    """A QR code of `value`, black on white, drawn as vector squares."""

    def __init__(self, value: str, size: float = QR_SIZE):
        super().__init__()
        self.value, self.size = value, size

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return self.size, self.size

    def draw(self) -> None:
        widget = QrCodeWidget(self.value, barLevel="M", barFillColor=INK, barStrokeColor=INK)
        x1, y1, x2, y2 = widget.getBounds()
        drawing = Drawing(self.size, self.size,
                          transform=[self.size / (x2 - x1), 0, 0, self.size / (y2 - y1), 0, 0])
        drawing.add(widget)
        drawing.drawOn(self.canv, 0, 0)


def verification_block(stamp: VerificationStamp, *, width: float, font_size: float = 8) -> Table:
    """The QR code beside the sentence that says where and how to check the document (the address printed in
    full, for readers without a QR app)."""
    style = ParagraphStyle("verify", fontName="Helvetica", fontSize=font_size, leading=font_size * 1.3,
                           textColor=INK)
    lines = [
        plain_paragraph(_("The authenticity of this document can be checked: scan the QR code or open"), style),
        plain_paragraph(stamp.url, ParagraphStyle("verify_url", style, fontName="Courier-Bold")),
        plain_paragraph(_("Verification code: %(code)s. A copy whose content differs from the document as issued "
                          "is reported there as not matching.") % {"code": stamp.display_code}, style),
    ]
    table = Table([[QrCode(stamp.url), lines]], colWidths=[QR_SIZE + 4 * mm, width - QR_SIZE - 4 * mm],
                  hAlign="LEFT")
    table.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 0),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
    ]))
    return table
