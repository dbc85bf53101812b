"""Staff pages. Each view checks access, calls one engine action or selector, and renders."""

from dataclasses import dataclass
from datetime import date
from types import SimpleNamespace

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pengaduan.complaints import engine, examinations, hierarchy, selectors
from pengaduan.complaints.attachments import attachment_response
from pengaduan.complaints.codes import tracking_code_filter
from pengaduan.complaints.errors import StepInputInvalid, WorkflowError
from pengaduan.complaints.history import complainant_history
from pengaduan.complaints.kinds import get_kind, kinds
from pengaduan.complaints.models import (
    Attachment,
    Complaint,
    CoordinationRequest,
    Event,
    Examination,
    Forward,
    NotifyBy,
    StepRun,
)
from pengaduan.complaints.page import complaint_page
from pengaduan.complaints.privacy import channel_details, identity_for
from pengaduan.documents.issued import (
    issue_answer_letter,
    issue_disposition,
    issue_forwarding_letter,
    issue_receipt,
)
from pengaduan.notifications.selectors import complainant_messages
from pengaduan.sop.models import Sop, SopStep
from pengaduan.sop.selectors import current_sop
from pengaduan.units.models import Unit
from pengaduan.units.oversight import oversees
from pengaduan.workcalendar.services import cached_calendar_for_unit, calendar_for_unit
from pengaduan.workdesk.deadlines import TimeLeft, time_left
from pengaduan.workdesk.forms import InboxFilterForm


def _calendars():
    """calendar_for_unit, asked once per unit id for a list of steps of possibly several units."""
    cache = {}

    def for_unit(unit_id: int):
        if unit_id not in cache:
            cache[unit_id] = calendar_for_unit(Unit(pk=unit_id))
        return cache[unit_id]

    return for_unit


def _intake_units(user, units: list[Unit] | None = None) -> list[Unit]:
    """Units where the user performs the first step of the unit's current SOP (and so may record complaints).

    `units`: the user's units, when the caller has them already."""
    roles = selectors.roles_by_unit(user)
    units = list(Unit.objects.filter(pk__in=list(roles))) if units is None else units
    # The first step's performer of each code's newest SOP version, in one query over the (small) step table;
    # the SOPs' documents are not needed for it.
    first_performer: dict[str, str] = {}
    for code, performer in (SopStep.objects.filter(sop__code__in={unit.sop_code for unit in units})
                            .order_by("sop__code", "-sop__version", "number").values_list("sop__code", "performer")):
        first_performer.setdefault(code, performer)
    return [unit for unit in units if first_performer.get(unit.sop_code) in roles.get(unit.pk, ())]


def _apply_errors(form, refused: StepInputInvalid):
    for field, field_errors in refused.errors.items():
        for error in field_errors:
            form.add_error(field if field in form.fields else None, error)


INBOX_PAGE = 25


def _pager_query(request) -> str:
    """The page's query string without `page`, ready to take `page=N` after it (see _pager.html)."""
    query = request.GET.copy()
    query.pop("page", None)
    return f"{query.urlencode()}&" if query else ""


@dataclass
class StepRow:
    """One line of a list of steps, with what the templates would otherwise work out again for each line."""

    run: StepRun
    kind_label: str
    left: TimeLeft
    performer: str = ""


def _rows(runs, now) -> list[StepRow]:
    calendar = _calendars()
    rows = [StepRow(run, get_kind(run.step.kind).label, time_left(run, calendar(run.unit_id), now)) for run in runs]
    # A paused step waits either for the complainant or for an examination: ask only about the paused ones.
    paused = [row.run.pk for row in rows if row.run.paused_at is not None]
    examined = set(Examination.objects.filter(step_run_id__in=paused, submitted_at__isnull=True)
                   .values_list("step_run_id", flat=True)) if paused else set()
    for row in rows:
        if row.run.pk in examined:
            row.left = TimeLeft(_("clock paused: waiting for the examination"), "paused")
    return rows


@dataclass
class ExaminationRow:
    examination: Examination
    left: TimeLeft
    examiner: str


