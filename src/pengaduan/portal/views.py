"""Public pages: how to complain, the complaint form, the receipt, tracking, replies and the rating.

No account is needed. The tracking code is the complainant's key: after a successful look-up the session
keeps the code's keyed hash (the database stores nothing else), so that the code does not stay in addresses,
browser history or server logs. The plain code is shown once, on the page right after submitting (and on
that page's receipt PDF and in the receipt mail).

A complaint just sent is followed by a signed cookie that holds its code (HttpOnly, for an office day), not by a
session: the server keeps no plain code, and a citizen's submission writes no session row (a session was a
tenth of the intake's CPU, bench/profile_intake.py). The code is the one the page then shows to that browser;
the signature keeps anyone from making up a cookie. Looking up a code, or "forget", drops the cookie.
"""

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.core import signing
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from pengaduan.complaints import engine, selectors
from pengaduan.complaints.attachments import attachment_response
from pengaduan.complaints.codes import tracking_code_filter
from pengaduan.complaints.errors import StepInputInvalid, WorkflowError
from pengaduan.complaints.kinds import kinds
from pengaduan.complaints.models import Complaint, InformationRequest, Rating
from pengaduan.complaints.page import complaint_page, public_status
from pengaduan.complaints.public_forms import RatingForm, ReplyForm
from pengaduan.documents import verification
from pengaduan.documents.issued import issue_answer_letter, issue_receipt
from pengaduan.links import reverse_numbers
from pengaduan.notifications import media, optout, routing
from pengaduan.portal.forms import PublicComplaintForm, TrackForm, VerifyForm, form_token
from pengaduan.portal.selectors import complainant_files, office_hours, service_standard
from pengaduan.skm import services as skm
from pengaduan.skm.forms import SurveyForm
from pengaduan.reports.standard import service_standard as public_service_standard
from pengaduan.reports.standard import standard_pdf
from pengaduan.sop.selectors import portal_units_with_loaded_sop
from pengaduan.throttle import services as throttle
from pengaduan.units.selectors import portal_unit, portal_unit_by_code

SESSION_KEY = "tracked_complaint"  # the keyed hash of the code, as stored on the complaint
ISSUED_COOKIE = "issued_code"  # the plain code of the complaint this browser has just sent, signed
ISSUED_SALT = "pengaduan.portal.issued-code"


def _unit_or_404():
    unit = portal_unit()
    if unit is None:
        raise Http404
    return unit


def _units():
    """The units a citizen may choose: listed on the portal, their SOP loaded (a list kept per process)."""
    return portal_units_with_loaded_sop()


def _too_many(request, what):
    response = render(request, "portal/too_many.html", {"what": what}, status=429)
    response["Retry-After"] = "600"
    return response


def _remember(request, code_hash: str) -> None:
    """Keep the code's keyed hash in the session under a new session key: a key planted or seen before the code
    was entered (session fixation) opens nothing. The complaint looked up is the one followed from now on: the
    caller drops the cookie of one just sent (_forget_issued)."""
    if request.session.session_key:
        # A request that came without a session has no key to fix; the session middleware gives the new
        # session a fresh key when it saves it (one write instead of an insert now and an update then).
        request.session.cycle_key()
    request.session[SESSION_KEY] = code_hash


def _issue(response, complaint: Complaint) -> None:
    """This browser follows the complaint it has just sent, and sees its plain code (the page and its receipt)."""
    response.set_signed_cookie(ISSUED_COOKIE, complaint.tracking_code, salt=ISSUED_SALT,
                               max_age=settings.SESSION_COOKIE_AGE, secure=settings.SESSION_COOKIE_SECURE,
                               httponly=True, samesite="Lax")


def _forget_issued(response) -> None:
    response.delete_cookie(ISSUED_COOKIE, samesite="Lax")


def _issued_code(request) -> str:
    return request.get_signed_cookie(ISSUED_COOKIE, default="", salt=ISSUED_SALT,
                                     max_age=settings.SESSION_COOKIE_AGE)


def _followed(request) -> tuple[Complaint, str]:
    """The complaint this browser follows, and its plain code when it has just sent it: the complaint of the
    issued cookie, else the one whose code it typed (the session)."""
    complaints = Complaint.objects.select_related("unit", "sop")
    if code := _issued_code(request):
        if complaint := complaints.filter(tracking_code_filter(code)).first():
            return complaint, code
    code_hash = request.session.get(SESSION_KEY)
    complaint = complaints.filter(tracking_code_hash=code_hash).first() if code_hash else None
    if complaint is None:
        raise Http404
    return complaint, ""


def _tracked(request) -> Complaint:
    return _followed(request)[0]


