"""Open311 GeoReport v2 at /open311/v2/: discovery, services, service definitions, requests and tokens.

Plain views: each checks its arguments, calls one function, and renders JSON or XML as the suffix asks. Errors
come in the spec's format, a list of {code, description}, with 400, 403 or 404 (and 405, 413, 429).
"""

from datetime import datetime, time, timedelta
from functools import wraps

from django.db.models import Max
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from pengaduan.api.auth import activate_requested_language
from pengaduan.api.inputs import EARLIEST_YEAR, LATEST_YEAR
from pengaduan.api.limits import body_too_large, client_ip, over_limit
from pengaduan.api.models import Open311Key, Open311Request, Open311Service
from pengaduan.api.open311.formats import Open311Error, render, render_error
from pengaduan.api.open311.requests import format_datetime, request_out, request_submit, requests_queryset
from pengaduan.api.services import credential_for_secret
from pengaduan.logins import COOL_OFF_SECONDS, OPEN311_KEY_USERNAME, api_credential_refused
from pengaduan.notifications.emails import schedule_receipt_email
from pengaduan.units.models import Unit
from pengaduan.units.selectors import portal_unit

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
DEFAULT_DAYS = 90
MAX_RESULTS = 1000


def open311_view(*methods: str):
    """Method check, size and rate limits, language, and Open311 errors rendered in the requested format."""

    def decorate(view):
        @csrf_exempt
        @wraps(view)
        def wrapped(request, *args, fmt: str = "json", **kwargs):
            activate_requested_language(request)
            try:
                if request.method not in methods:
                    raise Open311Error(405, _("This address accepts %(methods)s only.")
                                       % {"methods": ", ".join(methods)})
                if body_too_large(request, files=False):
                    raise Open311Error(413, _("The request is too large."))
                if wait := over_limit("open311_ip", f"ip:{client_ip(request)}"):
                    raise Open311Error(429, _("Too many requests. Please wait %(seconds)d seconds and try again.")
                                       % {"seconds": wait}, wait=wait)
                return view(request, *args, fmt=fmt, **kwargs)
            except Open311Error as error:
                response = render_error(fmt, error)
                if error.status == 405:
                    response["Allow"] = ", ".join(methods)
                return response

        return wrapped

    return decorate


def _jurisdiction(request, *, status: int = 404) -> Unit | None:
    """The unit named by jurisdiction_id (its code), or None when none was given."""
    code = (request.GET.get("jurisdiction_id") or request.POST.get("jurisdiction_id") or "").strip()
    if not code:
        return None
    unit = Unit.objects.filter(code__iexact=code[:32]).first()
    if unit is None:
        raise Open311Error(status, _("jurisdiction_id %(code)s was not found.") % {"code": code[:32]})
    return unit


def _services():
    return Open311Service.objects.filter(is_active=True)


def _service_out(service: Open311Service) -> dict:
    return {
        "service_code": service.code,
        "service_name": service.name,
        "description": service.description,
        "metadata": service.metadata,
        "type": "realtime",
        "keywords": service.keywords,
        "group": service.group,
    }


def _attribute_out(definition: dict, position: int) -> dict:
    attribute = {
        "variable": True,
        "code": definition["code"],
        "datatype": definition["datatype"],
        "required": bool(definition.get("required", False)),
        "datatype_description": definition.get("datatype_description") or None,
        "order": definition.get("order", position),
        "description": definition.get("description", ""),
    }
    if definition["datatype"].endswith("valuelist"):
        attribute["values"] = [{"key": item["key"], "name": item["name"]} for item in definition.get("values", [])]
    return attribute


@open311_view("GET")
def discovery(request, fmt):
    unit = portal_unit()
    changed = _services().aggregate(last=Max("updated_at"))["last"]
    changeset = format_datetime(changed or timezone.now())
    contact = ""
    if unit is not None:
        contact = ", ".join(part for part in (unit.name, unit.email, unit.phone) if part)
    return render(fmt, "discovery", {
        "changeset": changeset,
        "contact": contact,
        "key_service": _("Ask the unit's administrator for an api_key; it is made in the admin or with "
                         "`pengaduan apikey create --name NAME`."),
        "endpoints": [{
            "specification": SPECIFICATION,
            "url": request.build_absolute_uri("/open311/v2"),
            "changeset": changeset,
            "type": "production",
            "formats": ["text/xml", "application/json"],
        }],
    })


@open311_view("GET")
def services(request, fmt):
    _jurisdiction(request)
    return render(fmt, "services", [_service_out(service) for service in _services()])


@open311_view("GET")
def service_definition(request, code, fmt):
    _jurisdiction(request)
    service = _services().filter(code=code).first()
    if service is None:
        raise Open311Error(404, _("service_code %(code)s was not found.") % {"code": code[:50]})
    definitions = service.attributes if service.metadata else []
    return render(fmt, "service_definition", {
        "service_code": service.code,
        "attributes": [_attribute_out(item, position) for position, item in enumerate(definitions, start=1)],
    })


def _moment(request, name: str) -> datetime | None:
    raw = (request.GET.get(name) or "").strip()
    if not raw:
        return None
    # A "+" of an offset arrives as a space when the client did not encode it.
    raw = raw.replace(" ", "+") if "T" in raw else raw
    try:
        moment = parse_datetime(raw)
        if moment is None and (day := parse_date(raw)) is not None:
            moment = datetime.combine(day, time.min)
    except ValueError:
        moment = None
    if moment is None or not EARLIEST_YEAR <= moment.year <= LATEST_YEAR:
        raise Open311Error(400, _("%(name)s must be a W3C date and time, e.g. 2026-01-31T00:00:00Z.") % {"name": name})
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