def _examination_rows(items, now) -> list[ExaminationRow]:
    """Examinations with their office time left, read like a step's (ordered → deadline)."""
    calendar = _calendars()
    sops = {sop.pk: sop for sop in Sop.objects.filter(pk__in={item.complaint.sop_id for item in items}).only("roles")}
    rows = []
    for item in items:
        clock = SimpleNamespace(done_at=item.submitted_at, on_time=item.on_time, paused_at=None,
                                due_at=item.due_at, started_at=item.ordered_at)
        examiner = (item.assignee.get_full_name() or item.assignee.username) if item.assignee_id else \
            examinations.role_title(sops[item.complaint.sop_id], item.role)
        rows.append(ExaminationRow(item, time_left(clock, calendar(item.unit_id), now), examiner))
    return rows


@login_required
def inbox(request):
    """The steps waiting for the user, nearest deadline first, a page at a time (read along the
    `complaints_open_by_role` index, so a page costs the same whatever the backlog)."""
    if not selectors.roles_by_unit(request.user) and oversees(request.user):
        return redirect("workdesk:oversight")  # an oversight account holds no step of its own
    now = timezone.now()
    filters = InboxFilterForm(request.GET or None)
    runs = selectors.steps_waiting_for(request.user)
    if filters.is_valid():
        runs = selectors.filter_step_runs(runs, filters=filters.cleaned_data, now=now, user=request.user)
    # The total for the pager and the overdue count in one aggregate, read along the same partial index.
    counts = runs.aggregate(total=Count("pk"), overdue=Count("pk", filter=Q(due_at__lt=now, paused_at__isnull=True)))
    paginator = Paginator(runs, INBOX_PAGE)
    paginator.count = counts["total"]  # a cached_property: set, it is not counted again
    page = paginator.get_page(request.GET.get("page"))
    units = list(Unit.objects.filter(pk__in=list(selectors.roles_by_unit(request.user))))
    return render(request, "workdesk/inbox.html", {
        "rows": _rows(page.object_list, now),
        "page": page,
        "pager_query": _pager_query(request),
        "filters": filters,
        "filtered": any(key != "page" for key in request.GET),
        "overdue_count": counts["overdue"],
        "questions": selectors.coordination_waiting_for(request.user),
        "examinations": _examination_rows(list(selectors.examinations_waiting_for(request.user)), now),
        "monitored": _monitored(request.user, units),
        "intake_units": _intake_units(request.user, units),
        "has_team": bool(selectors.team_units(request.user)),
    })


MONITORED_ROWS = 50


def _monitored(user, units: list[Unit]) -> list[Forward]:
    """Forwarded cases of the user's units still waiting for their answer, for those who handle hand-overs there
    (the front office and the deciding roles; the superiors in the team view)."""
    forwards = list(selectors.forwards_monitored_by(user)[:MONITORED_ROWS])
    return [forward for forward in forwards if engine.may_handle_forwarding(user, forward.origin)]


TEAM_ROWS_PER_STEP = 10
TEAM_STEP_PAGE = 25


def _team_rows(runs, now) -> list[StepRow]:
    """The rows with the performer's title, from each complaint's SOP version."""
    sops = {sop.pk: sop for sop in Sop.objects.filter(pk__in={run.complaint.sop_id for run in runs}).only("roles")}
    rows = _rows(runs, now)
    for row in rows:
        row.performer = sops[row.run.complaint.sop_id].role_title(row.run.role)
    return rows


@login_required
def team(request):
    """Everything open in the unit, by step, most overdue first: the Sekretaris' and Inspektur's overview.

    Counts come from one aggregate and each step lists its most urgent cases, so the page stays light
    whatever the backlog; `?step=N` lists all of one step's open cases, a page at a time."""
    unit_ids = selectors.team_units(request.user)
    if not unit_ids:
        raise Http404
    now = timezone.now()
    counts = selectors.team_counts(unit_ids, now=now)
    chosen = next((count for count in counts if str(count["number"]) == request.GET.get("step")), None)
    page = None
    if chosen is not None:
        counts = [chosen]
        page = Paginator(selectors.team_open_steps(unit_ids, number=chosen["number"]), TEAM_STEP_PAGE).get_page(
            request.GET.get("page"))
        runs = list(page.object_list)
    else:
        runs = list(selectors.team_step_runs(unit_ids, per_step=TEAM_ROWS_PER_STEP))
    rows_by_step: dict[int, list] = {}
    for row in _team_rows(runs, now):
        rows_by_step.setdefault(row.run.number, []).append(row)
    groups = []
    for count in counts:
        rows = rows_by_step.get(count["number"], [])
        groups.append({**count, "label": rows[0].kind_label if rows else "", "rows": rows})
    monitored = list(selectors.forwards_monitored_by(request.user).filter(origin_unit_id__in=unit_ids)[:MONITORED_ROWS])
    return render(request, "workdesk/team.html", {
        "groups": groups, "page": page, "chosen": chosen, "pager_query": _pager_query(request),
        "examinations": [] if chosen else _examination_rows(list(selectors.team_examinations(unit_ids)), now),
        "monitored": monitored, "now": now,
    })


