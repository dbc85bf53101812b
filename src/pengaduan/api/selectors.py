"""Reads for the JSON API: complaint lists with the inbox's filters, a complaint as JSON, the actions open to a
caller, the register and compliance figures. No writes here: those go through `complaints.engine`."""

from datetime import date, datetime, time, timedelta

from django.db.models import Count, DurationField, Exists, ExpressionWrapper, F, OuterRef, Q, QuerySet, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from pengaduan.api.inputs import describe_fields
from pengaduan.complaints import engine, selectors
from pengaduan.complaints.codes import tracking_code_filter
from pengaduan.complaints.kinds import get_kind
from pengaduan.complaints.privacy import identity_visible_q, masked_output
from pengaduan.complaints.models import Complaint, Forward, StepRun
from pengaduan.complaints.page import complaint_page
from pengaduan.sop.selectors import current_sop
from pengaduan.units.models import Unit
from pengaduan.units.oversight import oversees


def _open_runs():
    return StepRun.objects.filter(complaint=OuterRef("pk"), done_at__isnull=True)


def complaints_for_api(user, *, filters: dict, now: datetime) -> QuerySet[Complaint]:
    """The complaints of the caller's units, with the current step's number, role and deadline, filtered.

    Filters as in the inbox: unit (code), status, step (the current one), channel, complaint_type, category,
    overdue, received_from/received_to (dates), q (register number, the exact tracking code, summary, subject,
    and the complainant's name only where the caller may see it: a search must not reveal a masked name).
    """
    own_units = list(selectors.roles_by_unit(user))
    # The oversight role reads every unit's complaints (masked); everyone else those of their units.
    readable = Complaint.objects.all() if oversees(user) else Complaint.objects.filter(unit_id__in=own_units)
    complaints = (
        readable
        .select_related("unit")
        .annotate(
            current_step=Subquery(_open_runs().values("number")[:1]),
            current_role=Subquery(_open_runs().values("role")[:1]),
            current_due_at=Subquery(_open_runs().values("due_at")[:1]),
            current_paused_at=Subquery(_open_runs().values("paused_at")[:1]),
        )
        .order_by("-received_at", "-pk")
    )
    if filters.get("unit"):
        complaints = complaints.filter(unit__code__iexact=filters["unit"])
    if filters.get("status"):
        complaints = complaints.filter(status=filters["status"])
    if filters.get("step"):
        complaints = complaints.filter(Exists(_open_runs().filter(number=filters["step"])))
    if filters.get("channel"):
        complaints = complaints.filter(channel=filters["channel"])
    if filters.get("complaint_type"):
        complaints = complaints.filter(complaint_type=filters["complaint_type"])
    if filters.get("category"):
        complaints = complaints.filter(category__icontains=filters["category"])
    if filters.get("overdue") is not None:
        late = Exists(_open_runs().filter(due_at__lt=now, paused_at__isnull=True))
        complaints = complaints.filter(late if filters["overdue"] else ~late)
    if filters.get("received_from"):
        complaints = complaints.filter(received_at__gte=_start_of(filters["received_from"]))
    if filters.get("received_to"):
        complaints = complaints.filter(received_at__lt=_start_of(filters["received_to"] + timedelta(days=1)))
    if text := (filters.get("q") or "").strip():
        complaints = complaints.filter(
            # A name is searched only where the caller may see names (never for the oversight role).
            Q(register_number__icontains=text) | tracking_code_filter(text) | Q(summary__icontains=text)
            | Q(subject__icontains=text) | (Q(complainant__name__icontains=text) & identity_visible_q(user))
        )
    return complaints


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def list_item(complaint: Complaint, now: datetime) -> dict:
    due_at = getattr(complaint, "current_due_at", None)
    paused = getattr(complaint, "current_paused_at", None) is not None
    return {
        "id": complaint.pk,
        "register_number": complaint.register_number,
        "unit": complaint.unit.code,
        "channel": complaint.channel,
        "channel_label": complaint.channel_label,
        "lapor_id": complaint.lapor_id,
        "complaint_type": complaint.complaint_type,
        "category": complaint.category,
        "status": complaint.status,
        "summary": complaint.summary,
        "subject": complaint.subject,
        "received_at": complaint.received_at,
        "recorded_at": complaint.recorded_at,
        "closed_at": complaint.closed_at,
        "current_step": getattr(complaint, "current_step", None),
        "current_role": getattr(complaint, "current_role", None),
        "due_at": due_at,
        "overdue": bool(due_at and not paused and due_at < now),
        "paused": paused,
    }