def _just_issued(request, *, required: bool = True) -> Complaint:
    """The tracked complaint, with its plain code when this browser has just submitted it (known only then)."""
    complaint, code = _followed(request)
    if code:
        complaint.tracking_code = code
    elif required:
        raise Http404
    return complaint


def home(request):
    unit = _unit_or_404()
    units = list(_units())
    return render(request, "portal/home.html", {
        "unit": unit, "hours": office_hours(unit), "standard": service_standard(unit),
        # A Pemda: the units a citizen may turn to (one unit alone is the page itself).
        "units": units if len(units) > 1 else [],
    })


def units(request):
    """Every unit of the Pemda that receives complaints, with what it handles."""
    return render(request, "portal/units.html", {"units": _units(), "triage": _unit_or_404()})


def unit_page(request, code):
    """One unit: what it handles, how to reach it, its office hours and its SOP steps in plain words."""
    unit = portal_unit_by_code(code, _units())
    if unit is None:
        raise Http404
    return render(request, "portal/unit.html", {
        "unit": unit, "hours": office_hours(unit), "standard": service_standard(unit),
        "is_triage": unit == portal_unit(),
    })


def _standard_unit(code):
    unit = portal_unit_by_code(code, _units())
    if unit is None:
        raise Http404
    return unit


def standard(request, code):
    """The unit's public service standard for complaints: steps, who, time limits, channels, office hours, the
    complainant's rights, its maklumat pelayanan and complaint officer; printable, and as a PDF."""
    unit = _standard_unit(code)
    return render(request, "portal/standard.html", {"unit": unit, "standard": public_service_standard(unit)})