@login_required
def record(request):
    units = _intake_units(request.user)
    if not units:
        raise Http404
    unit = units[0]
    if len(units) > 1:
        unit = next((u for u in units if str(u.pk) == request.POST.get("unit", request.GET.get("unit"))), unit)
    form = kinds.one("records_complaint").form_class(request.POST or None, request.FILES or None,
                      initial={"channel": "walk_in", "received_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M")})
    if request.method == "POST":
        linked_to = None
        if request.POST.get("linked_to"):
            linked_to = selectors.complaints_visible_to(request.user).filter(
                unit=unit, pk=request.POST["linked_to"]).first()
        try:
            complaint = engine.complaint_record(unit=unit, actor=request.user, data=request.POST, files=request.FILES,
                                                linked_to=linked_to)
        except StepInputInvalid as refused:
            _apply_errors(form, refused)
        except WorkflowError as refused:
            messages.error(request, refused.message)
        else:
            messages.success(request, _("Recorded in the Buku Pengaduan as %(number)s.")
                             % {"number": complaint.register_number})
            return redirect(complaint)
    sop = current_sop(unit)
    return render(request, "workdesk/record.html", {
        "form": form, "unit": unit, "units": units, "warnings": _sop_warnings(sop),
    })


def _sop_warnings(sop) -> list[str]:
    """The SOP's own warnings (Peringatan), e.g. that staff stay courteous: shown where complaints are taken in."""
    return list(sop.document.get("sop", {}).get("warnings", [])) if sop else []


@login_required
def similar(request):
    """Similar complaints of the unit while an officer types a new one (fetched by htmx as they type)."""
    units = _intake_units(request.user)
    if not units:
        raise Http404
    unit = next((u for u in units if str(u.pk) == request.GET.get("unit")), units[0])
    fields = {key: request.GET.get(key, "")[:2000] for key in ("summary", "description", "subject", "event_place")}
    found = selectors.similar_complaints(unit=unit, **fields) if any(fields.values()) else []
    return render(request, "workdesk/_similar.html", {"similar": found, "selectable": True})


def _visible_complaint(user, pk) -> Complaint:
    return get_object_or_404(
        selectors.complaints_visible_to(user).select_related("unit", "sop", "complainant"), pk=pk
    )


