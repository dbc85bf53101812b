"""Staff endpoints: each checks what the caller may see, then calls one engine service or selector.

A complaint of a unit the caller does not belong to is "not found" (404), never "forbidden": its existence is
nobody else's business. Within their units, the engine decides: wrong role → 403, wrong moment → 409.
"""

from datetime import date
from typing import Literal

from django.contrib.auth import get_user_model
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from pydantic import field_validator

from pengaduan.api import selectors as api_selectors
from pengaduan.api.errors import ApiError
from pengaduan.api.inputs import (
    EARLIEST_YEAR,
    LATEST_YEAR,
    check_dates,
    describe_fields,
    form_data_from_json,
    form_input,
    read_body,
    request_body,
)
from pengaduan.api.schemas import (
    ERRORS,
    AnswerIn,
    ComplaintDetail,
    ComplaintPage,
    ComplianceOut,
    CoordinationIn,
    CoordinationOut,
    InformationRequestIn,
    InformationRequestOut,
    MeOut,
    NoteIn,
    NoteOut,
    RegisterPage,
    ReturnIn,
    SetAsideIn,
    StepDoneOut,
)
from pengaduan.complaints import engine, examinations, selectors
from pengaduan.complaints.attachments import attachment_response
from pengaduan.complaints import channels
from pengaduan.complaints.kinds import get_kind, kinds
from pengaduan.complaints.models import Attachment, Complaint, ComplaintType, Examination
from pengaduan.sop.models import SopStep
from pengaduan.units.models import Unit

router = Router(tags=["staff"])
EARLIEST, LATEST = date(EARLIEST_YEAR, 1, 1), date(LATEST_YEAR, 12, 31)


def _user(request):
    return request.auth.user


def _complaint(request, complaint_id: int) -> Complaint:
    return api_selectors.visible_complaint(_user(request), complaint_id)


def _detail(request, complaint: Complaint) -> dict:
    complaint = api_selectors.visible_complaint(_user(request), complaint.pk)
    return api_selectors.complaint_detail(_user(request), complaint, now=timezone.now(), where=request.path)


def _member_unit(request, code: str | None, *, field: str = "unit") -> Unit:
    """The unit named by code among the caller's units; without a code, the caller's only (or first) unit."""
    units = api_selectors.member_units(_user(request))
    if not units:
        raise ApiError(403, _("Your account belongs to no unit."))
    if not code:
        return units[0]
    unit = next((unit for unit in units if unit.code.lower() == code.lower()), None)
    if unit is None:
        raise ApiError(422, _("Please correct the marked fields."), {
            field: [_("Choose one of your units: %(codes)s.") % {"codes": ", ".join(u.code for u in units)}]})
    return unit


# Who am I


@router.get("/me", response={200: MeOut, **ERRORS}, summary="The token's user and their roles")
def me(request):
    user = _user(request)
    roles = selectors.roles_by_unit(user)
    units = Unit.objects.filter(pk__in=list(roles)).order_by("code")
    return {
        "username": user.get_username(),
        "full_name": user.get_full_name(),
        "token": request.auth.name,
        "units": [{"unit": {"code": unit.code, "name": unit.name}, "roles": sorted(roles[unit.pk])} for unit in units],
    }


@router.get("/step-kinds", response={200: dict[str, list[dict]], **ERRORS},
            summary="The inputs each kind of step takes")
def step_kinds(request):
    """For each registered step kind: the fields its form takes."""
    return {kind.name: describe_fields(kind.form_class) for kind in sorted(kinds.all(), key=lambda kind: kind.name)}


@router.get("/channels", response={200: list[dict], **ERRORS}, summary="The channels a complaint can come in by")
def channel_list(request):
    """Each intake channel: its code (the `channel` of a complaint), label, the details it brings along (intake
    fields, those required), whether it arrives by itself or is taken in by an officer, whether it is in person,
    and the medium that answers the complainant by default."""
    return [{
        "code": channel.code,
        "label": str(channel.label),
        "details": list(channel.details),
        "required_details": list(channel.required_details),
        "arrives_by_itself": channel.arrives_by_itself,
        "in_person": channel.in_person,
        "answer_medium": channel.answer_medium,
    } for channel in channels.all_channels()]


# Complaints


