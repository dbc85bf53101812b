"""The workflow engine: the one place where a complaint moves through the steps of its SOP.

Every action here checks the actor's role in the complaint's unit, works inside one transaction,
and leaves an event. Views and commands call these functions and nothing below them. What happened is
also emitted (`domain_events`), in the same transaction, for the layers above to react to: the
notifications decide there what to send, and the engine imports nothing of them.
"""

from collections.abc import Callable, Sequence
from datetime import datetime

from django import forms
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pengaduan.complaints import clock, examinations, figures, hierarchy, search
from pengaduan.complaints.attachments import safe_display_name, submission_total_error
from pengaduan.complaints.domain_events import (
    ComplainantWrote,
    ComplaintArriving,
    ComplaintClosed,
    ComplaintClosedNoReply,
    ComplaintForwarded,
    ComplaintRecorded,
    ExaminationOrdered,
    ExaminationReported,
    ForwardAnswered,
    ForwardReturned,
    InformationRequested,
    StepAssigned,
    emit,
)
from pengaduan.complaints.errors import NotPermitted, StepInputInvalid, StepNotCurrent, WorkflowError
from pengaduan.complaints.kinds import StepContext, get_kind, kinds
from pengaduan.complaints.kinds.base import ForwardOrder, MultipleFileField, SafeFileField
from pengaduan.complaints.models import (
    Attachment,
    Complainant,
    ComplainantMessage,
    Complaint,
    CoordinationRequest,
    Event,
    Examination,
    Forward,
    InformationRequest,
    InternalNote,
    Rating,
    Reminder,
    StepRun,
)
from pengaduan.complaints.register import register_allocate
from pengaduan.complaints.public_forms import ComplaintForm, RatingForm, ReplyForm
from pengaduan.inserts import new, prepare_insert, reserve_keys, reserve_keys_ahead, write_together
from pengaduan.sop.cache import current_sop_with_first_step
from pengaduan.sop.models import Sop, SopStep
from pengaduan.sop.selectors import complainant_reminder, current_sop, monitoring_period, time_classes
from pengaduan.units.models import Membership, Unit
from pengaduan.workcalendar.durations import Duration, DurationUnit, parse_duration
from pengaduan.workcalendar.services import cached_calendar_for_unit, calendar_for_unit


def user_has_role(user, unit: Unit, role: str) -> bool:
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return Membership.objects.filter(user=user, unit=unit, role=role).exists()


def _require_role(user, unit: Unit, role: str, sop: Sop) -> None:
    if not user_has_role(user, unit, role):
        raise NotPermitted(
            _("Only the %(role)s of %(unit)s may do this.") % {"role": sop.role_title(role), "unit": unit.name}
        )


def _current_sop(unit: Unit) -> Sop:
    sop = current_sop(unit)
    if sop is None:
        raise WorkflowError(
            _("SOP %(code)s of %(unit)s is not loaded yet; an administrator loads it with `pengaduan sop load`.")
            % {"code": unit.sop_code, "unit": unit.name}
        )
    return sop


def _invalid(form) -> StepInputInvalid:
    errors = {field: [str(message) for message in messages] for field, messages in form.errors.items()}
    return StepInputInvalid(_("Please correct the marked fields."), errors)


def _refuse_too_many_bytes(files) -> None:
    """A public submission's files together stay under PUBLIC_UPLOAD_MAX_TOTAL_BYTES (judged before decoding)."""
    if error := submission_total_error(files):
        raise StepInputInvalid(_("Please correct the marked fields."), {"evidence": error.messages})


def _start_step(complaint: Complaint, step: SopStep, *, started_at: datetime, now: datetime, actor=None,
                event: bool = True) -> StepRun:
    calendar = calendar_for_unit(complaint.unit)
    due_at = calendar.add(started_at, step.duration)
    run = StepRun.objects.create(
        complaint=complaint, unit_id=complaint.unit_id, step=step, number=step.number, role=step.performer,
        started_at=started_at, due_at=due_at,
    )
    clock.schedule_reminders(run, calendar)
    if not event:  # the caller's event says it (_received_event)
        return run
    Event.objects.create(
        complaint=complaint, kind=Event.Kind.STEP_STARTED, actor=actor, step_number=step.number,
        data={"role": step.performer, "started_at": started_at.isoformat(), "due_at": due_at.isoformat()},
        created_at=now,
    )
    return run


def _current_run_for_performer(complaint: Complaint, actor) -> StepRun:
    """The step in progress, locked for this transaction, when the actor performs it; refused otherwise."""
    run = StepRun.objects.select_for_update().select_related("step__sop").filter(
        complaint=complaint, done_at__isnull=True
    ).first()
    if run is None:
        raise StepNotCurrent(_("This complaint has no step in progress."))
    _require_role(actor, complaint.unit, run.role, run.step.sop)
    return run


def _received_event(complaint: Complaint, run: StepRun, *, actor, now: datetime) -> Event:
    """One event says both that the complaint arrived and that its first step started (same moment, same
    actor): the step's number, performer and deadline ride along with the channel."""
    return new(
        Event, complaint=complaint, kind=Event.Kind.RECEIVED, actor=actor, step_number=run.number, created_at=now,
        data={"channel": complaint.channel, "received_at": complaint.received_at.isoformat(), "role": run.role,
              "started_at": run.started_at.isoformat(), "due_at": run.due_at.isoformat()},
    )


def _create_complaint(*, unit: Unit, cleaned: dict, actor, now: datetime) -> tuple[Complaint, StepRun]:
    """The complaint with its first step started; returns both."""
    sop = _current_sop(unit)
    complaint = Complaint(unit=unit, sop=sop, received_at=now, created_at=now)
    complaint.issue_tracking_code()  # the plain code stays on this instance only: for the receipt and its e-mail
    recording = kinds.one("records_complaint")
    recording.fill_complaint(complaint, cleaned)
    recording.save_complaint(complaint)
    figures.complaint_counted(complaint, new=True)
    first_step = sop.steps.order_by("number").first()
    run = _start_step(complaint, first_step, started_at=min(complaint.received_at, now), now=now, actor=actor,
                      event=False)
    _received_event(complaint, run, actor=actor, now=now).save()
    search.complaint_written()
    return complaint, run


def _intake_plan(unit: Unit):
    """The current SOP, its first step and the unit's calendar, from the per-process caches (sop.cache,
    workcalendar.services): two small reads, outside any write transaction."""
    try:
        sop, first_step = current_sop_with_first_step(unit.sop_code)
    except Sop.DoesNotExist:
        _current_sop(unit)  # raises the WorkflowError that says what to do
        raise
    return sop, first_step, cached_calendar_for_unit(unit)


def complaint_expected() -> None:
    """A request that will likely receive a complaint (a public form's POST), before its first read: on PostgreSQL
    the keys of the complaint's rows come with that read (inserts.reserve_keys_ahead), and complaint_receive's
    write is then the request's only other round trip."""
    reserve_keys_ahead([Complainant, Complaint, StepRun])