@login_required
def complaint_detail(request, pk, step_form=None, question_form_errors=None, report_form=None,
                     outside_answer_form=None, correction_form=None):
    complaint = _visible_complaint(request.user, pk)
    page = complaint_page(request.user, complaint, where=request.path)
    now = timezone.now()
    calendar = cached_calendar_for_unit(complaint.unit)  # per process, behind the calendar's stamp
    listed = selectors.lists_with_rows(complaint)  # no query for a list without rows
    examination = _examination_context(request.user, complaint, page.roles, now, report_form,
                                       any_rows="examinations" in listed)
    # The step whose clock waits for the open examination (at most one is open per complaint).
    examining = examination["examination_open"].step_run_id if examination["examination_open"] else None
    steps = [{
        "step": line.step,
        "role_title": line.role_title,
        "run": line.run,
        "left": step_left(line.run, calendar, now, examining) if line.run else None,
        "output_rows": line.output_rows,
    } for line in page.steps]
    current = page.current
    context = {
        "complaint": complaint,
        "steps": steps,
        "current": current,
        "events": _with_change_rows(selectors.complaint_timeline(complaint)),
        "attachments": complaint.attachments.all() if "attachments" in listed else [],
        "questions": list(complaint.coordination_requests.select_related("requested_by", "answered_by", "addressee"))
        if "coordination_requests" in listed else [],
        "my_roles": page.roles,
        # The output the current performer works from (e.g. the clarification for the Inspektur) opens by itself.
        "previous_number": current.number - 1 if current else None,
        # Who may print the receipt (and so issue a new tracking code): the first step's performer.
        "intake_role": bool(page.steps) and page.steps[0].step.performer in page.roles,
    }
    context.update(_forwarding_context(request.user, complaint, page.forwarding, outside_answer_form))
    context["information_requests"] = (complaint.information_requests.select_related("asked_by")
                                       if "information_requests" in listed else [])
    context["complainant_messages"] = (complaint.complainant_messages.all()
                                       if "complainant_messages" in listed else [])
    context["notes"] = complaint.internal_notes.select_related("author") if "internal_notes" in listed else []
    context["complainant"] = page.complainant
    context["notify_by_label"] = (dict(NotifyBy.choices).get(page.complainant.notify_by, "")
                                  if page.complainant is not None else "")
    context["history"] = complainant_history(request.user, complaint, identity=page.complainant)
    context["outbox"] = complainant_messages(complaint) if page.complainant is not None else []
    context["channel_details"] = channel_details(complaint, shown=page.complainant is not None)
    context["public"] = page.public
    context["answer_drafted"] = page.answer_drafted
    context["decision_reached"] = page.decision_reached
    # The viewer's roles in the unit are on the page already: no query per question asked of them.
    context["may_extend"] = current is not None and engine.may_extend(request.user, current, roles=page.roles)
    if complaint.is_recorded and complaint.register_mark != Complaint.RegisterMark.VOID and \
            hierarchy.unit_head_role(complaint.unit, complaint.sop) in page.roles:
        context["correction_form"] = correction_form or engine.RegisterCorrectionForm(instance=complaint)
    context.update(examination)
    if page.may_act and not context["examination_open"]:
        kind = page.current_kind
        context["kind"] = kind
        if kind.records_complaint and not complaint.is_recorded:
            context["set_aside_reasons"] = Complaint.SetAsideReason.choices
        if kind.records_complaint:
            context["warnings"] = _sop_warnings(complaint.sop)
            context["similar"] = selectors.similar_complaints(
                unit=complaint.unit, summary=complaint.summary, description=complaint.description,
                subject=complaint.subject, event_place=complaint.event_place, exclude_pk=complaint.pk,
            )
        context["step_form"] = step_form or kind.form_class(initial=kind.initial(complaint), complaint=complaint)
        context["coordinator_roles"] = [(role, complaint.sop.role_title(role)) for role in current.step.coordinators]
    return render(request, "workdesk/complaint.html", context)


# Events whose history line shows the reason written with them.
_WITH_REASON = frozenset({Event.Kind.FORWARD_RETURNED, Event.Kind.RETURNED, Event.Kind.REGISTER_VOIDED,
                          Event.Kind.REGISTER_CORRECTED, Event.Kind.DEADLINE_EXTENDED})


def _with_change_rows(events) -> list:
    """The history's events with their kind's label and whether a reason is shown (worked out once here: the
    model's get_kind_display builds a dict of every kind per call), and a register correction's changes as
    (field label, old, new)."""
    events = list(events)
    labels = {name: field.label for name, field in engine.RegisterCorrectionForm.base_fields.items()}
    kinds = dict(Event.Kind.choices)
    for event in events:
        event.kind_label = kinds.get(event.kind, event.kind)
        event.shows_reason = event.kind in _WITH_REASON
        if event.kind == Event.Kind.REGISTER_CORRECTED:
            event.change_rows = [(labels.get(name, name), old, new)
                                 for name, (old, new) in (event.data.get("changes") or {}).items()]
    return events


def step_left(run: StepRun, calendar, now, examining_run_id: int | None) -> TimeLeft:
    """A step's time left; a step waiting for an examination says so (its clock is paused for it)."""
    if run.pk == examining_run_id and run.is_open:
        return TimeLeft(_("clock paused: waiting for the examination"), "paused")
    return time_left(run, calendar, now)