class ComplaintFilters(Schema):
    unit: str | None = Field(None, max_length=32, description="Unit code.")
    status: Literal["open", "closed", "set_aside", "returned", "no_reply"] | None = None
    step: int | None = Field(None, ge=1, le=99, description="Complaints whose current step is this one.")
    channel: str | None = Field(None, max_length=20, description="A channel code, as GET /channels lists them.")
    complaint_type: Literal[tuple(ComplaintType.values)] | None = Field(  # type: ignore[valid-type]
        None, alias="type")
    category: str | None = Field(None, max_length=100)
    overdue: bool | None = Field(None, description="true: the current step's deadline has passed.")
    received_from: date | None = Field(None, ge=EARLIEST, le=LATEST)
    received_to: date | None = Field(None, ge=EARLIEST, le=LATEST)
    q: str | None = Field(None, max_length=200, description="Register number, the exact tracking code, title, "
                                                             "subject, and names you may see.")
    limit: int = Field(50, ge=1, le=200)
    offset: int = Field(0, ge=0, le=1_000_000)

    @field_validator("channel")
    @classmethod
    def _known_channel(cls, value: str | None) -> str | None:
        # Asked at request time: channels register themselves, so the list is not fixed when this loads.
        if value is not None and channels.get(value) is None:
            raise ValueError(_("Unknown channel; one of: %(codes)s") % {"codes": ", ".join(channels.codes())})
        return value


@router.get("/complaints", response={200: ComplaintPage, **ERRORS}, summary="Complaints of your units")
def complaint_list(request, filters: Query[ComplaintFilters]):
    """Newest first, with the current step and its deadline. Filters as in the workdesk inbox.

    The oversight role (docs/oversight.md) lists every unit's complaints, `?unit=CODE` for one unit; read-only,
    the complainant's identity masked."""
    now = timezone.now()
    values = filters.dict()
    complaints = api_selectors.complaints_for_api(_user(request), filters=values, now=now)
    page = complaints[filters.offset:filters.offset + filters.limit]
    return {
        "count": complaints.count(),
        "limit": filters.limit,
        "offset": filters.offset,
        "items": [api_selectors.list_item(complaint, now) for complaint in page],
    }


@router.get("/complaints/{complaint_id}", response={200: ComplaintDetail, **ERRORS}, summary="One complaint")
def complaint_read(request, complaint_id: int):
    """The complaint with its SOP timeline, the current step (with the inputs it takes and its deadline), the
    actions open to you, coordination, questions to the complainant, internal notes, attachments and events.
    The oversight role reads any unit's complaint, masked (no identity), with no actions."""
    complaint = api_selectors.readable_complaint(_user(request), complaint_id)
    return api_selectors.complaint_detail(_user(request), complaint, now=timezone.now(), where=request.path)


RECORD_EXTRA = {
    "unit": {"type": "string", "maxLength": 32, "description": "Unit code; needed only if you record for several."},
    "linked_to": {"type": "integer", "description": "Id of an existing case of the unit that this one adds to."},
}


RECORD_EXAMPLE = {
    "channel": "walk_in",
    "complainant_name": "Siti Aminah",
    "complainant_phone": "081234567890",
    "summary": "Pungutan liar pada pengurusan KTP",
    "description": "Petugas kelurahan meminta uang Rp50.000 untuk mempercepat KTP.",
    "subject": "Kelurahan Manguharjo",
}


def _recording_form():
    """The form of the step kind that records a complaint (step 1)."""
    return kinds.one("records_complaint").form_class


@router.post("/complaints", response={201: ComplaintDetail, **ERRORS}, summary="Record a complaint (step 1)",
             openapi_extra={"requestBody": request_body(_recording_form(), extra=RECORD_EXTRA, title="IntakeInput",
                                                        example=RECORD_EXAMPLE)})