def visible_complaint(user, pk: int) -> Complaint:
    """A complaint of the caller's units, or Complaint.DoesNotExist (→ 404: others' complaints do not exist).

    What every action acts on: the oversight role reads other units' complaints but acts on none."""
    return (
        complaints_for_api(user, filters={}, now=timezone.now())
        .filter(unit_id__in=list(selectors.roles_by_unit(user)))
        .select_related("sop", "complainant")
        .get(pk=pk)
    )


def readable_complaint(user, pk: int) -> Complaint:
    """A complaint the caller may read: of their units, or of any unit for the oversight role."""
    return complaints_for_api(user, filters={}, now=timezone.now()).select_related("sop", "complainant").get(pk=pk)


def actions_for(user, complaint: Complaint, current: StepRun | None, roles: set[str]) -> list[str]:
    """What the caller may do now; the engine decides in the end, this only spares clients a refused request."""
    actions = []
    examining = complaint.examinations.filter(submitted_at__isnull=True).exists()
    if current is not None and current.role in roles and not examining:
        actions.append(f"complete_step:{current.number}")
        if get_kind(current.step.kind).records_complaint and not complaint.is_recorded:
            actions.append("set_aside")
        if current.step.coordinators:
            actions.append("coordination_request")
        actions.append("information_request")
        if current.paused_at is not None:
            actions.append("resume")
    for request in complaint.coordination_requests.filter(answered_at__isnull=True):
        if request.role in roles and request.addressee_id in (None, user.pk):
            actions.append(f"coordination_answer:{request.pk}")
    for examination in complaint.examinations.filter(submitted_at__isnull=True):
        if examination.role in roles and examination.assignee_id in (None, user.pk):
            actions.append(f"examination_report:{examination.pk}")
    if roles and (forwarding := _forwarding_actions(user, complaint)):
        actions += forwarding
    if roles:
        actions.append("note")
    return actions


def _forwarding_actions(user, complaint: Complaint) -> list[str]:
    came = Forward.objects.filter(target=complaint, state=Forward.State.MONITORING).exists()
    outside = complaint.forwards.filter(state=Forward.State.MONITORING, target_unit__isnull=True).exists()
    if not (came or outside) or not engine.may_handle_forwarding(user, complaint):
        return []
    return (["return"] if came and complaint.status == Complaint.Status.OPEN else []) + (
        ["forward_answer"] if outside else [])


def _username(user) -> str | None:
    return user.get_username() if user is not None else None