def _examination_context(user, complaint: Complaint, roles: set[str], now, report_form, *, any_rows: bool) -> dict:
    items = list(complaint.examinations.select_related("assignee", "ordered_by", "submitted_by", "report")) \
        if any_rows else []
    open_one = next((item for item in items if item.is_open), None)
    may_report = bool(open_one and open_one.role in roles and open_one.assignee_id in (None, user.pk))
    return {
        "examinations": _examination_rows(items, now) if items else [],
        "examination_open": open_one,
        "report_form": (report_form or examinations.ExaminationReportForm()) if may_report else None,
    }


def _forwarding_context(user, complaint: Complaint, links: selectors.ForwardLinks, outside_answer_form=None) -> dict:
    """Where the case came from (with what the forwarding unit found) and where it went."""
    came_from, forwards = links.came_from, links.forwards
    may_handle = (came_from is not None or bool(forwards)) and engine.may_handle_forwarding(user, complaint)
    material = []
    if came_from is not None:
        received = complaint.events.filter(kind=Event.Kind.FORWARD_RECEIVED).only("data").first()
        material = received.data.get("material", []) if received else []
    return {
        "came_from": came_from,
        "material": material,
        "may_return": may_handle and came_from is not None and came_from.state == Forward.State.MONITORING
        and complaint.status == Complaint.Status.OPEN,
        "forwards": forwards,
        "may_handle_forwarding": may_handle,
        "outside_answer_form": outside_answer_form or engine.OutsideAnswerForm(),
    }


@login_required
@require_POST
def submit_examination(request, pk, examination_pk):
    """The examiner hands in the examination report (LHP); the case goes back to the decision step."""
    complaint = _visible_complaint(request.user, pk)
    examination = get_object_or_404(Examination.objects.filter(complaint=complaint), pk=examination_pk)
    try:
        engine.examination_submit(examination=examination, actor=request.user, data=request.POST,
                                  files=request.FILES)
    except StepInputInvalid as refused:
        form = examinations.ExaminationReportForm(request.POST, request.FILES)
        form.is_valid()
        _apply_errors(form, refused)
        messages.error(request, refused.message)
        return complaint_detail(request, pk, report_form=form)
    except WorkflowError as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("The examination report is in; the case is back with the decision step."))
    return redirect(complaint)


def _act(request, complaint: Complaint, action, success):
    """Run one engine action from a form without inputs of its own beyond a reason: the refusal as an error
    message, else `success` (a text, or a function of the action's result); back to the complaint either way."""
    try:
        result = action()
    except StepInputInvalid as refused:
        messages.error(request, " ".join(" ".join(errors) for errors in refused.errors.values()))
    except WorkflowError as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, success(result) if callable(success) else success)
    return redirect(complaint)


@login_required
@require_POST
def forward_return(request, pk):
    complaint = _visible_complaint(request.user, pk)
    return _act(request, complaint,
                lambda: engine.forward_return(complaint=complaint, actor=request.user,
                                              reason=request.POST.get("reason", "")),
                _("The case has been returned to the forwarding unit with your reason."))


@login_required
@require_POST
def forward_answer(request, pk):
    complaint = _visible_complaint(request.user, pk)
    try:
        engine.forward_answer_record(complaint=complaint, actor=request.user, data=request.POST, files=request.FILES)
    except StepInputInvalid as refused:
        form = engine.OutsideAnswerForm(request.POST, request.FILES)
        form.is_valid()
        messages.error(request, refused.message)
        return complaint_detail(request, pk, outside_answer_form=form)
    except WorkflowError as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("The answer of the outside body is recorded; the case is closed."))
    return redirect(complaint)


@login_required
def forwarding_letter(request, pk, forward_pk):
    """The surat pelimpahan to the outside body, on the unit's letterhead."""
    complaint = _visible_complaint(request.user, pk)
    forward = get_object_or_404(complaint.forwards.filter(target_unit__isnull=True), pk=forward_pk)
    content, _issued = issue_forwarding_letter(forward, actor=request.user)
    return _pdf_response(content, f"surat-pelimpahan-{complaint.pk}-{forward.pk}.pdf")


@login_required
@require_POST
def complete_step(request, pk, number):
    complaint = _visible_complaint(request.user, pk)
    try:
        engine.step_complete(complaint=complaint, actor=request.user, step_number=number,
                             data=request.POST, files=request.FILES)
    except StepInputInvalid as refused:
        run = complaint.step_runs.select_related("step").get(number=number)
        kind = get_kind(run.step.kind)
        form = kind.form_class(request.POST, request.FILES, complaint=complaint)
        form.is_valid()
        messages.error(request, refused.message)
        return complaint_detail(request, pk, step_form=form)
    except WorkflowError as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("Step %(number)s is done.") % {"number": number})
    return redirect(complaint)


