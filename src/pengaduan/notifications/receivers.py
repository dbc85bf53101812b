"""Who is told what when something happens to a complaint: the engine's events turned into outbox messages.

Registered by NotificationsConfig.ready(). Each receiver runs inside the engine's transaction, so its outbox
rows are written with the change (and rolled back with it); the outbox delivers them after the commit.
"""

from pengaduan.complaints.domain_events import (
    ComplainantReminderDue,
    ComplaintArriving,
    ComplaintClosed,
    ComplaintClosedNoReply,
    ComplaintForwarded,
    ComplaintRecorded,
    DeadlinePassed,
    ExaminationOrdered,
    ExaminationReminderDue,
    ExaminationReported,
    ForwardAnswered,
    ForwardReturned,
    InformationRequested,
    MonitoringDue,
    ReminderDue,
    StepAssigned,
    on,
)
from pengaduan.complaints.models import Complaint
from pengaduan.complaints.pdp import identity_erased
from pengaduan.typesetting import format_datetime_id
from pengaduan.notifications.services import (
    erase_complainant_messages,
    notify_complainant,
    notify_escalation,
    notify_examination,
    notify_forward_returned,
    notify_monitoring,
    notify_reminder,
    notify_step_assigned,
    offer_survey,
    prepare_new_complaint_messages,
    prepare_saving_messages,
)


@on(ComplaintArriving)
def prepare_arrival_messages(event: ComplaintArriving) -> None:
    # Rendered now, outside the engine's write transaction; inserted in it, in one statement.
    messages = prepare_new_complaint_messages(complaint=event.complaint, step_run=event.step_run,
                                              receipt_base_url=event.receipt_base_url)
    event.writes.append(prepare_saving_messages(messages, complaint=event.complaint, step_run=event.step_run))


@on(StepAssigned)
def tell_performers(event: StepAssigned) -> None:
    notify_step_assigned(step_run=event.step_run)


@on(ComplaintRecorded)
def send_recorded_receipt(event: ComplaintRecorded) -> None:
    # The receipt again, now with the register number.
    notify_complainant(complaint=event.complaint, key="complaint_recorded")


@on(ComplaintClosed)
def tell_complainant_answered(event: ComplaintClosed) -> None:
    notify_complainant(complaint=event.complaint, key="complaint_answered")


@on(ComplaintClosed)
def invite_to_survey(event: ComplaintClosed) -> None:
    offer_survey(complaint=event.complaint)


@on(InformationRequested)
def ask_complainant(event: InformationRequested) -> None:
    request = event.request
    notify_complainant(complaint=request.complaint, key="information_requested",
                       context={"question": request.question}, dedupe_key=f"information_requested:{request.pk}")


@on(ComplainantReminderDue)
def remind_complainant(event: ComplainantReminderDue) -> None:
    request = event.request
    notify_complainant(complaint=request.complaint, key="information_reminder",
                       context={"question": request.question, "count": event.count,
                                "close_at": format_datetime_id(request.close_at) if request.close_at else ""},
                       dedupe_key=f"information_reminder:{request.pk}:{event.count}")


@on(ComplaintClosedNoReply)
def tell_complainant_closed_no_reply(event: ComplaintClosedNoReply) -> None:
    notify_complainant(complaint=event.complaint, key="complaint_closed_no_reply")


@on(ReminderDue)
def remind_performers(event: ReminderDue) -> None:
    notify_reminder(reminder=event.reminder)


@on(DeadlinePassed)
def alert_superiors(event: DeadlinePassed) -> None:
    notify_escalation(reminder=event.reminder, roles=event.roles)


@on(ExaminationOrdered)
def tell_examiners(event: ExaminationOrdered) -> None:
    notify_examination(examination=event.examination, key="step_assigned", dedupe="examination_ordered")


@on(ExaminationReported)
def tell_decider_report_is_in(event: ExaminationReported) -> None:
    examination = event.examination
    notify_examination(examination=examination, key="step_assigned", roles=[examination.step_run.role],
                       dedupe="examination_reported", due_at=examination.step_run.due_at)


@on(ExaminationReminderDue)
def remind_examiners(event: ExaminationReminderDue) -> None:
    examination = event.examination
    if event.breach:
        notify_examination(examination=examination, key="escalation", roles=event.roles,
                           dedupe="examination_escalation", share=100)
    else:
        notify_examination(examination=examination, key="reminder", dedupe="examination_reminder", share=80)


@on(MonitoringDue)
def follow_up_forward(event: MonitoringDue) -> None:
    notify_monitoring(forward=event.forward)


@on(ForwardAnswered)
def tell_complainant_outside_answer(event: ForwardAnswered) -> None:
    # A unit of this install delivered its answer itself (its own last step); an outside body's answer, once
    # recorded, is announced here.
    if event.forward.is_outside:
        notify_complainant(complaint=event.forward.origin, key="complaint_answered")
    # The case the complainant began with is closed now: its survey (a chain's middle case waits for its own origin).
    # (Read again: the engine closed the origin through another instance than the one the forward holds.)
    offer_survey(complaint=Complaint.objects.select_related("unit", "complainant").get(pk=event.forward.origin_id))


@on(ComplaintForwarded)
def tell_complainant_forwarded(event: ComplaintForwarded) -> None:
    forward = event.forward
    notify_complainant(complaint=forward.origin, key="complaint_forwarded", context={"to": forward.to_name},
                       dedupe_key=f"complaint_forwarded:{forward.pk}")


@on(ForwardReturned)
def tell_deciders_returned(event: ForwardReturned) -> None:
    notify_forward_returned(forward=event.forward)


def forget_the_complainants_messages(sender, complaint, email="", **kwargs) -> None:
    """Erasure of a complainant's identity (complaints.pdp): the messages sent to them go too."""
    erase_complainant_messages(complaint=complaint, email=email)


identity_erased.connect(forget_the_complainants_messages, dispatch_uid="notifications_forget_complainant")