def complaint_detail(user, complaint: Complaint, *, now: datetime, where: str = "api") -> dict:
    """The complaint as the JSON API shows it to an officer of its unit: the SOP timeline, the current step with
    its inputs, the actions open to the caller, coordination, questions, notes, attachments and events.

    Read by the same complaint-page selector as the workdesk page; the identity follows the web's rule
    (complaints.privacy): hidden from roles that may not see it, in the step outputs and form inputs too, and
    every confidential identity shown is logged with `where` (the endpoint).
    A reader outside the unit (the oversight role) never sees who complained: no identity, no outputs of the
    steps that handle it, no replies written by the complainant, no files."""
    masked = complaint.unit_id not in selectors.roles_by_unit(user)
    page = complaint_page(user, complaint, where=where, oversight=masked)
    identity = page.complainant
    sop = page.sop
    steps = []
    for line in page.steps:
        step, run = line.step, line.run
        steps.append({
            "number": step.number,
            "kind": step.kind,
            "role": step.performer,
            "role_title": line.role_title,
            "state": line.state,
            "time_limit": step.time_limit_text,
            "started_at": run.started_at if run else None,
            "due_at": run.due_at if run else None,
            "done_at": run.done_at if run else None,
            "on_time": run.on_time if run else None,
            "done_by": _username(run.done_by) if run else None,
            "paused_at": run.paused_at if run else None,
            "output": line.kind.api_output(line.output) if line.output else {},
        })
    current, roles = page.current, page.roles
    current_out = None
    if current is not None:
        kind = page.current_kind
        current_out = {
            "number": current.number,
            "kind": kind.name,
            "role": current.role,
            "role_title": sop.role_title(current.role),
            "started_at": current.started_at,
            "due_at": current.due_at,
            "paused": current.paused_at is not None,
            "overdue": current.paused_at is None and current.due_at < now,
            "coordinators": list(current.step.coordinators or []),
            "inputs": describe_fields(kind.form_class),
            "initial": (_json_initial(masked_output(kind.initial(complaint), shown=identity is not None, drop=True))
                        if current.role in roles else {}),
        }
    detail = list_item(complaint, now)
    detail.update({
        "description": complaint.description,
        "event_place": complaint.event_place,
        "event_date": complaint.event_date,
        "is_anonymous": complaint.is_anonymous,
        "is_confidential": complaint.is_confidential,
        "complainant": None if identity is None else identity.as_dict(),
        "decision_type": complaint.decision_type,
        "linked_to": complaint.linked_to_id,
        **forwarding(complaint),
        "sop": {"code": sop.code, "version": sop.version, "name": sop.name},
        "steps": steps,
        "current": current_out,
        "deadline": current.due_at if current else None,
        "actions": actions_for(user, complaint, current, roles),
        "coordination": [
            {"id": item.pk, "step": item.step_run.number, "role": item.role, "addressee": _username(item.addressee),
             "question": item.question, "requested_by": _username(item.requested_by), "requested_at": item.requested_at,
             "answer": item.answer, "answered_by": _username(item.answered_by), "answered_at": item.answered_at}
            for item in complaint.coordination_requests.select_related(
                "step_run", "addressee", "requested_by", "answered_by")
        ],
        "information_requests": [
            {"id": item.pk, "step": item.step_run.number, "question": item.question,
             "asked_by": _username(item.asked_by), "asked_at": item.asked_at, "reply": "" if masked else item.reply,
             "replied_at": item.replied_at}
            for item in complaint.information_requests.select_related("step_run", "asked_by")
        ],
        "notes": [
            {"id": note.pk, "author": _username(note.author), "text": note.text, "created_at": note.created_at}
            for note in complaint.internal_notes.select_related("author")
        ],
        "attachments": [
            {"id": item.pk, "step": item.step_run.number if item.step_run else None, "purpose": item.purpose,
             "name": item.original_name, "content_type": item.content_type, "size": item.size,
             "uploaded_by": _username(item.uploaded_by), "uploaded_at": item.uploaded_at,
             "url": reverse("api_v1:attachment_download", args=[item.pk])}
            # A masked reader can download none of them (an evidence file, even its name, may identify).
            for item in ([] if masked else complaint.attachments.select_related("step_run", "uploaded_by"))
        ],
        "examinations": [
            {"id": item.pk, "step": item.step_run.number, "role": item.role, "examiner": _username(item.assignee),
             "brief": item.brief, "ordered_by": _username(item.ordered_by), "ordered_at": item.ordered_at,
             "time_limit": item.time_limit, "due_at": item.due_at, "submitted_at": item.submitted_at,
             "submitted_by": _username(item.submitted_by), "on_time": item.on_time, "outcome": item.outcome,
             "findings": item.findings, "recommendations": item.recommendations,
             "report": None if masked else item.report_id}
            for item in complaint.examinations.select_related("step_run", "assignee", "ordered_by", "submitted_by")
        ],
        "events": [
            {"kind": event.kind, "step": event.step_number, "actor": _username(event.actor),
             "created_at": event.created_at, "data": event.data}
            for event in selectors.complaint_timeline(complaint)
        ],
    })
    return detail


def _forward_out(forward, complaint, unit) -> dict:
    return {
        "unit": unit.code if unit else None,
        "unit_name": unit.name if unit else forward.outside_body,
        "outside_body": forward.outside_body,
        "complaint_id": complaint.pk if complaint else None,
        "register_number": complaint.register_number if complaint else "",
        "complaint_status": complaint.status if complaint else None,
        "state": forward.state,
        "decision_type": forward.decision_type,
        "forwarded_at": forward.forwarded_at,
        "answered_at": forward.answered_at,
        "returned_at": forward.returned_at,
        "return_reason": forward.return_reason,
    }