def standard_download(request, code):
    unit = _standard_unit(code)
    response = HttpResponse(standard_pdf(unit), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="standar-pelayanan-{unit.code}.pdf"'
    return response


def privacy(request):
    return render(request, "portal/privacy.html", {
        "unit": _unit_or_404(), "dpo_name": settings.DPO_NAME, "dpo_email": settings.DPO_EMAIL,
        "retention_years": settings.IDENTITY_RETENTION_YEARS,
    })


@require_http_methods(["GET", "POST"])
def complain(request):
    address = throttle.client_ip(request)
    # Every attempt counts against the address's limit. One that is already over it is refused before any work
    # (the request's first read: on PostgreSQL the caches' stamps go with it, one round trip); a complaint that is
    # accepted is counted inside its own write transaction, so that on SQLite a POST takes the database's write
    # lock once (its code goes back in a cookie, _issue: no session row). On PostgreSQL the keys of the complaint's
    # rows and the opt-outs of the addresses given come with that first read too: the write is then the POST's
    # only other round trip.
    if request.method == "POST":
        engine.complaint_expected()
        routing.read_opt_outs_ahead({"email": request.POST.get("complainant_email", ""),
                                     "phone": request.POST.get("complainant_phone", "")})
        if throttle.used_up(throttle.SUBMIT, address):
            return _too_many(request, _("complaints"))
    triage = _unit_or_404()
    # /pengaduan/baru/?unit=DINKES (the unit's page links here) starts with that unit chosen.
    units = _units()
    chosen = portal_unit_by_code(request.GET.get("unit", ""), units)
    form = PublicComplaintForm(request.POST or None, request.FILES or None, units=units, triage=triage,
                               initial={"token": form_token, "unit": chosen.code if chosen else ""})
    if request.method == "POST":
        if form.is_valid():
            # The unit the citizen chose, else ("I don't know", or a single-unit portal) the triage unit.
            unit = form.cleaned_data.get("unit") or triage

            def counted(_complaint):
                """The attempt counter's statement, prepared before the write transaction and run inside it."""
                return throttle.prepare_count(throttle.SUBMIT, address)  # one too many (a race): rolls back

            try:
                # The receipt e-mail is queued in the complaint's own transaction.
                complaint = engine.complaint_receive(unit=unit, form=form, files=request.FILES,
                                                     receipt_base_url=request.build_absolute_uri("/"),
                                                     also=[counted])
            except throttle.LimitReached:
                return _too_many(request, _("complaints"))
            except StepInputInvalid as refused:
                if not throttle.hit(throttle.SUBMIT, address):
                    return _too_many(request, _("complaints"))
                for field, errors in refused.errors.items():
                    for error in errors:
                        form.add_error(field if field in form.fields else None, error)
            else:
                response = HttpResponseRedirect(reverse_numbers("portal:received"))
                _issue(response, complaint)
                return response
        elif not throttle.hit(throttle.SUBMIT, address):
            return _too_many(request, _("complaints"))
        form.data = form.data.copy()
        form.data["token"] = form_token()
    return render(request, "portal/complain.html", {"form": form, "unit": chosen or triage})


def received(request):
    complaint = _just_issued(request)
    return render(request, "portal/received.html", {
        "complaint": complaint, "status": public_status(complaint),
    })


def receipt(request):
    # Later copies (from the tracking page) carry no code: the database holds only its hash.
    complaint = _just_issued(request, required=False)
    pdf, _issued = issue_receipt(complaint, base_url=request.build_absolute_uri("/"))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = 'inline; filename="tanda-terima.pdf"'
    return response


@require_http_methods(["GET", "POST"])
def track(request):
    # POST only: a code in the address would stay in server logs and browser history (?code= is ignored).
    form = TrackForm(request.POST if request.method == "POST" else None)
    if form.is_bound:
        if not throttle.hit(throttle.LOOKUP, throttle.client_ip(request)):
            return _too_many(request, _("look-ups"))
        if form.is_valid():
            complaint = (Complaint.objects.filter(tracking_code_filter(form.cleaned_data["code"]))
                         .only("tracking_code_hash").first())
            if complaint is not None:
                _remember(request, complaint.tracking_code_hash)
                response = redirect("portal:status")
                _forget_issued(response)
                return response
        # The same answer whatever was wrong: no hint that a code exists or what it looks like.
        form = TrackForm(initial={"code": request.POST.get("code", "")})
        messages.error(request, _("We could not find a complaint with that code. Please check the code and try again."))
    return render(request, "portal/track.html", {"form": form})


def _letter_complaint(complaint: Complaint) -> Complaint | None:
    """Whose answer letter the complainant downloads: this case's own, else that of the unit it was forwarded to
    that answered it (the last along the path)."""
    answering = kinds.names_having("produces_answer")
    for case in reversed(selectors.path_complaints(complaint)):
        if case.status == Complaint.Status.CLOSED and case.step_runs.filter(
                done_at__isnull=False, step__kind__in=answering).exists():
            return case
    return None


def status(request):
    complaint = _tracked(request)
    # One tracking code for the whole path: the questions of every unit the case went through are answered here.
    questions = list(InformationRequest.objects.filter(complaint__in=selectors.path_complaints(complaint))
                     .order_by("asked_at"))
    return render(request, "portal/status.html", {
        "complaint": complaint,
        # The public's view of the complaint page: masked (no identity, no step outputs, no staff names).
        "status": complaint_page(None, complaint).public,
        "questions": questions,
        "reply_form": ReplyForm() if any(q.is_open for q in questions) else None,
        "files": complainant_files(complaint),
        "rating": Rating.objects.filter(complaint=complaint).first(),
        "rating_form": RatingForm() if complaint.status == Complaint.Status.CLOSED else None,
        "has_letter": complaint.status == Complaint.Status.CLOSED and _letter_complaint(complaint) is not None,
        "survey_open": skm.is_open_for(complaint),
        "survey_answered": complaint.status == Complaint.Status.CLOSED and skm.is_answered(complaint),
    })


@require_POST
def reply(request, pk):
    complaint = _tracked(request)
    question = get_object_or_404(InformationRequest.objects.filter(
        complaint__in=selectors.path_complaints(complaint)), pk=pk)
    if not throttle.hit(throttle.REPLY, throttle.client_ip(request)):
        return _too_many(request, _("replies"))
    try:
        engine.information_reply(request=question, reply=request.POST.get("reply", ""), files=request.FILES)
    except StepInputInvalid as refused:
        messages.error(request, " ".join(" ".join(errors) for errors in refused.errors.values()))
    except WorkflowError as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("Thank you. Your answer has been sent to the officer."))
    return redirect("portal:status")


@require_POST
def rate(request):
    complaint = _tracked(request)
    try:
        engine.complaint_rate(complaint=complaint, score=request.POST.get("score"),
                              comment=request.POST.get("comment", ""))
    except StepInputInvalid:
        messages.error(request, _("Please choose a score from 1 to 5."))
    except WorkflowError as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("Thank you for your rating. It helps us improve our service."))
    return redirect("portal:status")


def answer_letter(request):
    """The signed answer letter, for the complainant once the answer has been delivered."""
    complaint = _tracked(request)
    if complaint.status != Complaint.Status.CLOSED:
        raise Http404
    answering = _letter_complaint(complaint)
    if answering is None:
        raise Http404
    try:
        content, _issued = issue_answer_letter(answering)
    except ValueError:
        raise Http404 from None
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = 'inline; filename="surat-jawaban.pdf"'
    return response


def own_file(request, pk):
    complaint = _tracked(request)
    item = get_object_or_404(complainant_files(complaint), pk=pk)
    return attachment_response(item)


@require_POST
def forget(request):
    request.session.pop(SESSION_KEY, None)
    response = redirect("portal:track")
    _forget_issued(response)
    return response