def complaint_record(request):
    """An officer takes in a complaint (walk-in, telephone, letter, box, ...) and records it in the Buku Pengaduan
    at once: step 1 is done. JSON, or multipart/form-data to attach evidence files (field `evidence`)."""
    data, files, is_json = read_body(request)
    unit_code, linked_id = data.get("unit"), data.get("linked_to")
    if is_json:
        wrong = {}
        if unit_code is not None and not isinstance(unit_code, str):
            wrong["unit"] = [_("Must be a string.")]
        if linked_id is not None and (not isinstance(linked_id, int) or isinstance(linked_id, bool)):
            wrong["linked_to"] = [_("Must be a whole number.")]
        if wrong:
            raise ApiError(422, _("Please correct the marked fields."), wrong)
        data = form_data_from_json(_recording_form(), data, allowed_extra=tuple(RECORD_EXTRA))
    check_dates(_recording_form(), data)
    if unit_code:
        unit = _member_unit(request, unit_code)
    else:
        # Without a unit: the one where the caller records complaints; the engine refuses anyone else.
        units = api_selectors.intake_units(_user(request))
        if len(units) > 1:
            raise ApiError(422, _("Please correct the marked fields."), {
                "unit": [_("Say which unit: %(codes)s.") % {"codes": ", ".join(u.code for u in units)}]})
        unit = units[0] if units else _member_unit(request, None)
    linked_to = None
    if linked_id not in (None, ""):
        linked_to = selectors.complaints_visible_to(_user(request)).filter(
            unit=unit, pk=int(linked_id) if str(linked_id).isdigit() else 0).first()
        if linked_to is None:
            raise ApiError(422, _("Please correct the marked fields."),
                           {"linked_to": [_("Choose another complaint of this unit.")]})
    complaint = engine.complaint_record(unit=unit, actor=_user(request), data=data, files=files, linked_to=linked_to)
    return Status(201, _detail(request, complaint))


def _kinds_by_name():
    return sorted(((kind.name, kind) for kind in kinds.all()), key=lambda item: item[0])


def _steps_body() -> dict:
    """Each kind's inputs as one alternative of the body; which applies depends on the complaint's SOP step."""
    alternatives = {
        "json": [dict(schema, title=f"{name}_input") for name, schema in
                 ((name, request_body(kind.form_class)["content"]["application/json"]["schema"])
                  for name, kind in _kinds_by_name())],
        "multipart": [dict(schema, title=f"{name}_input_with_files") for name, schema in
                      ((name, request_body(kind.form_class)["content"]["multipart/form-data"]["schema"])
                       for name, kind in _kinds_by_name())],
    }
    return {
        "required": True,
        "description": "The inputs of the step's kind (see GET /complaints/{id}: current.inputs, or "
                       "GET /step-kinds). Files (minutes, proof of delivery) only as multipart/form-data.",
        "content": {
            "application/json": {"schema": {"anyOf": alternatives["json"]}},
            "multipart/form-data": {"schema": {"anyOf": alternatives["multipart"]}},
        },
    }


@router.post("/complaints/{complaint_id}/steps/{number}", response={200: StepDoneOut, **ERRORS},
             summary="Complete the current step", openapi_extra={"requestBody": _steps_body()})
def step_complete(request, complaint_id: int, number: int):
    """Complete step `number` with its kind's inputs; the next step starts (or the case closes).

    403 when your role does not perform this step, 409 when it is not the current step (or a coordination
    question is still open), 422 with `fields` when inputs are missing or wrong."""
    complaint = _complaint(request, complaint_id)
    step = SopStep.objects.filter(sop_id=complaint.sop_id, number=number).first()
    if step is None:
        data, files, _is_json = read_body(request)  # the engine says the SOP has no such step (409)
    else:
        data, files = form_input(request, get_kind(step.kind).form_class)
    run = engine.step_complete(complaint=complaint, actor=_user(request), step_number=number, data=data, files=files)
    return {"number": run.number, "done_at": run.done_at, "on_time": run.on_time,
            "complaint": _detail(request, complaint)}


@router.post("/complaints/{complaint_id}/examinations/{examination_id}/report",
             response={200: ComplaintDetail, **ERRORS}, summary="Submit an examination's report (LHP)",
             openapi_extra={"requestBody": request_body(examinations.ExaminationReportForm)})
def examination_report(request, complaint_id: int, examination_id: int):
    """The examiner hands in the report (LHP, a file: multipart/form-data) with the outcome, findings and
    recommendations; the case goes back to the decision step. 403 for anyone but the unit's examiners (or the
    named one), 409 when the report is already in, 422 with `fields` for a missing or refused file."""
    complaint = _complaint(request, complaint_id)
    examination = get_object_or_404(Examination.objects.filter(complaint=complaint), pk=examination_id)
    data, files = form_input(request, examinations.ExaminationReportForm)
    engine.examination_submit(examination=examination, actor=_user(request), data=data, files=files)
    return _detail(request, complaint)