def forwarding(complaint: Complaint) -> dict:
    """Where the case came from and where it went: enough for an outside system to follow the path."""
    came = (Forward.objects.filter(target=complaint).select_related("origin__unit").first())
    went = Forward.objects.filter(origin=complaint).select_related("target_unit", "target").order_by("forwarded_at",
                                                                                                     "pk")
    return {
        "forwarded_from": _forward_out(came, came.origin, came.origin.unit) if came else None,
        "forwards": [_forward_out(forward, forward.target, forward.target_unit) for forward in went],
    }


def _json_initial(initial: dict) -> dict:
    return {key: value.isoformat() if isinstance(value, (date, datetime)) else value
            for key, value in initial.items() if value not in (None, "")}


def member_units(user) -> list[Unit]:
    return list(Unit.objects.filter(pk__in=list(selectors.roles_by_unit(user))).order_by("code"))


def intake_units(user) -> list[Unit]:
    """The caller's units where they perform the first step of the unit's current SOP (so may record)."""
    roles = selectors.roles_by_unit(user)
    units = []
    for unit in member_units(user):
        sop = current_sop(unit)
        first = sop.steps.order_by("number").first() if sop else None
        if first is not None and first.performer in roles[unit.pk]:
            units.append(unit)
    return units


def register_page(*, unit: Unit, year: int) -> QuerySet[Complaint]:
    return selectors.register_entries(unit=unit, year=year)


def register_entry(complaint: Complaint) -> dict:
    if complaint.is_anonymous:
        name = _("Anonymous")
    elif complaint.is_confidential:
        name = _("Confidential")
    else:
        name = complaint.complainant.name if complaint.complainant else ""
    return {
        "complaint_id": complaint.pk,
        "register_number": complaint.register_number,
        "sequence": complaint.register_seq,
        "recorded_at": complaint.recorded_at,
        "received_at": complaint.received_at,
        "channel": complaint.channel,
        "channel_label": complaint.channel_label,
        "lapor_id": complaint.lapor_id,
        "complaint_type": complaint.complaint_type,
        "complainant": name,
        "summary": complaint.summary,
        "subject": complaint.subject,
        "status": complaint.status,
        "decision_type": complaint.decision_type,
    }


def compliance(*, unit: Unit, date_from: date, date_to: date) -> list[dict]:
    """Per step number: steps completed in the period, how many on time, and the median duration.

    Counts come from one aggregate query. The median is read in the database too, portably (SQLite has no
    median function): the completed runs of each step ordered by duration, and the middle one or two read
    with OFFSET. Durations are wall-clock, from start to completion; pauses are included. Set-aside
    complaints are left out.
    """
    runs = StepRun.objects.filter(
        unit=unit, done_at__gte=_start_of(date_from), done_at__lt=_start_of(date_to + timedelta(days=1))
    ).exclude(complaint__status=Complaint.Status.SET_ASIDE)  # never entered the register, as in the reports
    counts = {
        row["number"]: row
        for row in runs.values("number").annotate(
            done=Count("pk"), on_time=Count("pk", filter=Q(done_at__lte=F("due_at")))
        ).order_by("number")
    }
    duration = ExpressionWrapper(F("done_at") - F("started_at"), output_field=DurationField())
    sop = current_sop(unit)
    labels = {step.number: step for step in sop.steps.all()} if sop else {}
    result = []
    for number in sorted(set(labels) | set(counts)):
        row = counts.get(number, {"done": 0, "on_time": 0})
        median = None
        if row["done"]:
            lower, upper = (row["done"] - 1) // 2, row["done"] // 2
            middle = list(runs.filter(number=number).annotate(duration=duration)
                          .order_by("duration", "pk").values_list("duration", flat=True)[lower:upper + 1])
            median = sum((value.total_seconds() for value in middle), 0.0) / len(middle) / 60
        step = labels.get(number)
        result.append({
            "number": number,
            "role": step.performer if step else "",
            "role_title": sop.role_title(step.performer) if step else "",
            "time_limit": step.time_limit_text if step else "",
            "done": row["done"],
            "on_time": row["on_time"],
            "on_time_share": row["on_time"] / row["done"] if row["done"] else None,
            "median_minutes": round(median, 1) if median is not None else None,
        })
    return result