@login_required
@require_POST
def ask_coordination(request, pk):
    complaint = _visible_complaint(request.user, pk)
    try:
        engine.coordination_request(complaint=complaint, actor=request.user, role=request.POST.get("role", ""),
                                    question=request.POST.get("question", ""))
    except WorkflowError as refused:
        messages.error(request, _("%(why)s Please write the question.") % {"why": refused.message}
                       if isinstance(refused, StepInputInvalid) else refused.message)
    else:
        messages.success(request, _("Your question has been sent."))
    return redirect(complaint)


@login_required
@require_POST
def answer_coordination(request, pk):
    question = get_object_or_404(
        CoordinationRequest.objects.filter(complaint__in=selectors.complaints_visible_to(request.user)), pk=pk
    )
    try:
        engine.coordination_answer(request=question, actor=request.user, answer=request.POST.get("answer", ""))
    except WorkflowError as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("Your answer has been sent."))
    return redirect(question.complaint)


REGISTER_PAGE = 50


@login_required
def register(request):
    units = list(Unit.objects.filter(pk__in=list(selectors.roles_by_unit(request.user))))
    if not units:
        raise Http404
    unit = next((u for u in units if str(u.pk) == request.GET.get("unit")), units[0])
    years = selectors.register_years(unit)
    try:
        year = int(request.GET.get("year") or (years[0] if years else date.today().year))
    except ValueError:
        year = date.today().year
    # A year can hold a hundred thousand entries: pages of REGISTER_PAGE, each a range of register numbers.
    page = Paginator(selectors.RegisterYear(unit=unit, year=year), REGISTER_PAGE).get_page(request.GET.get("page"))
    return render(request, "workdesk/register.html", {
        "unit": unit, "units": units, "year": year, "years": years, "page": page, "entries": page.object_list,
        "pager_query": f"unit={unit.pk}&year={year}&",
    })


@login_required
def attachment(request, pk):
    """Attachments are served only to staff of the complaint's unit, never from a public media URL."""
    item = get_object_or_404(
        Attachment.objects.filter(complaint__in=selectors.complaints_visible_to(request.user)), pk=pk
    )
    return attachment_response(item)


@login_required
@require_POST
def set_aside(request, pk):
    complaint = _visible_complaint(request.user, pk)
    duplicate_of = None
    if request.POST.get("duplicate_of"):
        duplicate_of = _find_case(request.user, complaint, request.POST["duplicate_of"])
    return _act(request, complaint,
                lambda: engine.complaint_set_aside(complaint=complaint, actor=request.user,
                                                   reason=request.POST.get("reason", ""),
                                                   note=request.POST.get("note", ""), duplicate_of=duplicate_of),
                _("The complaint has been set aside; it is not entered in the register."))


def _find_case(user, complaint, reference: str) -> Complaint | None:
    """A case of the same unit by register number, tracking code or id, as an officer types it."""
    reference = reference.strip()
    cases = selectors.complaints_visible_to(user).filter(unit=complaint.unit).exclude(pk=complaint.pk)
    if reference.isdigit():
        return cases.filter(pk=int(reference)).first()
    return (cases.filter(register_number__iexact=reference).first()
            or cases.filter(tracking_code_filter(reference)).first())


@login_required
@require_POST
def link(request, pk):
    complaint = _visible_complaint(request.user, pk)
    target = _find_case(request.user, complaint, request.POST.get("linked_to", "")) if request.POST.get(
        "linked_to") else None
    if request.POST.get("linked_to") and target is None:
        messages.error(request, _("No complaint of this unit has that number."))
        return redirect(complaint)
    try:
        engine.complaint_link(complaint=complaint, actor=request.user, linked_to=target)
    except WorkflowError as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("Linked to %(case)s.") % {"case": target} if target else _("Link removed."))
    return redirect(complaint)


