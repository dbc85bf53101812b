"""Reminders before a deadline and escalation at breach, sent by `pengaduan remind`.

Each reminder row is claimed with a conditional UPDATE (sent_at NULL → now) before anything is sent, so
running the command twice, or on two servers at once, never sends a reminder twice.
"""

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from pengaduan.complaints.domain_events import (
    ComplainantReminderDue,
    DeadlinePassed,
    ExaminationReminderDue,
    MonitoringDue,
    ReminderDue,
    emit,
)
from pengaduan.complaints.models import Event, Examination, Forward, InformationRequest, Reminder
from pengaduan.sop.selectors import complainant_reminder, monitoring_period
from pengaduan.workcalendar.services import calendar_for_unit

DEFAULT_ESCALATION_ROLES = ("sekretaris", "inspektur")


def escalation_roles(run) -> list[str]:
    """Who is alerted when a step passes its deadline: the unit's chain, without the performer's own role."""
    unit = run.complaint.unit
    chain = unit.escalation_roles or list(DEFAULT_ESCALATION_ROLES)
    known = {role["code"] for role in run.complaint.sop.roles}
    return [role for role in chain if role in known and role != run.role]


def reminders_send(*, now: datetime | None = None, limit: int = 500) -> dict[str, int]:
    """Send the reminders and escalations that are due; steps done or waiting for the complainant are skipped."""
    now = now or timezone.now()
    counts = {"reminders": 0, "escalations": 0, "monitoring": monitoring_send(now=now, limit=limit)}
    due = (
        Reminder.objects.filter(sent_at__isnull=True, due_at__lte=now,
                                step_run__done_at__isnull=True, step_run__paused_at__isnull=True)
        .select_related("step_run__complaint__unit", "step_run__complaint__sop", "step_run__step")
        .order_by("due_at")[:limit]
    )
    due = list(due)
    latest = {}  # per step: the furthest reminder due now; earlier ones caught up with are not sent as well
    for reminder in due:
        if reminder.share > latest.get(reminder.step_run_id, -1):
            latest[reminder.step_run_id] = reminder.share
    for reminder in due:
        with transaction.atomic():
            if not Reminder.objects.filter(pk=reminder.pk, sent_at__isnull=True).update(sent_at=now):
                continue  # another run of the command took it
            if reminder.share < latest[reminder.step_run_id]:
                continue  # overtaken (the command did not run for a while): only the latest news is sent
            run = reminder.step_run
            complaint = run.complaint
            emit(ReminderDue(reminder=reminder))
            if reminder.kind == Reminder.Kind.BREACH:
                roles = escalation_roles(run)
                emit(DeadlinePassed(reminder=reminder, roles=roles))
                Event.objects.create(complaint=complaint, kind=Event.Kind.ESCALATED, step_number=run.number,
                                     created_at=now, data={"roles": roles, "due_at": run.due_at.isoformat()})
                counts["escalations"] += 1
            else:
                Event.objects.create(complaint=complaint, kind=Event.Kind.REMINDED, step_number=run.number,
                                     created_at=now, data={"share": reminder.share})
                counts["reminders"] += 1
    examined = examination_reminders_send(now=now, limit=limit)
    counts["reminders"] += examined["reminders"]
    counts["escalations"] += examined["escalations"]
    counts["complainant_reminders"] = complainant_reminders_send(now=now, limit=limit)
    counts["closed_no_reply"] = no_reply_closings(now=now, limit=limit)
    return counts


def complainant_reminders_send(*, now: datetime | None = None, limit: int = 500) -> int:
    """Remind complainants of questions they have not answered, after the SOP's `[sop.complainant_reminder]
    after`, at most `times` times. Each reminder is claimed on the question's row (conditional UPDATE of
    `reminders_sent` and `remind_at`), so running `pengaduan remind` twice, or on two servers, sends it once."""
    now = now or timezone.now()
    sent = 0
    due = (InformationRequest.objects.filter(replied_at__isnull=True, remind_at__lte=now,
                                             step_run__done_at__isnull=True)
           .select_related("complaint__unit", "complaint__sop", "step_run").order_by("remind_at")[:limit])
    for request in list(due):
        if request.close_at is not None and request.step_run.paused_at is None:
            # The case waited for this answer and the officer went on without it (it came by telephone, say):
            # no reminder, now or later.
            InformationRequest.objects.filter(pk=request.pk, remind_at=request.remind_at).update(remind_at=None)
            continue
        complaint = request.complaint
        rule = complainant_reminder(complaint.sop)
        count = request.reminders_sent + 1
        following = None
        if count < rule.times:
            following = calendar_for_unit(complaint.unit).add(now, _duration(rule.after))
            if request.close_at is not None and following >= request.close_at:
                following = None  # after the closing: too late to help
        with transaction.atomic():
            if not InformationRequest.objects.filter(pk=request.pk, replied_at__isnull=True,
                                                     reminders_sent=request.reminders_sent,
                                                     remind_at=request.remind_at).update(
                    reminders_sent=count, remind_at=following):
                continue  # another run took it, or the complainant has just answered
            request.reminders_sent, request.remind_at = count, following
            Event.objects.create(complaint=complaint, kind=Event.Kind.COMPLAINANT_REMINDED,
                                 step_number=request.step_run.number, created_at=now,
                                 data={"request": request.pk, "count": count})
            emit(ComplainantReminderDue(request=request, count=count))
            sent += 1
    return sent


