"""What our printed documents (the receipt, the answer letter, the SOP sheet, the reports) share: Indonesian
dates and the letterhead.

Documents are printed on cheap office printers: black on white, ReportLab's built-in fonts only
(Helvetica), no images or downloaded fonts.
"""

import re
from datetime import date, datetime
from xml.sax.saxutils import escape
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Flowable, HRFlowable, Paragraph

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


def letterhead(unit: Unit) -> list[Flowable]:
    """The kop surat: government, unit, address and contacts, centred, over the double rule."""
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
    # The double rule of an Indonesian letterhead: thick over thin.
    flow.append(HRFlowable(width="100%", thickness=1.6, color=INK, spaceBefore=5, spaceAfter=1.2))
    flow.append(HRFlowable(width="100%", thickness=0.5, color=INK, spaceBefore=0, spaceAfter=8))
    return flow