def _list_param(request, name: str) -> list[str]:
    return [part.strip() for part in (request.GET.get(name) or "").split(",") if part.strip()]


def _service_map() -> dict[str, Open311Service]:
    return {service.code: service for service in Open311Service.objects.all()}


@open311_view("GET", "POST")
def requests(request, fmt):
    if request.method == "POST":
        return _create_request(request, fmt)
    unit = _jurisdiction(request)
    found = requests_queryset()
    if unit is not None:
        found = found.filter(complaint__unit=unit)
    if ids := _list_param(request, "service_request_id"):
        # The spec: service_request_id overrides every other argument.
        found = found.filter(complaint_id__in=[
            int(item) for item in ids[:MAX_RESULTS] if item.isdigit() and len(item) <= 18])
    else:
        start, end = _moment(request, "start_date"), _moment(request, "end_date")
        # The spec's default: the most recent 90 days; one date given, the 90 days from or up to it.
        if start is None and end is None:
            end = timezone.now()
        if start is None:
            start = end - timedelta(days=DEFAULT_DAYS)
        if end is None:
            end = start + timedelta(days=DEFAULT_DAYS)
        if start > end:
            raise Open311Error(400, _("start_date must come before end_date."))
        if end - start > timedelta(days=DEFAULT_DAYS):
            raise Open311Error(400, _("The date range may span %(days)d days at most.") % {"days": DEFAULT_DAYS})
        found = found.filter(created_at__gte=start, created_at__lte=end)
        if codes := _list_param(request, "service_code"):
            found = found.filter(service_code__in=codes)
        if statuses := _list_param(request, "status"):
            unknown = [status for status in statuses if status not in ("open", "closed")]
            if unknown:
                raise Open311Error(400, _("status must be open or closed (comma-separated for both)."))
            if set(statuses) == {"open"}:
                found = found.filter(complaint__status="open")
            elif set(statuses) == {"closed"}:
                found = found.exclude(complaint__status="open")
    services_by_code = _service_map()
    return render(fmt, "service_requests", [request_out(item, services_by_code) for item in found[:MAX_RESULTS]])


def _create_request(request, fmt):
    params = request.POST.copy()
    for name, values in request.GET.lists():
        params.setlistdefault(name, values)
    key = credential_for_secret(Open311Key, (params.get("api_key") or "").strip())
    if key is None:
        if api_credential_refused(request, OPEN311_KEY_USERNAME):  # the one login throttle (pengaduan.logins)
            raise Open311Error(429, _("Too many requests. Please wait %(seconds)d seconds and try again.")
                               % {"seconds": COOL_OFF_SECONDS}, wait=COOL_OFF_SECONDS)
        raise Open311Error(403, _("api_key was not provided or is not valid; ask the unit's administrator for one."))
    for limit_name, who in (("open311_key", f"key:{key.pk}"), ("open311_submit_ip", f"ip:{client_ip(request)}")):
        if wait := over_limit(limit_name, who):
            raise Open311Error(429, _("Too many requests. Please wait %(seconds)d seconds and try again.")
                               % {"seconds": wait}, wait=wait)
    unit = _jurisdiction(request, status=400) or portal_unit()
    if unit is None:
        raise Open311Error(400, _("jurisdiction_id is required here."))
    code = (params.get("service_code") or "").strip()
    if not code:
        raise Open311Error(400, _("service_code is required."))
    service = _services().filter(code=code[:50]).first()
    if service is None:
        raise Open311Error(400, _("service_code %(code)s was not found.") % {"code": code[:50]})
    created = request_submit(unit=unit, service=service, key=key, params=params)
    schedule_receipt_email(created.complaint, base_url=request.build_absolute_uri("/"))
    notice = _("Received. The tracking code is %(code)s: with it the complainant follows the complaint on %(url)s.") % {
        "code": created.complaint.tracking_code, "url": request.build_absolute_uri("/lacak/")}
    return render(fmt, "service_requests", [{
        "service_request_id": str(created.complaint_id),
        "token": created.token,
        "service_notice": notice,
        "account_id": None,
    }], status=201)


@open311_view("GET")
def request_detail(request, request_id, fmt):
    _jurisdiction(request)
    item = requests_queryset().filter(complaint_id=int(request_id)).first() if (
        request_id.isdigit() and len(request_id) <= 18) else None
    if item is None:
        raise Open311Error(404, _("service_request_id %(id)s was not found.") % {"id": request_id[:20]})
    return render(fmt, "service_requests", [request_out(item, _service_map())])


@open311_view("GET")
def token(request, token, fmt):
    _jurisdiction(request)
    item = Open311Request.objects.filter(token=token[:40]).first()
    if item is None:
        raise Open311Error(404, _("token %(token)s was not found.") % {"token": token[:40]})
    return render(fmt, "service_requests", [{"service_request_id": str(item.complaint_id), "token": item.token}])


@open311_view("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")
def not_found(request, fmt):
    raise Open311Error(404, _("There is nothing at this address. Start with discovery.json or services.json."))
