"""Public endpoints, no token: what the portal's pages do, for apps.

The tracking code is the complainant's key, as on the portal: it shows the public status only (never staff
names, internal notes or anyone's identity), and every look-up counts against the same per-address limits as
the portal's pages.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Router, Status

from pengaduan.api.errors import ApiError, RateLimited
from pengaduan.api.forms import ApiComplaintForm
from pengaduan.api.inputs import form_input, request_body
from pengaduan.api.limits import client_ip, over_limit
from pengaduan.api.schemas import (
    PUBLIC_ERRORS,
    PublicQuestionOut,
    PublicStatusOut,
    PublicUnitOut,
    RatingIn,
    RatingOut,
    ReceivedOut,
)
from pengaduan.complaints import engine, selectors
from pengaduan.complaints.codes import normalise_tracking_code, tracking_code_filter
from pengaduan.complaints.errors import StepInputInvalid
from pengaduan.complaints.models import Complaint, InformationRequest, Rating
from pengaduan.complaints.page import public_status
from pengaduan.complaints.public_forms import ReplyForm
from pengaduan.sop.selectors import portal_units_with_loaded_sop
from pengaduan.throttle import services as throttle
from pengaduan.units.models import Unit
from pengaduan.units.selectors import portal_unit

router = Router()

NOT_FOUND = gettext_lazy("We could not find a complaint with that code. Please check the code and try again.")


def _throttle(request, which) -> None:
    if wait := over_limit(which, client_ip(request)):
        raise RateLimited(wait)


def _tracked(request, code: str) -> Complaint:
    _throttle(request, throttle.LOOKUP.name)
    complaint = Complaint.objects.select_related("unit", "sop").filter(tracking_code_filter(code[:40])).first()
    if complaint is None:
        # The same answer whatever was wrong: no hint that a code exists or what it looks like.
        raise ApiError(404, NOT_FOUND)
    complaint.tracking_code = normalise_tracking_code(code[:40])  # the caller's own code, echoed back
    return complaint


def status_out(complaint: Complaint) -> dict:
    status = public_status(complaint)
    rating = Rating.objects.filter(complaint=complaint).first()
    return {
        "tracking_code": complaint.tracking_code,
        "received_at": complaint.received_at,
        "state": status.state,
        "headline": str(status.headline),
        "detail": str(status.detail),
        "steps": [{"number": step.number, "what": str(step.what), "time_limit": step.time_limit,
                   "state": step.state, "done_at": step.done_at, "due_at": step.due_at} for step in status.steps],
        "current_step": status.current.number if status.current else None,
        "answer": status.answer,
        "answered_at": status.answered_at,
        "forwarded_to": status.forwarded_to,
        "holder": status.holder,
        "path": [{"from_unit": leg.from_unit, "to": leg.to, "at": leg.at, "state": leg.state,
                  "register_number": leg.register_number, "answer": leg.answer, "answered_at": leg.answered_at}
                 for leg in status.path],
        "questions": [{"id": item.pk, "question": item.question, "asked_at": item.asked_at, "reply": item.reply,
                       "replied_at": item.replied_at}
                      # Every unit's questions along the hand-overs: one tracking code for the whole path.
                      for item in InformationRequest.objects.filter(
                          complaint__in=selectors.path_complaints(complaint)).order_by("asked_at")],
        "rating": rating.score if rating else None,
        "can_rate": complaint.status == Complaint.Status.CLOSED and rating is None,
    }


SUBMIT_EXAMPLE = {
    "summary": "Biaya tambahan untuk KTP",
    "description": "Petugas loket meminta Rp50.000 agar KTP cepat selesai.",
    "subject": "Kelurahan Manguharjo",
    "complainant_name": "Siti Aminah",
    "complainant_phone": "081234567890",
}


@router.post("/complaints", response={201: ReceivedOut, **PUBLIC_ERRORS}, summary="Submit a complaint",
             openapi_extra={"requestBody": request_body(ApiComplaintForm, title="PublicComplaintInput",
                                                        example=SUBMIT_EXAMPLE)})
def complaint_submit(request):
    """A complaint from the public, as through the portal's form: it waits for the JFU to record it (step 1).

    Keep the `tracking_code` of the answer: it is the only way to follow the complaint. JSON, or
    multipart/form-data with evidence files (field `evidence`). Anonymous complaints keep no identity at all.
    `unit` (a unit code from `GET /units`) sends it to that unit; without it, the Pemda's triage unit receives it
    and passes it on. An unknown code is refused (422, field `unit`)."""
    engine.complaint_expected()  # on PostgreSQL the rows' keys come with the first read (the caches' stamps)
    if portal_unit() is None:
        raise ApiError(404, _("No unit receives complaints here yet."))
    _throttle(request, throttle.SUBMIT.name)
    data, files = form_input(request, ApiComplaintForm)
    form = ApiComplaintForm(data, files)
    if not form.is_valid():
        raise StepInputInvalid(_("Please correct the marked fields."),
                               {field: [str(m) for m in messages] for field, messages in form.errors.items()})
    # The unit the complainant chose (`unit`, a code), else the Pemda's triage unit.
    unit = form.cleaned_data.get("unit") or portal_unit()
    complaint = engine.complaint_receive(unit=unit, form=form, files=files,
                                         receipt_base_url=request.build_absolute_uri("/"))
    return Status(201, {"tracking_code": complaint.tracking_code, "received_at": complaint.received_at,
                        "unit": unit_out(unit, triage=portal_unit()), "status": status_out(complaint)})


def unit_out(unit: Unit, *, triage: Unit | None) -> dict:
    return {"code": unit.code, "name": unit.name, "services": unit.services,
            "is_triage": triage is not None and unit.pk == triage.pk,
            "address": unit.address, "phone": unit.phone, "email": unit.email}


@router.get("/units", response={200: list[PublicUnitOut], **PUBLIC_ERRORS}, summary="The units that receive complaints")
def units_list(request):
    """The Pemda's units a complaint may be sent to (`unit` of `POST /complaints`), by name."""
    triage = portal_unit()
    return [unit_out(unit, triage=triage) for unit in portal_units_with_loaded_sop()]