def complaint_receive(*, unit: Unit, data: dict | None = None, form: ComplaintForm | None = None, files=None,
                      actor=None, now: datetime | None = None,
                      receipt_base_url: str | None = None,
                      also: Sequence[Callable[[Complaint], Callable[[], None]]] = ()) -> Complaint:
    """A complaint arrives without an officer recording it (web form, API, gateway).

    It waits in the performer's inbox for the first step (the JFU records it in the Buku Pengaduan);
    the first step's clock runs from the moment of receipt. With `receipt_base_url` the receipt e-mail is
    queued with it (as portal.emails.schedule_receipt_email).

    The inputs are `data`, checked by the intake kind's form, or `form`: a valid ComplaintForm (the website, the
    public API), whose rules are those of the intake form for the fields it has; its inputs are then taken as
    checked and only the files are checked here, so that a public complaint is validated once.

    Everything is read, computed and rendered first (the SOP and calendar from per-process caches, the
    deadline, the reminders, the messages, and the values of every row: pengaduan.inserts); the write
    transaction only runs the inserts, each table once, so that on SQLite the database's one write lock is held
    as briefly as possible (bench/profile_intake.py --lock).

    `also`: the caller's own writes that belong with the complaint (the portal's attempt counter). Each is called
    with the complaint (not saved yet, its tracking code issued) before the transaction and returns the function
    that writes, which runs last inside the same transaction, so that a POST takes the write lock once; an
    exception from one of them rolls the whole complaint back.
    """
    now = now or timezone.now()
    _refuse_too_many_bytes(files)
    recording = kinds.one("records_complaint")
    cleaned = _public_inputs(recording, form, files) if form is not None else _intake_inputs(recording, data, files)
    sop, first_step, calendar = _intake_plan(unit)
    complaint = new(Complaint, unit=unit, sop=sop, received_at=now, created_at=now)
    complaint.issue_tracking_code()  # the plain code stays on this instance only: for the receipt and its e-mail
    recording.fill_complaint(complaint, cleaned, save_complainant=False)
    started_at = min(complaint.received_at, now)
    run = new(StepRun, complaint=complaint, unit_id=unit.pk, step=first_step, number=first_step.number,
                  role=first_step.performer, started_at=started_at, due_at=calendar.add(started_at, first_step.duration))
    reminders = clock.plan_reminders(run, calendar)
    event = _received_event(complaint, run, actor=actor, now=now)
    # The layers above read and render now, outside the write transaction, and leave their inserts in `writes`.
    arriving = ComplaintArriving(complaint=complaint, step_run=run, receipt_base_url=receipt_base_url)
    emit(arriving)
    # New rows only, each one INSERT compiled once per process, its values computed now; in the transaction
    # each fills in the ids the inserts before it gave.
    writes = []
    if complaint.complainant is not None and complaint.complainant.pk is None:
        writes.append(prepare_insert([complaint.complainant]).run)
    writes += [recording.prepare_save_complaint(complaint), figures.prepare_new_complaint_counted(complaint),
               prepare_insert([run]).run]
    if reminders:
        writes.append(prepare_insert(reminders).run)
    writes.append(prepare_insert([event]).run)
    if any(cleaned.get(field) for field in recording.file_fields):
        writes.append(lambda: recording.save_files(StepContext(complaint, None, actor, now), cleaned))
    writes += arriving.writes  # what the receivers prepared (the messages)
    writes += [prepare(complaint) for prepare in also]
    # On PostgreSQL the rows the others refer to get their keys first (with the request's first read, see
    # complaint_expected, or else in one query before the transaction), and the inserts go to the server in one
    # message: without BEGIN and COMMIT when nothing but inserts is written (no file, no read inside the
    # transaction).
    reserve_keys([complaint.complainant, complaint, run])
    write_together(writes)
    search.complaint_written()
    return complaint


def _intake_inputs(recording, data: dict, files) -> dict:
    form = recording.form_class(data, files)
    if not form.is_valid():
        raise _invalid(form)
    return form.cleaned_data


def _public_inputs(recording, form: ComplaintForm, files) -> dict:
    """The intake inputs of a valid public form, with the files checked as the intake form's evidence field checks
    them (type by content, size, photo metadata stripped)."""
    if not isinstance(form, ComplaintForm) or not form.is_valid():
        raise TypeError("complaint_receive(form=...) takes a ComplaintForm whose inputs are valid.")
    cleaned = form.intake_cleaned()
    if files:
        try:
            cleaned["evidence"] = recording.form_class.base_fields["evidence"].clean(files.getlist("evidence"))
        except forms.ValidationError as refused:
            raise StepInputInvalid(_("Please correct the marked fields."), {"evidence": refused.messages}) from None
    return cleaned


def complaint_record(*, unit: Unit, actor, data: dict, files=None, linked_to: Complaint | None = None,
                     now: datetime | None = None) -> Complaint:
    """The first step done at once: an officer takes in a complaint (walk-in, telephone, letter, box)
    and records it in the Buku Pengaduan in the same transaction, linked to an existing case if it adds to one."""
    now = now or timezone.now()
    sop = _current_sop(unit)
    first_step = sop.steps.order_by("number").first()
    _require_role(actor, unit, first_step.performer, sop)
    form = kinds.one("records_complaint").form_class(data, files)
    if not form.is_valid():
        raise _invalid(form)
    if linked_to is not None and linked_to.unit_id != unit.pk:
        raise WorkflowError(_("Choose another complaint of this unit."))
    with transaction.atomic():
        # The new rows are invisible to other transactions until the commit: no lock is needed on them.
        complaint, run = _create_complaint(unit=unit, cleaned=form.cleaned_data, actor=actor, now=now)
        if linked_to is not None:
            complaint.linked_to = linked_to
            complaint.save(update_fields=["linked_to"])
        _finish_step(get_kind(first_step.kind), StepContext(complaint, run, actor, now), form.cleaned_data)
    return complaint


def step_complete(*, complaint: Complaint, actor, step_number: int, data: dict, files=None,
                  now: datetime | None = None) -> StepRun:
    """Complete the complaint's current step with the kind's inputs, then start the next step or close.

    Refused when the actor lacks the step's role in the unit, when the step is not the one waiting
    (skipped, already done, or done a moment ago by a colleague), or when the inputs are invalid.
    """
    now = now or timezone.now()
    step = SopStep.objects.filter(sop_id=complaint.sop_id, number=step_number).select_related("sop").first()
    if step is None:
        raise StepNotCurrent(_("This SOP has no step %(number)s.") % {"number": step_number})
    _require_role(actor, complaint.unit, step.performer, step.sop)
    kind = get_kind(step.kind)
    with transaction.atomic():
        complaint = Complaint.objects.select_for_update().select_related("unit", "sop").get(pk=complaint.pk)
        run = StepRun.objects.select_for_update().filter(complaint=complaint, number=step_number).first()
        if run is None:
            raise StepNotCurrent(_("Step %(number)s has not started yet: the steps before it come first.")
                                 % {"number": step_number})
        if not run.is_open:
            raise StepNotCurrent(_("Step %(number)s has already been done.") % {"number": step_number})
        if run.examinations.filter(submitted_at__isnull=True).exists():
            raise StepNotCurrent(_("The examination is still running: the step goes on once its report (LHP) "
                                   "is in."))
        ctx = StepContext(complaint, run, actor, now)
        kind.check_ready(ctx)
        form = kind.form_class(data, files, complaint=complaint)
        if not form.is_valid():
            raise _invalid(form)
        if kind.orders_examination(form.cleaned_data):
            _order_examination(kind, ctx, form.cleaned_data)
        else:
            _finish_step(kind, ctx, form.cleaned_data)
    return run


# -- examinations (pemeriksaan by an Irban) -------------------------------------------------------------------