@login_required
@require_POST
def ask_complainant(request, pk):
    complaint = _visible_complaint(request.user, pk)
    try:
        engine.information_request(complaint=complaint, actor=request.user, question=request.POST.get("question", ""),
                                   pause_clock=bool(request.POST.get("pause_clock")))
    except StepInputInvalid:
        messages.error(request, _("Write the question for the complainant."))
    except WorkflowError as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("The question is shown to the complainant on the tracking page."))
    return redirect(complaint)


def _require_identity(request, complaint):
    """Documents addressed to the complainant carry the identity: only for those who may see it."""
    if complaint.is_confidential and identity_for(request.user, complaint, where=request.path) is None:
        raise PermissionDenied


def _pdf_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@login_required
def answer_letter(request, pk):
    complaint = _visible_complaint(request.user, pk)
    if not complaint.step_runs.filter(step__kind__in=kinds.names_having("produces_answer"),
                                      done_at__isnull=False).exists():
        raise Http404
    _require_identity(request, complaint)
    content, _issued = issue_answer_letter(complaint, actor=request.user)
    return _pdf_response(content, f"surat-jawaban-{complaint.pk}.pdf")


@login_required
@require_POST
def extend_deadline(request, pk):
    complaint = _visible_complaint(request.user, pk)
    return _act(request, complaint,
                lambda: engine.deadline_extend(complaint=complaint, actor=request.user,
                                               extension=request.POST.get("extension", ""),
                                               reason=request.POST.get("reason", "")),
                lambda run: _("The deadline of step %(number)s is extended.") % {"number": run.number})


@login_required
@require_POST
def register_correct(request, pk):
    complaint = _visible_complaint(request.user, pk)
    try:
        engine.register_correct(complaint=complaint, actor=request.user, data=request.POST)
    except StepInputInvalid as refused:
        form = engine.RegisterCorrectionForm(request.POST, instance=complaint)
        form.is_valid()
        for error in refused.errors.get("__all__", []):
            form.add_error(None, error)
        messages.error(request, refused.message)
        return complaint_detail(request, pk, correction_form=form)
    except WorkflowError as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("The register entry is corrected; the old values stay in the history."))
    return redirect(complaint)


@login_required
@require_POST
def register_void(request, pk):
    complaint = _visible_complaint(request.user, pk)
    return _act(request, complaint,
                lambda: engine.register_void(complaint=complaint, actor=request.user,
                                             reason=request.POST.get("reason", "")),
                _("The register entry is void; its number stays in the register."))


@login_required
def disposition_sheet(request, pk):
    """The lembar disposisi of the step that decides the follow-up, once the case has reached it."""
    complaint = _visible_complaint(request.user, pk)
    if not complaint.step_runs.filter(step__kind__in=kinds.names_having("produces_decision")).exists():
        raise Http404
    content, _issued = issue_disposition(complaint, actor=request.user)
    return _pdf_response(content, f"lembar-disposisi-{complaint.pk}.pdf")


@login_required
@require_POST
def receipt(request, pk):
    """The receipt to print and hand over to the complainant, with a new tracking code.

    Only the code's hash is stored, so printing issues a new code (the previous one stops working, and the
    timeline says a code was issued): the recording officer prints it for the complainant in front of them."""
    complaint = _visible_complaint(request.user, pk)
    _require_identity(request, complaint)
    try:
        engine.tracking_code_reissue(complaint=complaint, actor=request.user)
    except WorkflowError as refused:
        messages.error(request, refused.message)
        return redirect(complaint)
    content, _issued = issue_receipt(complaint, base_url=request.build_absolute_uri("/"), actor=request.user)
    return _pdf_response(content, f"tanda-terima-{complaint.pk}.pdf")


@login_required
@require_POST
def resume(request, pk):
    complaint = _visible_complaint(request.user, pk)
    try:
        engine.step_resume(complaint=complaint, actor=request.user)
    except WorkflowError as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("The clock runs again; the deadline has moved on by the time waited."))
    return redirect(complaint)


@login_required
@require_POST
def add_note(request, pk):
    complaint = _visible_complaint(request.user, pk)
    try:
        engine.note_add(complaint=complaint, actor=request.user, text=request.POST.get("text", ""))
    except StepInputInvalid:
        messages.error(request, _("Write the note."))
    except WorkflowError as refused:
        messages.error(request, refused.message)
    return redirect(complaint)