def verify_start(request):
    """Where a reader types the code printed on a document (without a QR app)."""
    code = verification.normalise_code(request.GET.get("code", ""))
    if code:
        return redirect("portal:verify", code=code)
    return render(request, "portal/verify_start.html")


@require_http_methods(["GET", "POST"])
def verify(request, code):
    """The public record of an issued document, and the check of a copy against it.

    Shows what was issued (kind, number, date, unit, content hash), never who complained. A copy is compared by
    its SHA-256: a document that was changed after it was issued, by one byte, does not match."""
    if not throttle.hit(throttle.VERIFY, throttle.client_ip(request)):
        return _too_many(request, _("look-ups"))
    document = verification.find(code)
    if document is None:
        return render(request, "portal/verify_unknown.html", status=404)
    form = VerifyForm(request.POST or None, request.FILES or None)
    result = None
    if form.is_bound and form.is_valid():
        result = "match" if form.digest() == document.sha256 else "mismatch"
    return render(request, "portal/verify.html", {
        "document": document, "display_code": verification.display_code(document.code), "form": form,
        "result": result,
    }, status=200)


# --- the SKM survey (PermenPANRB 14/2017) ----------------------------------------------------------------------

def _survey_unavailable(request, refused: skm.SurveyUnavailable):
    return render(request, "portal/survey_unavailable.html", {"message": refused.message}, status=refused.status)


def _survey_page(request, complaint: Complaint, *, action: str):
    """The questionnaire (GET), or its answers stored (POST): each unanswered question says so beside it."""
    form = SurveyForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if not throttle.hit(throttle.REPLY, throttle.client_ip(request)):
            return _too_many(request, _("answers"))
        try:
            skm.survey_submit(complaint=complaint, data=request.POST)
        except StepInputInvalid:
            form.is_valid()  # the same form, bound: its errors are shown beside each question
        except skm.SurveyUnavailable as refused:
            return _survey_unavailable(request, refused)
        else:
            return redirect("portal:survey_thanks")
    return render(request, "portal/survey.html", {
        "form": form, "unit": skm.rated_unit(complaint), "action": action,
    })


@require_http_methods(["GET", "POST"])
def survey(request, token):
    """The survey from the link sent when the case closed: signed, valid SKM_LINK_DAYS days, answered once."""
    try:
        complaint = skm.complaint_from_token(token)
        if complaint.status != Complaint.Status.CLOSED:
            raise skm.LinkInvalid(_("The survey opens once the answer to your complaint has been delivered."))
        if skm.is_answered(complaint):
            raise skm.AlreadyAnswered(_("The survey for this complaint has already been answered. Thank you."))
    except skm.SurveyUnavailable as refused:
        return _survey_unavailable(request, refused)
    return _survey_page(request, complaint, action=request.path)


@require_http_methods(["GET", "POST"])
def survey_tracked(request):
    """The same survey from the tracking page: for anonymous complainants, and after the link has expired."""
    complaint = _tracked(request)
    if not skm.is_open_for(complaint):
        return redirect("portal:status")
    return _survey_page(request, complaint, action=request.path)


def survey_thanks(request):
    return render(request, "portal/survey_thanks.html")


def _masked_address(address: str) -> str:
    """s•••@example.go.id, +62•••••••7890: enough for the person to recognise, not for a reader of the link."""
    if "@" in address:
        name, domain = address.split("@", 1)
        return f"{name[:1]}•••@{domain}"
    return f"{address[:3]}•••••••{address[-4:]}" if len(address) > 7 else "•••"


# The token is the credential (signed, made for one address and medium); the one-click POST of a mail program
# (RFC 8058) carries no CSRF token, and the page's own buttons do the same with the same token.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    """The one-click opt-out link of our e-mails: a page that asks to confirm (no login), the one-click POST of
    a mail program, and the way back (opting in again)."""
    try:
        medium, address = optout.read_token(token)
    except signing.BadSignature:
        return render(request, "portal/unsubscribe.html", {"invalid": True}, status=400)
    context = {"medium": media.label(medium), "address": _masked_address(address), "token": token}
    if request.method == "POST":
        try:
            if request.POST.get("List-Unsubscribe") == "One-Click":
                optout.opt_out(medium, address, source=optout.Source.ONE_CLICK)
                return HttpResponse(_("You will receive no more e-mails about your complaints."),
                                    content_type="text/plain; charset=utf-8")
            if request.POST.get("action") == "in":
                optout.opt_in(medium, address, source=optout.Source.LINK)
                context["done"] = "in"
            else:
                optout.opt_out(medium, address, source=optout.Source.LINK)
                context["done"] = "out"
        except optout.InvalidAddress:
            return render(request, "portal/unsubscribe.html", {"invalid": True}, status=400)
    context["opted_out"] = optout.opted_out(medium, address) is not None
    return render(request, "portal/unsubscribe.html", context)
