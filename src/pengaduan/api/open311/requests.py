"""From a GeoReport v2 POST to a complaint, and from a complaint back to a GeoReport "service request".

A submitted request becomes a complaint received through `engine.complaint_receive`, exactly like one from the
portal's form: it waits for the JFU, who records it in the Buku Pengaduan (step 1) or sets it aside.

What Open311 shows of a complaint is deliberately little. A complaint about an official is not a pothole: the
description, the place and the complainant stay with the officers. Listings show only the requests that came in
through Open311, with their service, status, the public status headline and the dates.
"""

import secrets
from datetime import datetime

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from pengaduan.api.models import Open311Key, Open311Request, Open311Service
from pengaduan.api.open311.formats import Open311Error
from pengaduan.complaints import engine
from pengaduan.complaints.errors import StepInputInvalid
from pengaduan.complaints.channels.web import WEB
from pengaduan.complaints.models import Complaint, ComplaintType, StepRun
from pengaduan.complaints.page import public_status
from pengaduan.units.models import Unit

MAX_DESCRIPTION = 4000  # the spec's limit
SUMMARY_LENGTH = 200
# Intake field → the Open311 argument a client must correct.
ARGUMENT_FOR_FIELD = {
    "complainant_name": "first_name",
    "complainant_email": "email",
    "complainant_phone": "phone",
    "summary": "description",
    "description": "description",
    "subject": "attribute[subject]",
    "event_place": "address_string",
}


def format_datetime(value: datetime | None) -> str | None:
    """W3C date-time with the offset, in the unit's local time (WIB): 2026-03-18T15:00:00+07:00."""
    return timezone.localtime(value).isoformat(timespec="seconds") if value else None


def _text(params, name: str, limit: int) -> str:
    value = (params.get(name) or "").strip()
    if len(value) > limit:
        raise Open311Error(400, _("%(name)s is too long (at most %(n)d characters).") % {"name": name, "n": limit})
    return value


def _coordinate(params, name: str, bound: float) -> float | None:
    raw = (params.get(name) or "").strip()
    if not raw:
        return None
    try:
        value = float(raw)
    except ValueError:
        value = None
    if value is None or not -bound <= value <= bound:
        raise Open311Error(400, _("%(name)s must be a number from -%(bound)d to %(bound)d.")
                           % {"name": name, "bound": bound})
    return value


def _attribute_values(params, service: Open311Service) -> dict:
    """The submitted `attribute[code]` values, checked against the service's definitions."""
    submitted = {}
    for definition in sorted(service.attributes if service.metadata else [], key=lambda a: a.get("order", 0)):
        code, datatype = definition["code"], definition["datatype"]
        raw = [value.strip() for value in params.getlist(f"attribute[{code}]") + params.getlist(
            f"attribute[{code}][]") if value.strip()]
        if not raw:
            if definition.get("required"):
                raise Open311Error(400, _("attribute[%(code)s] is required: %(question)s")
                                   % {"code": code, "question": definition.get("description", "")})
            continue
        allowed = {str(item["key"]) for item in definition.get("values", [])}
        if datatype == "multivaluelist":
            if any(value not in allowed for value in raw):
                raise Open311Error(400, _("attribute[%(code)s] must be among: %(keys)s.")
                                   % {"code": code, "keys": ", ".join(sorted(allowed))})
            submitted[code] = raw
            continue
        value = raw[0]
        if datatype == "singlevaluelist" and value not in allowed:
            raise Open311Error(400, _("attribute[%(code)s] must be one of: %(keys)s.")
                               % {"code": code, "keys": ", ".join(sorted(allowed))})
        if datatype == "number":
            try:
                float(value)
            except ValueError:
                raise Open311Error(400, _("attribute[%(code)s] must be a number.") % {"code": code}) from None
        if datatype == "datetime" and parse_datetime(value) is None:
            raise Open311Error(400, _("attribute[%(code)s] must be a date and time, e.g. 2026-03-18T09:00:00+07:00.")
                               % {"code": code})
        if len(value) > MAX_DESCRIPTION:
            raise Open311Error(400, _("attribute[%(code)s] is too long.") % {"code": code})
        submitted[code] = value
    return submitted


def _attribute_label(service: Open311Service, code: str, value) -> str:
    definition = next((item for item in service.attributes if item.get("code") == code), {})
    names = {str(item["key"]): item["name"] for item in definition.get("values", [])}
    shown = ", ".join(names.get(item, item) for item in value) if isinstance(value, list) else names.get(value, value)
    return f"{definition.get('description') or code}: {shown}"