@router.get("/complaints/{code}", response={200: PublicStatusOut, **PUBLIC_ERRORS},
            summary="Follow a complaint by its tracking code")
def complaint_track(request, code: str):
    return status_out(_tracked(request, code))


@router.post("/complaints/{code}/rating", response={201: RatingOut, **PUBLIC_ERRORS},
             summary="Rate the answer, once it was delivered")
def complaint_rate(request, code: str, payload: RatingIn):
    complaint = _tracked(request, code)
    rating = engine.complaint_rate(complaint=complaint, score=payload.score, comment=payload.comment)
    return Status(201, {"score": rating.score, "comment": rating.comment, "created_at": rating.created_at})


@router.post("/complaints/{code}/questions/{question_id}/reply", response={200: PublicQuestionOut, **PUBLIC_ERRORS},
             summary="Answer an officer's question",
             openapi_extra={"requestBody": request_body(ReplyForm, title="ReplyInput")})
def question_reply(request, code: str, question_id: int):
    """JSON `{"reply": "..."}`, or multipart/form-data with files (field `evidence`). A paused step's clock
    runs again once every question is answered."""
    complaint = _tracked(request, code)
    question = InformationRequest.objects.filter(complaint__in=selectors.path_complaints(complaint),
                                                 pk=question_id).first()
    if question is None:
        raise ApiError(404, _("This complaint has no such question."))
    _throttle(request, throttle.REPLY.name)
    data, files = form_input(request, ReplyForm)
    item = engine.information_reply(request=question, reply=data.get("reply", ""), files=files)
    return {"id": item.pk, "question": item.question, "asked_at": item.asked_at, "reply": item.reply,
            "replied_at": item.replied_at}