@router.post("/complaints/{complaint_id}/set-aside", response={200: ComplaintDetail, **ERRORS},
             summary="Set aside a complaint not yet recorded (spam, duplicate)")
def complaint_set_aside(request, complaint_id: int, payload: SetAsideIn):
    complaint = _complaint(request, complaint_id)
    duplicate_of = None
    if payload.duplicate_of is not None:
        duplicate_of = selectors.complaints_visible_to(_user(request)).filter(pk=payload.duplicate_of).first()
        if duplicate_of is None:
            raise ApiError(422, _("Please correct the marked fields."),
                           {"duplicate_of": [_("Choose another complaint of this unit.")]})
    engine.complaint_set_aside(complaint=complaint, actor=_user(request), reason=payload.reason, note=payload.note,
                               duplicate_of=duplicate_of)
    return _detail(request, complaint)


@router.post("/complaints/{complaint_id}/return", response={200: ComplaintDetail, **ERRORS},
             summary="Return a case forwarded to your unit that is not for it")
def forward_return(request, complaint_id: int, payload: ReturnIn):
    """The case closes here as `returned`; the forwarding unit's decision step opens again with your reason.
    For the first step's performer or a deciding role of your unit."""
    complaint = _complaint(request, complaint_id)
    engine.forward_return(complaint=complaint, actor=_user(request), reason=payload.reason)
    return _detail(request, complaint)


@router.post("/complaints/{complaint_id}/forward-answer", response={200: ComplaintDetail, **ERRORS},
             summary="Record the answer of the outside body a case was forwarded to",
             openapi_extra={"requestBody": request_body(engine.OutsideAnswerForm, title="OutsideAnswerInput")})
def forward_answer(request, complaint_id: int):
    """`answered_on` (date), `reference`, `summary`, and as multipart/form-data an optional `file`; the case
    closes with the answer."""
    complaint = _complaint(request, complaint_id)
    data, files = form_input(request, engine.OutsideAnswerForm)
    engine.forward_answer_record(complaint=complaint, actor=_user(request), data=data, files=files)
    return _detail(request, complaint)


def _coordination_out(item) -> dict:
    name = lambda user: user.get_username() if user else None  # noqa: E731
    return {"id": item.pk, "step": item.step_run.number, "role": item.role, "addressee": name(item.addressee),
            "question": item.question, "requested_by": name(item.requested_by), "requested_at": item.requested_at,
            "answer": item.answer, "answered_by": name(item.answered_by), "answered_at": item.answered_at}


@router.post("/complaints/{complaint_id}/coordination", response={201: CoordinationOut, **ERRORS},
             summary="Ask a coordinating role (e.g. the Sekretaris asks the Kasubag)")
def coordination_request(request, complaint_id: int, payload: CoordinationIn):
    complaint = _complaint(request, complaint_id)
    addressee = None
    if payload.addressee:
        addressee = get_user_model().objects.filter(
            **{get_user_model().USERNAME_FIELD: payload.addressee}, is_active=True).first()
        if addressee is None:
            raise ApiError(422, _("Please correct the marked fields."), {"addressee": [_("No such officer.")]})
    item = engine.coordination_request(complaint=complaint, actor=_user(request), role=payload.role,
                                       question=payload.question, addressee=addressee)
    return Status(201, _coordination_out(item))


@router.post("/complaints/{complaint_id}/coordination/{request_id}/answer", response={200: CoordinationOut, **ERRORS},
             summary="Answer a coordination question")
def coordination_answer(request, complaint_id: int, request_id: int, payload: AnswerIn):
    complaint = _complaint(request, complaint_id)
    question = get_object_or_404(complaint.coordination_requests.select_related("step_run", "complaint"), pk=request_id)
    item = engine.coordination_answer(request=question, actor=_user(request), answer=payload.answer)
    return _coordination_out(item)


@router.post("/complaints/{complaint_id}/information-requests", response={201: InformationRequestOut, **ERRORS},
             summary="Ask the complainant for more information")