def _order_examination(kind, ctx: StepContext, cleaned: dict) -> Examination:
    """The decision is "examine first": the step stays open with its clock paused, and the examiner's task
    starts with its own deadline in office time; the decision itself is taken when the report is in."""
    run, complaint, now = ctx.run, ctx.complaint, ctx.now
    rules = examinations.rules_for(complaint.sop)
    calendar = calendar_for_unit(complaint.unit)
    due_at = calendar.add(now, rules.duration)
    total = clock.office_minutes(calendar.office_time_between(now, due_at))
    remind_at = calendar.add(now, Duration(total * examinations.REMIND_SHARE // 100, DurationUnit.MINUTES))
    assignee = cleaned.get("examiner")
    examination = Examination.objects.create(
        complaint=complaint, unit_id=complaint.unit_id, step_run=run, role=rules.role, assignee=assignee,
        brief=cleaned["examination_brief"].strip(), ordered_by=ctx.actor, ordered_at=now,
        time_limit=rules.time_limit, due_at=due_at, remind_at=remind_at,
    )
    Event.objects.create(
        complaint=complaint, kind=Event.Kind.EXAMINATION_ORDERED, actor=ctx.actor, step_number=run.number,
        created_at=now, data={"examination": examination.pk, "role": rules.role, "due_at": due_at.isoformat(),
                              "decision": kind.output(cleaned)},
    )
    if run.paused_at is None:
        clock.pause(run, reason=_("Examination by the %(role)s") % {
            "role": examinations.role_title(complaint.sop, rules.role)}, now=now, actor=ctx.actor, record=False)
    emit(ExaminationOrdered(examination=examination))
    return examination


def examination_submit(*, examination: Examination, actor, data: dict, files=None,
                       now: datetime | None = None) -> Examination:
    """The examiner hands in the report (LHP); the case goes back to the decision step's performer.

    Only a holder of the examiner role in the unit (the named examiner, when one was named) may submit it,
    once."""
    now = now or timezone.now()
    complaint = examination.complaint
    _require_role(actor, complaint.unit, examination.role, complaint.sop)
    if examination.assignee_id and examination.assignee_id != actor.pk:
        raise NotPermitted(_("This examination was assigned to %(user)s.") % {"user": examination.assignee})
    form = examinations.ExaminationReportForm(data, files)
    if not form.is_valid():
        raise _invalid(form)
    cleaned = form.cleaned_data
    with transaction.atomic():
        examination = Examination.objects.select_for_update().select_related("step_run").get(pk=examination.pk)
        if not examination.is_open:
            raise StepNotCurrent(_("The report of this examination has already been submitted."))
        run = StepRun.objects.select_for_update().get(pk=examination.step_run_id)
        upload = cleaned["report"]
        report = Attachment.objects.create(
            complaint=complaint, step_run=run, purpose=Attachment.Purpose.EXAMINATION_REPORT, file=upload,
            original_name=safe_display_name(upload.name),
            content_type=(getattr(upload, "content_type", "") or "")[:100], size=upload.size,
            uploaded_by=actor, uploaded_at=now,
        )
        calendar = calendar_for_unit(complaint.unit)
        examination.submitted_at, examination.submitted_by = now, actor
        examination.outcome, examination.report = cleaned["outcome"], report
        examination.findings = cleaned["findings"].strip()
        examination.recommendations = (cleaned.get("recommendations") or "").strip()
        examination.office_seconds = int(calendar.office_time_between(examination.ordered_at, now).total_seconds())
        examination.save()
        Event.objects.create(
            complaint=complaint, kind=Event.Kind.EXAMINATION_REPORTED, actor=actor, step_number=run.number,
            created_at=now, data={"examination": examination.pk, "outcome": examination.outcome,
                                  "on_time": examination.on_time, "report": report.pk},
        )
        if run.is_open:
            if run.paused_at is not None and not run.information_requests.filter(replied_at__isnull=True).exists():
                clock.resume(run, calendar, now=now, actor=actor)
            emit(ExaminationReported(examination=examination))  # back with the decision step's performer
    return examination


def _finish_step(kind, ctx: StepContext, cleaned: dict) -> None:
    run, complaint, now = ctx.run, ctx.complaint, ctx.now
    # The conditional update is the guard against two officers finishing the same step at once:
    # whoever comes second updates nothing and is told so.
    if not StepRun.objects.filter(pk=run.pk, done_at__isnull=True).update(done_at=now, done_by=ctx.actor):
        raise StepNotCurrent(_("A colleague has just completed this step. Please reload the page."))
    run.done_at, run.done_by = now, ctx.actor
    if run.paused_at is not None:
        # Done while waiting (the complainant called in, say): the pause ends here.
        clock.resume(run, calendar_for_unit(complaint.unit), now=now, actor=ctx.actor)
    run.reminders.filter(sent_at__isnull=True).delete()
    was_recorded = complaint.is_recorded
    kind.apply(ctx, cleaned)
    run.output = kind.output(cleaned)
    if attachment_ids := kind.save_files(ctx, cleaned):
        run.output["attachments"] = attachment_ids
    run.save(update_fields=["output"])
    if complaint.is_recorded and not was_recorded:
        Event.objects.create(
            complaint=complaint, kind=Event.Kind.RECORDED, actor=ctx.actor, step_number=run.number, created_at=now,
            data={"register_number": complaint.register_number},
        )
        emit(ComplaintRecorded(complaint=complaint))
    Event.objects.create(
        complaint=complaint, kind=Event.Kind.STEP_COMPLETED, actor=ctx.actor, step_number=run.number, created_at=now,
        data={"kind": kind.name, "due_at": run.due_at.isoformat(), "on_time": run.on_time},
    )
    next_step = complaint.sop.steps.filter(number__gt=run.number).order_by("number").first()
    if (order := kind.forward_order(cleaned)) is not None:
        # Handed over: the rest of this SOP waits; the case is monitored until the answer comes back.
        _forward(ctx, order)
    elif next_step is not None:
        next_run = _start_step(complaint, next_step, started_at=now, now=now, actor=ctx.actor)
        emit(StepAssigned(step_run=next_run))
    else:
        complaint.status, complaint.closed_at = Complaint.Status.CLOSED, now
        complaint.save(update_fields=["status", "closed_at"])
        Event.objects.create(complaint=complaint, kind=Event.Kind.CLOSED, actor=ctx.actor, created_at=now)
        emit(ComplaintClosed(complaint=complaint))
        _answer_flows_back(complaint, actor=ctx.actor, now=now)
    figures.step_counted(run, complaint)  # the step's office time and the rollups the reports read


def coordination_request(*, complaint: Complaint, actor, role: str, question: str, addressee=None,
                         now: datetime | None = None) -> CoordinationRequest:
    """The current step's performer asks a coordinating role (step 2: the Sekretaris asks a Kasubag)."""
    now = now or timezone.now()
    with transaction.atomic():
        run = _current_run_for_performer(complaint, actor)
        sop = run.step.sop
        if role not in run.step.coordinators:
            raise WorkflowError(_("Step %(number)s does not coordinate with the %(role)s.")
                                % {"number": run.number, "role": sop.role_title(role)})
        if addressee is not None and not user_has_role(addressee, complaint.unit, role):
            raise WorkflowError(_("%(user)s is not a %(role)s of this unit.")
                                % {"user": addressee, "role": sop.role_title(role)})
        if not question or not question.strip():
            raise StepInputInvalid(_("Please correct the marked fields."), {"question": [_("Write the question.")]})
        request = CoordinationRequest.objects.create(
            complaint=complaint, step_run=run, role=role, addressee=addressee, question=question.strip(),
            requested_by=actor, requested_at=now,
        )
        Event.objects.create(
            complaint=complaint, kind=Event.Kind.COORDINATION_REQUESTED, actor=actor, step_number=run.number,
            created_at=now, data={"role": role, "request": request.pk},
        )
    return request


def coordination_answer(*, request: CoordinationRequest, actor, answer: str,
                        now: datetime | None = None) -> CoordinationRequest:
    """A coordinating officer answers; the performer's step may then go on."""
    now = now or timezone.now()
    complaint = request.complaint
    _require_role(actor, complaint.unit, request.role, complaint.sop)
    if request.addressee_id and request.addressee_id != actor.pk:
        raise NotPermitted(_("This question was addressed to %(user)s.") % {"user": request.addressee})
    if not answer or not answer.strip():
        raise StepInputInvalid(_("Please correct the marked fields."), {"answer": [_("Write the answer.")]})
    with transaction.atomic():
        answered = CoordinationRequest.objects.filter(pk=request.pk, answered_at__isnull=True).update(
            answer=answer.strip(), answered_by=actor, answered_at=now
        )
        if not answered:
            raise StepNotCurrent(_("This question has already been answered."))
        Event.objects.create(
            complaint=complaint, kind=Event.Kind.COORDINATION_ANSWERED, actor=actor,
            step_number=request.step_run.number, created_at=now, data={"role": request.role, "request": request.pk},
        )
    request.refresh_from_db()
    return request


def _require_first_step_role(actor, complaint: Complaint) -> None:
    first = complaint.sop.steps.order_by("number").first()
    _require_role(actor, complaint.unit, first.performer, complaint.sop)


def complaint_set_aside(*, complaint: Complaint, actor, reason: str, note: str, duplicate_of: Complaint | None = None,
                        now: datetime | None = None) -> Complaint:
    """Step 1's other outcome for a complaint that arrived unrecorded: spam, or a duplicate of a case.

    It is not entered in the Buku Pengaduan; the complaint and the reason stay in the audit trail.
    """
    now = now or timezone.now()
    _require_first_step_role(actor, complaint)
    errors = {}
    if reason not in Complaint.SetAsideReason.values:
        errors["reason"] = [_("Choose why the complaint is set aside.")]
    if not note or not note.strip():
        errors["note"] = [_("Write the reason; it stays in the audit trail.")]
    if reason == Complaint.SetAsideReason.DUPLICATE and duplicate_of is None:
        errors["duplicate_of"] = [_("Choose the complaint this one duplicates.")]
    if duplicate_of is not None and (duplicate_of.pk == complaint.pk or duplicate_of.unit_id != complaint.unit_id):
        errors["duplicate_of"] = [_("Choose another complaint of this unit.")]
    if errors:
        raise StepInputInvalid(_("Please correct the marked fields."), errors)
    with transaction.atomic():
        complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
        if complaint.is_recorded or complaint.status != Complaint.Status.OPEN:
            raise StepNotCurrent(_("Only a complaint not yet recorded in the Buku Pengaduan can be set aside."))
        run = complaint.step_runs.select_for_update().get(done_at__isnull=True)
        if not StepRun.objects.filter(pk=run.pk, done_at__isnull=True).update(
            done_at=now, done_by=actor, output={"set_aside": reason, "note": note.strip()}
        ):
            raise StepNotCurrent(_("A colleague has just completed this step. Please reload the page."))
        complaint.status, complaint.closed_at = Complaint.Status.SET_ASIDE, now
        complaint.set_aside_reason, complaint.set_aside_note = reason, note.strip()
        complaint.linked_to = duplicate_of
        complaint.save(update_fields=["status", "closed_at", "set_aside_reason", "set_aside_note", "linked_to"])
        figures.complaint_counted(complaint)  # no longer counted as received
        Event.objects.create(
            complaint=complaint, kind=Event.Kind.SET_ASIDE, actor=actor, step_number=run.number, created_at=now,
            data={"reason": reason, "note": note.strip(), "duplicate_of": duplicate_of.pk if duplicate_of else None},
        )
    return complaint


def complaint_link(*, complaint: Complaint, actor, linked_to: Complaint | None, now: datetime | None = None) -> None:
    """Mark a complaint as related to an existing case of the unit (or remove the link)."""
    now = now or timezone.now()
    _require_first_step_role(actor, complaint)
    if linked_to is not None and (linked_to.pk == complaint.pk or linked_to.unit_id != complaint.unit_id):
        raise WorkflowError(_("Choose another complaint of this unit."))
    with transaction.atomic():
        Complaint.objects.filter(pk=complaint.pk).update(linked_to=linked_to)
        Event.objects.create(
            complaint=complaint, kind=Event.Kind.LINKED, actor=actor, created_at=now,
            data={"linked_to": linked_to.pk if linked_to else None,
                  "register_number": linked_to.register_number if linked_to else ""},
        )
    complaint.linked_to = linked_to


def information_request(*, complaint: Complaint, actor, question: str, pause_clock: bool = False,
                        now: datetime | None = None) -> InformationRequest:
    """The current step's performer asks the complainant for more; the question shows on the tracking page.

    With `pause_clock` the step waits for the answer: its clock stands still until the complainant replies
    (or the officer resumes it), and the deadline then moves on by the office time waited.
    """
    now = now or timezone.now()
    if not question or not question.strip():
        raise StepInputInvalid(_("Please correct the marked fields."), {"question": [_("Write the question.")]})
    with transaction.atomic():
        run = _current_run_for_performer(complaint, actor)
        remind_at, close_at = _no_reply_schedule(complaint, now=now, waits=pause_clock)
        request = InformationRequest.objects.create(
            complaint=complaint, step_run=run, question=question.strip(), asked_by=actor, asked_at=now,
            remind_at=remind_at, close_at=close_at,
        )
        Event.objects.create(
            complaint=complaint, kind=Event.Kind.INFORMATION_REQUESTED, actor=actor, step_number=run.number,
            created_at=now, data={"request": request.pk, "pause_clock": pause_clock},
        )
        emit(InformationRequested(request=request))
        if pause_clock and run.paused_at is None:
            clock.pause(run, reason=question.strip(), now=now, actor=actor)
    return request


def _no_reply_schedule(complaint: Complaint, *, now: datetime, waits: bool) -> tuple[datetime | None, datetime | None]:
    """When the complainant is first reminded of a question asked now (the SOP's `[sop.complainant_reminder]`),
    and when the case closes if they never answer (`[sop.time_classes] closing_without_reply`): only a question
    the case waits for (its clock paused) closes it."""
    calendar = calendar_for_unit(complaint.unit)
    rule = complainant_reminder(complaint.sop)
    remind_at = calendar.add(now, rule_duration(rule.after)) if rule.times > 0 else None
    close_at = calendar.add(now, rule_duration(time_classes(complaint.sop).closing_without_reply)) if waits else None
    if remind_at is not None and close_at is not None and remind_at >= close_at:
        remind_at = None  # a reminder after the closing would come too late to help
    return remind_at, close_at


def rule_duration(text: str) -> Duration:
    from pengaduan.workcalendar.durations import parse_duration

    return parse_duration(text)


def complaint_close_no_reply(*, request: InformationRequest, now: datetime | None = None) -> Complaint | None:
    """The SOP's rule for a complainant who never answers: the case that waited for the answer to `request` past
    its `close_at` closes as "closed: the complainant did not reply" (`pengaduan remind`; no officer acts).

    The open step ends (marked ended without reply), the case keeps its register number (the Buku shows how it
    ended), the timeline says why, the complainant is told politely. Nothing happens — None — when the question
    was answered meanwhile, the case is no longer waiting for it, or it was never entered in the register (its
    first step is the recording officer's: they set it aside or record it)."""
    now = now or timezone.now()
    with transaction.atomic():
        complaint = Complaint.objects.select_for_update().select_related("unit", "sop").get(pk=request.complaint_id)
        request = InformationRequest.objects.select_for_update().get(pk=request.pk)
        if request.replied_at is not None or complaint.status != Complaint.Status.OPEN or not complaint.is_recorded:
            return None
        run = StepRun.objects.select_for_update().filter(pk=request.step_run_id, done_at__isnull=True).first()
        if run is None or run.paused_at is None or request.close_at is None or request.close_at > now:
            return None
        clock.resume(run, calendar_for_unit(complaint.unit), now=now)  # the pause ends with the case
        StepRun.objects.filter(pk=run.pk).update(done_at=now, ended_without_reply=True,
                                                 output={"closed_without_reply": request.pk})
        run.done_at, run.ended_without_reply = now, True
        run.reminders.filter(sent_at__isnull=True).delete()
        complaint.status, complaint.closed_at = Complaint.Status.NO_REPLY, now
        complaint.save(update_fields=["status", "closed_at"])
        Event.objects.create(
            complaint=complaint, kind=Event.Kind.CLOSED_NO_REPLY, step_number=run.number, created_at=now,
            data={"request": request.pk, "asked_at": request.asked_at.isoformat(),
                  "rule": time_classes(complaint.sop).closing_without_reply},
        )
        figures.step_counted(run, complaint)
        figures.time_classes_counted(complaint)
        emit(ComplaintClosedNoReply(complaint=complaint, request=request))
        # A case forwarded here that ends so: the forwarding unit's case waits no longer for an answer.
        _answer_flows_back(complaint, actor=None, now=now, no_reply=True,
                           answer=_("Closed: the complainant did not reply to our question."))
    return complaint


def step_resume(*, complaint: Complaint, actor, now: datetime | None = None) -> StepRun:
    """The performer starts the clock again without waiting any longer (e.g. the answer came by telephone)."""
    now = now or timezone.now()
    with transaction.atomic():
        run = _current_run_for_performer(complaint, actor)
        if run.paused_at is None:
            raise StepNotCurrent(_("The clock of this step is already running."))
        if run.examinations.filter(submitted_at__isnull=True).exists():
            raise StepNotCurrent(_("The examination is still running: the step goes on once its report (LHP) "
                                   "is in."))
        clock.resume(run, calendar_for_unit(complaint.unit), now=now, actor=actor)
    return run


def information_reply(*, request: InformationRequest, reply: str, files=None,
                      now: datetime | None = None) -> InformationRequest:
    """The complainant answers through the tracking page, with optional files."""
    now = now or timezone.now()
    _refuse_too_many_bytes(files)
    form = ReplyForm({"reply": reply}, files or {})
    if not form.is_valid():
        raise _invalid(form)
    with transaction.atomic():
        if not InformationRequest.objects.filter(pk=request.pk, replied_at__isnull=True).update(
            reply=form.cleaned_data["reply"], replied_at=now
        ):
            raise StepNotCurrent(_("This question has already been answered. Thank you."))
        complaint = request.complaint
        # The complainant's files are stored as the kind that takes complaints in stores its evidence.
        kinds.one("records_complaint").save_files(StepContext(complaint, request.step_run, None, now),
                                                  {"evidence": form.cleaned_data["evidence"]})
        Event.objects.create(
            complaint=complaint, kind=Event.Kind.INFORMATION_GIVEN, step_number=request.step_run.number,
            created_at=now, data={"request": request.pk},
        )
        run = StepRun.objects.select_for_update().get(pk=request.step_run_id)
        waiting = run.information_requests.filter(replied_at__isnull=True).exists()
        examining = run.examinations.filter(submitted_at__isnull=True).exists()
        if run.is_open and run.paused_at is not None and not waiting and not examining:
            clock.resume(run, calendar_for_unit(complaint.unit), now=now)
    request.refresh_from_db()
    return request


class _MessageFilesForm(forms.Form):
    evidence = MultipleFileField(required=False)


def complainant_message(*, complaint: Complaint, text: str, files=None, via: str,
                        now: datetime | None = None) -> ComplainantWrote:
    """The complainant writes on their case by a channel that arrives by itself (a reply by e-mail, WhatsApp,
    SMS), with optional files.

    Open questions to the complainant are answered by it, as if replied on the tracking page: the step's paused
    clock resumes once nothing else holds it. A message that answers no question is kept on the case and its
    timeline. A reply after the case closed is kept too (the officer sees it); it changes no state.
    """
    now = now or timezone.now()
    text = (text or "").strip()
    _refuse_too_many_bytes(files)
    # Only the files are checked here: the text is kept whole, however long (a mail quotes what came before).
    form = _MessageFilesForm({}, files or {})
    if not form.is_valid():
        raise _invalid(form)
    evidence = form.cleaned_data["evidence"]
    if not text and not evidence:
        raise StepInputInvalid(_("Please correct the marked fields."), {"reply": [_("The message is empty.")]})
    text = text or _("(files only)")
    with transaction.atomic():
        open_requests = list(InformationRequest.objects.select_for_update()
                             .filter(complaint=complaint, replied_at__isnull=True).select_related("step_run")
                             .order_by("asked_at", "pk"))
        run = open_requests[0].step_run if open_requests else complaint.step_runs.filter(done_at__isnull=True).first()
        kinds.one("records_complaint").save_files(StepContext(complaint, run, None, now), {"evidence": evidence})
        if not open_requests:
            message = ComplainantMessage.objects.create(complaint=complaint, text=text, via=via, received_at=now)
            Event.objects.create(complaint=complaint, kind=Event.Kind.COMPLAINANT_WROTE, created_at=now,
                                 step_number=run.number if run else None,
                                 data={"message": message.pk, "via": via})
            wrote = ComplainantWrote(complaint=complaint, via=via, message=message)
            emit(wrote)
            return wrote
        for request in open_requests:
            request.reply, request.replied_at = text, now
            request.save(update_fields=["reply", "replied_at"])
            Event.objects.create(complaint=complaint, kind=Event.Kind.INFORMATION_GIVEN,
                                 step_number=request.step_run.number, created_at=now,
                                 data={"request": request.pk, "via": via})
        for run_id in {request.step_run_id for request in open_requests}:
            run = StepRun.objects.select_for_update().get(pk=run_id)
            examining = run.examinations.filter(submitted_at__isnull=True).exists()
            if run.is_open and run.paused_at is not None and not examining:
                clock.resume(run, calendar_for_unit(complaint.unit), now=now)
        wrote = ComplainantWrote(complaint=complaint, via=via, answered=tuple(open_requests))
        emit(wrote)
    return wrote


def complaint_rate(*, complaint: Complaint, score, comment: str = "", now: datetime | None = None) -> Rating:
    """The complainant rates the answer once it was delivered; once only."""
    now = now or timezone.now()
    form = RatingForm({"score": score, "comment": comment})
    if not form.is_valid():
        raise _invalid(form)
    if complaint.status != Complaint.Status.CLOSED:
        raise WorkflowError(_("You can rate the answer once it has been delivered to you."))
    with transaction.atomic():
        rating, created = Rating.objects.get_or_create(
            complaint=complaint,
            defaults={"score": form.cleaned_data["score"], "comment": form.cleaned_data["comment"], "created_at": now},
        )
        if not created:
            raise WorkflowError(_("This answer has already been rated. Thank you."))
        figures.rating_counted(rating, complaint.unit_id)
        Event.objects.create(complaint=complaint, kind=Event.Kind.RATED, created_at=now,
                             data={"score": rating.score})
    return rating


def note_add(*, complaint: Complaint, actor, text: str, now: datetime | None = None) -> InternalNote:
    """An internal note from any officer of the unit; never shown to the complainant."""
    now = now or timezone.now()
    if not complaint.unit.memberships.filter(user=actor).exists():
        raise NotPermitted(_("Only officers of %(unit)s may write notes here.") % {"unit": complaint.unit.name})
    if not text or not text.strip():
        raise StepInputInvalid(_("Please correct the marked fields."), {"text": [_("Write the note.")]})
    with transaction.atomic():
        note = InternalNote.objects.create(complaint=complaint, author=actor, text=text.strip(), created_at=now)
        Event.objects.create(complaint=complaint, kind=Event.Kind.NOTE, actor=actor, created_at=now,
                             data={"note": note.pk})
    return note


# -- forwarding -----------------------------------------------------------------------------------------------
# A decision "forward" or "not within our authority" that names a unit of this install creates a linked
# complaint there, in the same transaction, under that unit's current SOP, register and calendar; one that
# names an outside body is followed up with a forwarding letter. Either way the origin waits, monitored, until
# the answer comes back (or the target unit returns the case).

_COPIED_FIELDS = ("channel", "received_at", "is_anonymous", "is_confidential", "summary", "description", "subject",
                  "event_place", "event_date", "complaint_type", "category", "caller_number", "letter_number",
                  "letter_date", "box_opened_at", "source_link")
# Not the LAPOR! ID: it is unique per install and stays with the case the report was disposed to (the origin,
# which receives the target's answer and reports it back to LAPOR!).


def _monitor_due(complaint: Complaint, now: datetime) -> datetime:
    return calendar_for_unit(complaint.unit).add(now, monitoring_period(complaint.sop))


def _material(origin: Complaint) -> list[dict]:
    """What the origin's officers found (clarification, decision...), step by step, for the target's officers."""
    material = []
    runs = origin.step_runs.filter(done_at__isnull=False).select_related("step").order_by("number")
    for run in runs:
        kind = get_kind(run.step.kind)
        if kind.records_complaint:
            continue  # summary, description and evidence travel as the complaint itself
        rows = [[str(label), str(value)] for label, value in kind.output_rows(run.output or {})]
        if rows:
            material.append({"step": run.number, "what": str(kind.label), "rows": rows})
    return material


def _copy_attachments(origin: Complaint, target: Complaint, now: datetime) -> list[int]:
    """The origin's evidence and minutes, as files of the target's own (erasing one case leaves the other whole)."""
    ids = []
    for item in origin.attachments.filter(purpose__in=[Attachment.Purpose.EVIDENCE, Attachment.Purpose.MINUTES]):
        with item.file.open("rb") as handle:
            content = ContentFile(handle.read(), name=item.original_name)
        copy = Attachment.objects.create(
            complaint=target, purpose=item.purpose, file=content, original_name=item.original_name,
            content_type=item.content_type, size=item.size, uploaded_by=item.uploaded_by, uploaded_at=now,
        )
        ids.append(copy.pk)
    return ids


def _forward(ctx: StepContext, order: ForwardOrder) -> Forward:
    origin, now, actor = ctx.complaint, ctx.now, ctx.actor
    forward = Forward(
        origin=origin, origin_unit_id=origin.unit_id, step_number=ctx.run.number, decision_type=order.decision_type,
        forwarded_at=now, forwarded_by=actor, monitor_due_at=_monitor_due(origin, now),
    )
    if order.unit is None:
        forward.outside_body, forward.outside_address = order.outside_body, order.outside_address
        forward.save()
    else:
        target_unit = order.unit
        if target_unit.pk == origin.unit_id:
            raise WorkflowError(_("A complaint cannot be forwarded to its own unit."))
        sop = _current_sop(target_unit)
        target = Complaint(unit=target_unit, sop=sop, created_at=now,
                           **{field: getattr(origin, field) for field in _COPIED_FIELDS})
        # A code of its own (the column is unique), handed to nobody: the complainant follows the whole path
        # with the code of the case they began with.
        target.issue_tracking_code()
        target.tracking_code = ""
        if origin.complainant_id is not None:
            person = origin.complainant
            # The target unit keeps its own copy of the identity, under the same confidentiality flags.
            target.complainant = Complainant.objects.create(
                name=person.name, phone=person.phone, email=person.email, address=person.address,
                notify_by=person.notify_by, created_at=now)
        # Recorded in the target's own register at the moment it arrives there.
        register_allocate(complaint=target, at=now)
        target.save()
        figures.complaint_counted(target, new=True)
        forward.target_unit, forward.target = target_unit, target
        forward.save()
        attachments = _copy_attachments(origin, target, now)
        Event.objects.create(
            complaint=target, kind=Event.Kind.RECEIVED, actor=actor, created_at=now,
            data={"channel": target.channel, "received_at": target.received_at.isoformat(),
                  "forwarded_from": origin.unit.code},
        )
        Event.objects.create(
            complaint=target, kind=Event.Kind.FORWARD_RECEIVED, actor=actor, created_at=now,
            data={"from_unit": origin.unit.code, "from_unit_name": origin.unit.name,
                  "register_number": origin.register_number, "decision_type": order.decision_type,
                  "material": _material(origin), "attachments": attachments},
        )
        Event.objects.create(
            complaint=target, kind=Event.Kind.RECORDED, actor=actor, created_at=now,
            data={"register_number": target.register_number},
        )
        # The target's first step waits for its own front office, who checks what arrived (or returns it).
        first_step = sop.steps.order_by("number").first()
        first_run = _start_step(target, first_step, started_at=now, now=now, actor=actor)
        emit(StepAssigned(step_run=first_run))
    Event.objects.create(
        complaint=origin, kind=Event.Kind.FORWARDED, actor=actor, step_number=ctx.run.number, created_at=now,
        data={"decision_type": order.decision_type, "forward": forward.pk,
              "to_unit": order.unit.code if order.unit else "", "to": forward.to_name,
              "outside": order.unit is None,
              "register_number": forward.target.register_number if forward.target_id else "",
              "monitor_due_at": forward.monitor_due_at.isoformat()},
    )
    emit(ComplaintForwarded(forward=forward))
    return forward


def answer_text(complaint: Complaint) -> str:
    """The answer a case gave: the drafted answer when its SOP has a step that produces one, else what its
    steps after the intake recorded (a short SOP's notes and delivery)."""
    runs = list(complaint.step_runs.filter(done_at__isnull=False).select_related("step").order_by("number"))
    answering = set(kinds.names_having("produces_answer"))
    for run in reversed(runs):
        if run.step.kind in answering and (run.output or {}).get("answer", "").strip():
            return run.output["answer"].strip()
    lines = []
    for run in runs:
        kind = get_kind(run.step.kind)
        if not kind.records_complaint:
            lines += [f"{label}: {value}" for label, value in kind.output_rows(run.output or {})]
    return "\n".join(lines)


def _close_forwarded_origin(forward: Forward, *, actor, now: datetime, data: dict, no_reply: bool = False) -> None:
    """The forward answered: the origin (waiting, with no step open) closes with the answer. `no_reply`: the
    case there was closed because the complainant did not reply, and so is the origin."""
    origin = Complaint.objects.select_for_update().select_related("unit", "sop").get(pk=forward.origin_id)
    if origin.status != Complaint.Status.OPEN:
        return  # nothing waits there any more; the answer stays on the forward (never block the answering unit)
    origin.status = Complaint.Status.NO_REPLY if no_reply else Complaint.Status.CLOSED
    origin.closed_at = now
    origin.save(update_fields=["status", "closed_at"])
    Event.objects.create(complaint=origin, kind=Event.Kind.FORWARD_ANSWERED, actor=actor, created_at=now,
                         data={"forward": forward.pk, **data})
    Event.objects.create(complaint=origin, kind=Event.Kind.CLOSED_NO_REPLY if no_reply else Event.Kind.CLOSED,
                         actor=actor, created_at=now, data={"by_forward": forward.pk})
    emit(ForwardAnswered(forward=forward))
    # The origin is answered now: counted as answered, with its time to answer, as at any closing.
    figures.complaint_counted(origin)
    if decision_run := origin.step_runs.filter(number=forward.step_number).first():
        figures.step_counted(decision_run)
    if no_reply:
        figures.time_classes_counted(origin)
    # A chain of hand-overs (A → B → C): B's closing answers A in turn, with C's answer.
    _answer_flows_back(origin, actor=actor, now=now, answer=data.get("answer", ""), no_reply=no_reply)


def _answer_flows_back(complaint: Complaint, *, actor, now: datetime, answer: str | None = None,
                       no_reply: bool = False) -> None:
    """A case that was forwarded here has been answered: its answer goes back to the forwarding case."""
    forward = Forward.objects.select_for_update().filter(target=complaint, state=Forward.State.MONITORING).first()
    if forward is None:
        return
    answer = answer_text(complaint) if answer is None else answer
    forward.state, forward.answered_at, forward.answer, forward.answered_by = (
        Forward.State.ANSWERED, now, answer, actor)
    forward.monitor_due_at = None
    forward.save(update_fields=["state", "answered_at", "answer", "answered_by", "monitor_due_at"])
    Event.objects.create(complaint=complaint, kind=Event.Kind.ANSWER_SENT_BACK, actor=actor, created_at=now,
                         data={"forward": forward.pk, "to_unit": forward.origin_unit.code,
                               "register_number": forward.origin.register_number})
    _close_forwarded_origin(forward, actor=actor, now=now, no_reply=no_reply, data={
        "unit": complaint.unit.code, "unit_name": complaint.unit.name,
        "register_number": complaint.register_number, "answer": answer})


def may_handle_forwarding(user, complaint: Complaint) -> bool:
    """The roles that handle hand-overs in a unit: its SOP's first-step performer and its deciding roles."""
    sop = complaint.sop
    deciding = set(kinds.names_having("produces_decision"))
    roles = {step.performer for step in sop.steps.all() if step.kind in deciding}
    first = sop.steps.order_by("number").first()
    roles.add(first.performer)
    return any(user_has_role(user, complaint.unit, role) for role in roles)


def forward_return(*, complaint: Complaint, actor, reason: str, now: datetime | None = None) -> Forward:
    """The target unit hands a wrongly forwarded case back with its reason: the target case closes as returned
    and the origin's decision step waits again, the reason on its timeline."""
    now = now or timezone.now()
    if not may_handle_forwarding(actor, complaint):
        raise NotPermitted(_("Only the front office or the deciding officer of %(unit)s may return a case.")
                           % {"unit": complaint.unit.name})
    if not reason or not reason.strip():
        raise StepInputInvalid(_("Please correct the marked fields."),
                               {"reason": [_("Write why the case is not for this unit.")]})
    reason = reason.strip()
    with transaction.atomic():
        target = Complaint.objects.select_for_update().select_related("unit").get(pk=complaint.pk)
        forward = (Forward.objects.select_for_update().select_related("origin_unit")
                   .filter(target=target, state=Forward.State.MONITORING).first())
        if forward is None or target.status != Complaint.Status.OPEN:
            raise StepNotCurrent(_("Only an open case forwarded to this unit can be returned."))
        closed_runs = list(StepRun.objects.select_for_update().filter(complaint=target, done_at__isnull=True))
        for run in closed_runs:
            StepRun.objects.filter(pk=run.pk).update(done_at=now, done_by=actor, output={"returned": reason})
            run.reminders.filter(sent_at__isnull=True).delete()
        target.status, target.closed_at = Complaint.Status.RETURNED, now
        target.save(update_fields=["status", "closed_at"])
        figures.complaint_counted(target)
        for run in closed_runs:
            figures.step_counted(run)  # as a rebuild counts it: done (by the return) at this moment
        Event.objects.create(complaint=target, kind=Event.Kind.RETURNED, actor=actor, created_at=now,
                             data={"forward": forward.pk, "to_unit": forward.origin_unit.code, "reason": reason})
        forward.state, forward.returned_at, forward.return_reason, forward.returned_by = (
            Forward.State.RETURNED, now, reason, actor)
        forward.monitor_due_at = None
        forward.save(update_fields=["state", "returned_at", "return_reason", "returned_by", "monitor_due_at"])
        origin = Complaint.objects.select_for_update().select_related("unit", "sop").get(pk=forward.origin_id)
        # The decision step opens again, with a new deadline from now.
        run = StepRun.objects.select_for_update().select_related("step").get(complaint=origin,
                                                                             number=forward.step_number)
        run.reminders.all().delete()
        figures.step_uncounted(run)  # counted again when the decision is taken anew
        run.done_at, run.done_by, run.paused_at, run.started_at = None, None, None, now
        run.due_at = calendar_for_unit(origin.unit).add(now, run.step.duration)
        run.save(update_fields=["done_at", "done_by", "paused_at", "started_at", "due_at"])
        clock.schedule_reminders(run, calendar_for_unit(origin.unit))
        origin.decision_type = ""
        origin.save(update_fields=["decision_type"])
        figures.complaint_counted(origin)
        Event.objects.create(
            complaint=origin, kind=Event.Kind.FORWARD_RETURNED, actor=actor, step_number=run.number, created_at=now,
            data={"forward": forward.pk, "unit": target.unit.code, "unit_name": target.unit.name,
                  "register_number": target.register_number, "reason": reason},
        )
        Event.objects.create(
            complaint=origin, kind=Event.Kind.STEP_STARTED, actor=actor, step_number=run.number, created_at=now,
            data={"role": run.role, "started_at": now.isoformat(), "due_at": run.due_at.isoformat(),
                  "reopened": True},
        )
        emit(ForwardReturned(forward=forward))
        emit(StepAssigned(step_run=run))
    return forward


class OutsideAnswerForm(forms.Form):
    answered_on = forms.DateField(label=_("Date of the answer"), widget=forms.DateInput(attrs={"type": "date"}))
    reference = forms.CharField(label=_("Reference (letter number)"), max_length=100, required=False)
    summary = forms.CharField(label=_("What the outside body answered"), widget=forms.Textarea(attrs={"rows": 4}))
    file = SafeFileField(label=_("The answer (file)"), required=False)

    def clean_answered_on(self):
        answered_on = self.cleaned_data["answered_on"]
        if answered_on > timezone.localdate():
            raise forms.ValidationError(_("The date of the answer cannot be in the future."))
        return answered_on


def forward_answer_record(*, complaint: Complaint, actor, data: dict, files=None,
                          now: datetime | None = None) -> Forward:
    """An officer of the forwarding unit records the answer of the outside body; the origin closes with it."""
    now = now or timezone.now()
    if not may_handle_forwarding(actor, complaint):
        raise NotPermitted(_("Only the front office or the deciding officer of %(unit)s may record the answer.")
                           % {"unit": complaint.unit.name})
    form = OutsideAnswerForm(data, files)
    if not form.is_valid():
        raise _invalid(form)
    cleaned = form.cleaned_data
    with transaction.atomic():
        forward = (Forward.objects.select_for_update()
                   .filter(origin=complaint, state=Forward.State.MONITORING, target_unit__isnull=True).first())
        if forward is None:
            raise StepNotCurrent(_("This complaint is not waiting for the answer of an outside body."))
        attachment = None
        if cleaned.get("file"):
            upload = cleaned["file"]
            attachment = Attachment.objects.create(
                complaint=complaint, purpose=Attachment.Purpose.OTHER, file=upload, original_name=upload.name,
                content_type=(getattr(upload, "content_type", "") or "")[:100], size=upload.size,
                uploaded_by=actor, uploaded_at=now)
        forward.state, forward.answered_at, forward.answered_by = Forward.State.ANSWERED, now, actor
        forward.answered_on, forward.answer_reference, forward.answer = (
            cleaned["answered_on"], cleaned["reference"].strip(), cleaned["summary"].strip())
        forward.answer_file, forward.monitor_due_at = attachment, None
        forward.save()
        _close_forwarded_origin(forward, actor=actor, now=now, data={
            "outside_body": forward.outside_body, "answered_on": cleaned["answered_on"].isoformat(),
            "reference": forward.answer_reference, "answer": forward.answer,
            "attachment": attachment.pk if attachment else None})
    return forward


def tracking_code_reissue(*, complaint: Complaint, actor, now: datetime | None = None) -> str:
    """A new tracking code for the receipt the recording officer prints; the previous code stops working.

    Only the performer of the first step (who records complaints and hands out receipts) may do it; the event
    says that a code was issued, never the code."""
    now = now or timezone.now()
    first = complaint.sop.steps.order_by("number").first()
    _require_role(actor, complaint.unit, first.performer, complaint.sop)
    with transaction.atomic():
        locked = Complaint.objects.select_for_update().get(pk=complaint.pk)
        code = locked.issue_tracking_code()
        locked.save(update_fields=["tracking_code_hash"])
        Event.objects.create(complaint=complaint, kind=Event.Kind.CODE_ISSUED, actor=actor, created_at=now,
                             data={"reissued": True})
    complaint.tracking_code, complaint.tracking_code_hash = code, locked.tracking_code_hash
    return code


# --- corrections of the register and extensions of a deadline ------------------------------------------------

class RegisterCorrectionForm(forms.ModelForm):
    """What a register entry may be corrected in: the case's own fields, never its number, date or identity."""

    reason = forms.CharField(label=_("Reason for the correction"), widget=forms.Textarea(attrs={"rows": 2}))

    class Meta:
        model = Complaint
        fields = ["summary", "subject", "complaint_type", "category", "event_place", "event_date"]
        widgets = {"event_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}


def _require_unit_head(actor, complaint: Complaint) -> None:
    role = hierarchy.unit_head_role(complaint.unit, complaint.sop)
    if not role:
        raise NotPermitted(_("%(unit)s has no unit head role: set its escalation roles, or UNIT_HEAD_ROLE.")
                           % {"unit": complaint.unit.name})
    _require_role(actor, complaint.unit, role, complaint.sop)


def _recorded_for_update(complaint: Complaint) -> Complaint:
    locked = Complaint.objects.select_for_update().get(pk=complaint.pk)
    if not locked.is_recorded:
        raise StepNotCurrent(_("Only an entry of the Buku Pengaduan can be corrected or voided."))
    if locked.register_mark == Complaint.RegisterMark.VOID:
        raise StepNotCurrent(_("This register entry is void; it cannot be changed any more."))
    return locked


def register_correct(*, complaint: Complaint, actor, data: dict, now: datetime | None = None) -> Complaint:
    """The unit head corrects a register entry with a reason: the number stays, the entry is marked corrected,
    and the event keeps each changed field's old and new value (the register stays gapless and auditable)."""
    now = now or timezone.now()
    _require_unit_head(actor, complaint)
    form = RegisterCorrectionForm(data, instance=Complaint.objects.get(pk=complaint.pk))
    if not form.is_valid():
        raise _invalid(form)
    reason = form.cleaned_data["reason"].strip()
    with transaction.atomic():
        locked = _recorded_for_update(complaint)
        changes = {}
        for field in RegisterCorrectionForm.Meta.fields:
            old, new = getattr(locked, field), form.cleaned_data[field]
            if old != new:
                changes[field] = [old.isoformat() if hasattr(old, "isoformat") else old,
                                  new.isoformat() if hasattr(new, "isoformat") else new]
                setattr(locked, field, new)
        if not changes:
            raise StepInputInvalid(_("Please correct the marked fields."),
                                   {"__all__": [_("Nothing was changed: correct at least one field.")]})
        locked.register_mark, locked.register_note = Complaint.RegisterMark.CORRECTED, reason
        locked.save(update_fields=[*changes, "register_mark", "register_note"])
        figures.complaint_counted(locked)  # the type or category may have moved
        Event.objects.create(complaint=locked, kind=Event.Kind.REGISTER_CORRECTED, actor=actor, created_at=now,
                             data={"register_number": locked.register_number, "reason": reason, "changes": changes})
    return locked


def register_void(*, complaint: Complaint, actor, reason: str, now: datetime | None = None) -> Complaint:
    """The unit head voids a register entry made in error, with a reason: the number stays in the register,
    marked void, so the numbering stays gapless. The case must not be in progress (a void entry has no handling
    to finish); its figures stay as they were."""
    now = now or timezone.now()
    _require_unit_head(actor, complaint)
    if not (reason or "").strip():
        raise StepInputInvalid(_("Please correct the marked fields."),
                               {"reason": [_("Write the reason; it stays in the register and the audit trail.")]})
    with transaction.atomic():
        locked = _recorded_for_update(complaint)
        if locked.status == Complaint.Status.OPEN:
            raise StepNotCurrent(_("This case is still in progress: finish it before voiding its register entry."))
        locked.register_mark, locked.register_note = Complaint.RegisterMark.VOID, reason.strip()
        locked.save(update_fields=["register_mark", "register_note"])
        Event.objects.create(complaint=locked, kind=Event.Kind.REGISTER_VOIDED, actor=actor, created_at=now,
                             data={"register_number": locked.register_number, "reason": reason.strip()})
    return locked


def may_extend(user, run: StepRun, *, roles: set[str] | None = None) -> bool:
    """Whether `user` may extend this step's deadline: its performer's superior, once, while it is open.

    `roles`: the user's roles in the complaint's unit, when the caller has read them already (a page)."""
    complaint = run.complaint
    role = hierarchy.superior_role(complaint.unit, complaint.sop, run.role)
    if not (run.done_at is None and run.extended_from is None and role):
        return False
    if roles is not None:
        return role in roles
    return user_has_role(user, complaint.unit, role)


def deadline_extend(*, complaint: Complaint, actor, extension: str, reason: str,
                    now: datetime | None = None) -> StepRun:
    """The performer's superior extends the deadline of the step in progress, once, with a reason.

    `extension` is office time on the unit's calendar ("3 hari kerja", "2 jam"), added to the current deadline.
    The step is then measured against the extended deadline (its reminder of the breach moves with it), and
    the register, the workdesk and the compliance report show it as extended."""
    now = now or timezone.now()
    errors = {}
    try:
        duration = parse_duration(extension or "")
    except ValueError:
        duration = None
        errors["extension"] = [_("Write the extension as office time, e.g. 3 hari kerja or 4 jam.")]
    if not (reason or "").strip():
        errors["reason"] = [_("Write the reason; it stays in the audit trail.")]
    if errors:
        raise StepInputInvalid(_("Please correct the marked fields."), errors)
    with transaction.atomic():
        run = StepRun.objects.select_for_update().select_related("complaint__unit", "complaint__sop").filter(
            complaint=complaint, done_at__isnull=True).first()
        if run is None:
            raise StepNotCurrent(_("This complaint has no step in progress."))
        role = hierarchy.superior_role(run.complaint.unit, run.complaint.sop, run.role)
        if not role:
            raise NotPermitted(_("%(unit)s has no unit head role: set its escalation roles, or UNIT_HEAD_ROLE.")
                               % {"unit": complaint.unit.name})
        _require_role(actor, complaint.unit, role, complaint.sop)
        if run.extended_from is not None:
            raise StepNotCurrent(_("The deadline of this step has been extended once already."))
        calendar = calendar_for_unit(complaint.unit)
        old_due = run.due_at
        run.due_at = calendar.add(old_due, duration)
        run.extended_from, run.extended_by, run.extension_reason = old_due, actor, reason.strip()
        run.save(update_fields=["due_at", "extended_from", "extended_by", "extension_reason"])
        # The breach is now the extended deadline's (a breach already alerted stays in the history).
        run.reminders.filter(kind=Reminder.Kind.BREACH, sent_at__isnull=True).update(due_at=run.due_at)
        Event.objects.create(complaint=complaint, kind=Event.Kind.DEADLINE_EXTENDED, actor=actor,
                             step_number=run.number, created_at=now,
                             data={"reason": reason.strip(), "extension": extension.strip(),
                                   "due_at_before": old_due.isoformat(), "due_at": run.due_at.isoformat()})
    return run
