"""A LAPOR! report (as the API sends it, or as a row of the admin panel's spreadsheet) → the inputs of our
intake form, for `engine.complaint_receive` on the LAPOR! channel. The mapping is written out in docs/lapor.md.

LAPOR! is the source: what it sends is taken as it is, with safe defaults where it is silent (a report marked
secret stays confidential here; a report without the reporter's identity is anonymous here, since we have none).
"""

from datetime import date, datetime, time
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from pengaduan.complaints.channels.lapor import normalize_lapor_id
from pengaduan.complaints.models import ComplaintType

SUMMARY_MAX = 200
SUBJECT_MAX = 300

# LAPOR!'s report types (klasifikasi laporan) → ours. Spelled as the API sends them and as the panel shows them.
REPORT_TYPES = {
    "pengaduan": ComplaintType.COMPLAINT, "complaint": ComplaintType.COMPLAINT,
    "aspirasi": ComplaintType.ASPIRATION, "aspiration": ComplaintType.ASPIRATION,
    "permintaan_informasi": ComplaintType.INFORMATION_REQUEST, "permintaan informasi": ComplaintType.INFORMATION_REQUEST,
    "informasi": ComplaintType.INFORMATION_REQUEST, "information_request": ComplaintType.INFORMATION_REQUEST,
}
TRUE_WORDS = {"1", "true", "ya", "y", "yes", "benar", "iya", "anonim", "rahasia"}
FALSE_WORDS = {"", "0", "false", "tidak", "t", "n", "no", "bukan", "-"}


class MappingError(ValueError):
    """A report that cannot become a complaint: `field` is the LAPOR! field at fault."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


def text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a spreadsheet cell holding 1916449 comes back as 1916449.0
    return str(value).strip()


def flag(value: Any, field: str) -> bool:
    if isinstance(value, bool):
        return value
    word = text(value).lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise MappingError(field, _("%(value)s is neither yes nor no.") % {"value": repr(value)})


def moment(value: Any, field: str) -> datetime | None:
    """An aware moment from ISO 8601, a spreadsheet cell, or the panel's "dd/mm/yyyy hh:mm"; local time (WIB)
    when no offset is given."""
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, date):
        parsed = datetime.combine(value, time(0, 0))
    else:
        raw = text(value)
        parsed = parse_datetime(raw.replace(" ", "T", 1)) if "T" not in raw else parse_datetime(raw)
        if parsed is None:
            parsed = _day_first(raw)
        if parsed is None:
            raise MappingError(field, _("%(value)s is not a date and time.") % {"value": repr(raw)})
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    return parsed


def day(value: Any, field: str) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    raw = text(value)
    parsed = parse_date(raw[:10]) if len(raw) >= 10 and raw[4] == "-" else None
    if parsed is None:
        found = _day_first(raw)
        parsed = found.date() if found else None
    if parsed is None:
        raise MappingError(field, _("%(value)s is not a date.") % {"value": repr(raw)})
    return parsed


def _day_first(raw: str) -> datetime | None:
    for pattern in ("%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%d/%m/%Y", "%d-%m-%Y %H:%M:%S", "%d-%m-%Y %H:%M",
                    "%d-%m-%Y"):
        try:
            return datetime.strptime(raw, pattern)
        except ValueError:
            continue
    return None


def _shorten(value: str, limit: int) -> str:
    value = " ".join(value.split())
    return value if len(value) <= limit else value[: limit - 1].rstrip() + "…"


def report_to_intake(report: dict[str, Any], *, unit_name: str, now: datetime | None = None) -> dict[str, Any]:
    """The intake form's data for one LAPOR! report (see docs/lapor.md, "Mapping"). Raises MappingError."""
    now = now or timezone.now()
    tracking_id = normalize_lapor_id(text(report.get("tracking_id")))
    if not tracking_id:
        raise MappingError("tracking_id", _("The report has no tracking ID."))
    if len(tracking_id) > 50:
        raise MappingError("tracking_id", _("The tracking ID is longer than 50 characters."))
    title, content = text(report.get("title")), text(report.get("content"))
    if not content and not title:
        raise MappingError("content", _("The report has neither a title nor a content."))
    kind = text(report.get("type")).lower().replace("-", "_")
    if kind and kind not in REPORT_TYPES and kind.replace("_", " ") not in REPORT_TYPES:
        raise MappingError("type", _("Unknown report type %(value)s.") % {"value": repr(report.get("type"))})
    received = moment(report.get("disposed_at"), "disposed_at") or moment(report.get("created_at"), "created_at")
    received = min(received or now, now)  # LAPOR!'s clock running ahead must not refuse the report
    event_date = day(report.get("event_date"), "event_date")
    if event_date and event_date > timezone.localdate(now):
        event_date = None  # an impossible date is dropped, not the report
    reporter = report.get("reporter") or {}
    if not isinstance(reporter, dict):
        raise MappingError("reporter", _("The reporter is not an object."))
    name = text(reporter.get("name"))
    anonymous = flag(report.get("is_anonymous", False), "is_anonymous") or not name
    subject = text(report.get("category")) or text((report.get("disposition") or {}).get("institution_name")) \
        or unit_name
    data = {
        "channel": "lapor",
        "lapor_id": tracking_id,
        "received_at": received,
        "complaint_type": REPORT_TYPES.get(kind) or REPORT_TYPES.get(kind.replace("_", " ")) or ComplaintType.COMPLAINT,
        "is_anonymous": anonymous,
        # "Rahasia" on LAPOR! hides the report from the public: here the identity stays confidential.
        "is_confidential": (not anonymous) and flag(report.get("is_secret", False), "is_secret"),
        "complainant_name": "" if anonymous else name[:200],
        "complainant_phone": "" if anonymous else text(reporter.get("phone"))[:50],
        "complainant_email": "" if anonymous else _email(text(reporter.get("email"))),
        "complainant_address": "" if anonymous else text(reporter.get("address"))[:300],
        "summary": _shorten(title or content, SUMMARY_MAX),
        "description": content or title,
        "subject": _shorten(subject, SUBJECT_MAX),
        "event_place": _shorten(text(report.get("location")), 300),
        "event_date": event_date,
    }
    return data


def _email(value: str) -> str:
    # A malformed address from LAPOR! would refuse the whole report; the rest of the identity is enough.
    try:
        validate_email(value)
    except ValidationError:
        return ""
    return value