def _duration(text: str):
    from pengaduan.workcalendar.durations import parse_duration

    return parse_duration(text)


def no_reply_closings(*, now: datetime | None = None, limit: int = 500) -> int:
    """Close, by the SOP's rule, the cases whose complainant left the question they waited for unanswered past
    its `close_at` (engine.complaint_close_no_reply: the engine writes the case; a second run finds it closed)."""
    from pengaduan.complaints.engine import complaint_close_no_reply

    now = now or timezone.now()
    closed = 0
    due = (InformationRequest.objects.filter(replied_at__isnull=True, close_at__lte=now,
                                             step_run__done_at__isnull=True, complaint__status="open")
           .order_by("close_at")[:limit])
    for request in list(due):
        if complaint_close_no_reply(request=request, now=now) is not None:
            closed += 1
    return closed


def examination_escalation_roles(examination: Examination) -> list[str]:
    """Who is alerted when an examination passes its deadline: who ordered it (the decision step's performer),
    then the unit's chain, never the examiner's own role."""
    chain = [examination.step_run.role, *escalation_roles(examination.step_run)]
    return [role for position, role in enumerate(chain) if role != examination.role and role not in chain[:position]]


def examination_reminders_send(*, now: datetime, limit: int = 500) -> dict[str, int]:
    """The examiner's reminder and the escalation at an examination's deadline: each claimed once, on the row
    itself (conditional UPDATE), so two runs of `pengaduan remind` never send one twice."""
    counts = {"reminders": 0, "escalations": 0}
    open_examinations = Examination.objects.filter(submitted_at__isnull=True).select_related(
        "complaint__unit", "complaint__sop", "step_run__step", "step_run__complaint")
    for examination in open_examinations.filter(escalated_at__isnull=True, due_at__lte=now).order_by("due_at")[:limit]:
        with transaction.atomic():
            # The deadline has passed: the reminder before it is overtaken and no longer sent.
            if not Examination.objects.filter(pk=examination.pk, escalated_at__isnull=True).update(
                    escalated_at=now, reminded_at=examination.reminded_at or now):
                continue
            roles = examination_escalation_roles(examination)
            emit(ExaminationReminderDue(examination=examination, breach=True, roles=roles))
            Event.objects.create(complaint=examination.complaint, kind=Event.Kind.ESCALATED,
                                 step_number=examination.step_run.number, created_at=now,
                                 data={"roles": roles, "due_at": examination.due_at.isoformat(),
                                       "examination": examination.pk})
            counts["escalations"] += 1
    for examination in open_examinations.filter(reminded_at__isnull=True, remind_at__lte=now).order_by(
            "remind_at")[:limit]:
        with transaction.atomic():
            if not Examination.objects.filter(pk=examination.pk, reminded_at__isnull=True).update(reminded_at=now):
                continue
            emit(ExaminationReminderDue(examination=examination, breach=False))
            Event.objects.create(complaint=examination.complaint, kind=Event.Kind.REMINDED,
                                 step_number=examination.step_run.number, created_at=now,
                                 data={"examination": examination.pk})
            counts["reminders"] += 1
    return counts


def monitoring_send(*, now: datetime | None = None, limit: int = 500) -> int:
    """Remind the forwarding units of forwarded cases still unanswered after a monitoring period; each such
    case is reminded again one period later, until its answer is in (or it is returned)."""
    now = now or timezone.now()
    sent = 0
    due = (Forward.objects.filter(state=Forward.State.MONITORING, monitor_due_at__lte=now)
           .select_related("origin__unit", "origin__sop", "target_unit").order_by("monitor_due_at")[:limit])
    for forward in list(due):
        origin = forward.origin
        following = calendar_for_unit(origin.unit).add(now, monitoring_period(origin.sop))
        with transaction.atomic():
            # Claimed by moving the deadline on: a second run of the command finds it not due any more.
            if not Forward.objects.filter(pk=forward.pk, state=Forward.State.MONITORING,
                                          monitor_due_at=forward.monitor_due_at).update(
                    monitor_due_at=following, reminders_sent=forward.reminders_sent + 1):
                continue
            forward.monitor_due_at, forward.reminders_sent = following, forward.reminders_sent + 1
            Event.objects.create(complaint=origin, kind=Event.Kind.MONITORING_REMINDED, created_at=now,
                                 data={"forward": forward.pk, "to": forward.to_name, "count": forward.reminders_sent,
                                       "next_at": following.isoformat()})
            emit(MonitoringDue(forward=forward))
            sent += 1
    return sent