def _truncate(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def request_submit(*, unit: Unit, service: Open311Service, key: Open311Key, params,
                   now: datetime | None = None) -> Open311Request:
    """Turn a POST requests.{format} into a complaint waiting for the JFU, and remember what Open311 sent."""
    now = now or timezone.now()
    description = _text(params, "description", MAX_DESCRIPTION)
    if not description:
        raise Open311Error(400, _("description is required: say what happened, who was involved, when and where."))
    lat, long = _coordinate(params, "lat", 90), _coordinate(params, "long", 180)
    if (lat is None) != (long is None):
        raise Open311Error(400, _("Send lat and long together."))
    address = _text(params, "address_string", 300)
    media_url = _text(params, "media_url", 500)
    if media_url:
        try:
            URLValidator(schemes=["http", "https"])(media_url)
        except ValidationError:
            raise Open311Error(400, _("media_url must be an http(s) address.")) from None
    attributes = _attribute_values(params, service)
    name = " ".join(part for part in (_text(params, "first_name", 100), _text(params, "last_name", 100)) if part)

    lines = [description, "", _("Open311 service: %(name)s (%(code)s)") % {"name": service.name, "code": service.code}]
    lines += [_attribute_label(service, code, value) for code, value in attributes.items() if code != "subject"]
    if lat is not None:
        lines.append(_("Location: %(lat)s, %(long)s") % {"lat": lat, "long": long})
    if media_url:
        lines.append(_("Media: %(url)s") % {"url": media_url})
    first_line = description.splitlines()[0] if description.splitlines() else description
    data = {
        "channel": WEB.code,
        "complaint_type": ComplaintType.COMPLAINT,
        "summary": _truncate(f"{service.name}: {first_line}", SUMMARY_LENGTH),
        "description": "\n".join(lines),
        "subject": _truncate(str(attributes.get("subject") or address or service.name), 300),
        "event_place": address or (f"{lat}, {long}" if lat is not None else ""),
        # No name: anonymous, and then no contact is kept either (the complainant follows with the tracking code).
        "is_anonymous": "" if name else "on",
        "is_confidential": "on" if name else "",
        "complainant_name": name,
        "complainant_email": _text(params, "email", 254),
        "complainant_phone": _text(params, "phone", 50),
    }
    try:
        with transaction.atomic():
            complaint = engine.complaint_receive(unit=unit, data=data, now=now)
            return Open311Request.objects.create(
                complaint=complaint, service_code=service.code, key=key, token=secrets.token_urlsafe(16), lat=lat,
                long=long, address_string=address, attributes=attributes, media_url=media_url, created_at=now,
            )
    except StepInputInvalid as refused:
        descriptions = [f"{ARGUMENT_FOR_FIELD.get(field, field)}: {message}"
                        for field, messages in refused.errors.items() for message in messages]
        raise Open311Error(400, descriptions[0], extra=descriptions[1:]) from None


def requests_queryset() -> QuerySet[Open311Request]:
    runs = StepRun.objects.filter(complaint=OuterRef("complaint_id"))
    return (
        Open311Request.objects.select_related("complaint__unit", "complaint__sop")
        .annotate(
            expected_at=Subquery(runs.filter(done_at__isnull=True).values("due_at")[:1]),
            last_started=Subquery(runs.order_by("-started_at").values("started_at")[:1]),
            last_done=Subquery(runs.filter(done_at__isnull=False).order_by("-done_at").values("done_at")[:1]),
        )
        .order_by("-created_at", "-pk")
    )


def request_out(item: Open311Request, services: dict[str, Open311Service]) -> dict:
    complaint: Complaint = item.complaint
    service = services.get(item.service_code)
    updated = max(moment for moment in (complaint.received_at, item.last_started, item.last_done, complaint.closed_at)
                  if moment is not None)
    return {
        "service_request_id": str(complaint.pk),
        "status": "open" if complaint.status == Complaint.Status.OPEN else "closed",
        "status_notes": str(public_status(complaint).headline),
        "service_name": service.name if service else item.service_code,
        "service_code": item.service_code,
        "description": None,
        "agency_responsible": complaint.unit.name,
        "service_notice": None,
        "requested_datetime": format_datetime(complaint.received_at),
        "updated_datetime": format_datetime(updated),
        "expected_datetime": format_datetime(item.expected_at),
        "address": None,
        "address_id": None,
        "zipcode": None,
        "lat": None,
        "long": None,
        "media_url": None,
    }