def information_request(request, complaint_id: int, payload: InformationRequestIn):
    """The question shows on the complainant's tracking page; with `pause_clock` the step's clock stops until
    they reply."""
    complaint = _complaint(request, complaint_id)
    item = engine.information_request(complaint=complaint, actor=_user(request), question=payload.question,
                                      pause_clock=payload.pause_clock)
    return Status(201, {"id": item.pk, "step": item.step_run.number, "question": item.question,
                        "asked_by": item.asked_by.get_username(), "asked_at": item.asked_at, "reply": item.reply,
                        "replied_at": item.replied_at})


@router.post("/complaints/{complaint_id}/resume", response={200: ComplaintDetail, **ERRORS},
             summary="Start the step's clock again without waiting for the complainant")
def step_resume(request, complaint_id: int):
    complaint = _complaint(request, complaint_id)
    engine.step_resume(complaint=complaint, actor=_user(request))
    return _detail(request, complaint)


@router.post("/complaints/{complaint_id}/notes", response={201: NoteOut, **ERRORS},
             summary="Add an internal note (never shown to the complainant)")
def note_add(request, complaint_id: int, payload: NoteIn):
    complaint = _complaint(request, complaint_id)
    note = engine.note_add(complaint=complaint, actor=_user(request), text=payload.text)
    return Status(201, {"id": note.pk, "author": note.author.get_username(), "text": note.text,
                        "created_at": note.created_at})


# Attachments

BINARY = {200: {"description": "The file, typed by its content.",
                  "content": {"*/*": {"schema": {"type": "string", "format": "binary"}}}}}


@router.get("/attachments/{attachment_id}", response={200: None, **ERRORS}, url_name="attachment_download",
            summary="Download an attachment", openapi_extra={"responses": BINARY})
def attachment_download(request, attachment_id: int):
    """Files are uploaded with the action they belong to: evidence when recording (or by the complainant),
    minutes with the decision, proof with the delivery (multipart/form-data on those endpoints)."""
    item = get_object_or_404(
        Attachment.objects.filter(complaint__in=selectors.complaints_visible_to(_user(request))), pk=attachment_id)
    return attachment_response(item)


# Register and compliance


class RegisterQuery(Schema):
    unit: str | None = Field(None, max_length=32, description="Unit code; default: your first unit.")
    year: int | None = Field(None, ge=2000, le=2200, description="Default: the latest year with entries.")
    limit: int = Field(200, ge=1, le=1000)
    offset: int = Field(0, ge=0, le=1_000_000)


@router.get("/register", response={200: RegisterPage, **ERRORS}, summary="The Buku Pengaduan of a unit and year")
def register(request, query: Query[RegisterQuery]):
    unit = _member_unit(request, query.unit)
    years = selectors.register_years(unit)
    year = query.year or (years[0] if years else timezone.localdate().year)
    entries = api_selectors.register_page(unit=unit, year=year)
    return {
        "unit": {"code": unit.code, "name": unit.name},
        "year": year,
        "count": entries.count(),
        "limit": query.limit,
        "offset": query.offset,
        "items": [api_selectors.register_entry(c) for c in entries[query.offset:query.offset + query.limit]],
    }


class ComplianceQuery(Schema):
    unit: str | None = Field(None, max_length=32)
    date_from: date | None = Field(None, ge=EARLIEST, le=LATEST,
                                   description="Steps completed from this day; default: 1 January.")
    date_to: date | None = Field(None, ge=EARLIEST, le=LATEST, description="Up to this day, included; default: today.")


@router.get("/compliance", response={200: ComplianceOut, **ERRORS}, summary="Time-limit compliance per SOP step")
def compliance(request, query: Query[ComplianceQuery]):
    """Per step: how many were completed in the period, the share on time, and the median duration."""
    unit = _member_unit(request, query.unit)
    today = timezone.localdate()
    date_to = query.date_to or today
    date_from = query.date_from or date_to.replace(month=1, day=1)
    if date_from > date_to:
        raise ApiError(422, _("Please correct the marked fields."),
                       {"date_from": [_("The period must start before it ends.")]})
    return {"unit": {"code": unit.code, "name": unit.name}, "date_from": date_from, "date_to": date_to,
            "steps": api_selectors.compliance(unit=unit, date_from=date_from, date_to=date_to)}
