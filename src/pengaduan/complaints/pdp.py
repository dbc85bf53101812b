"""Personal data (UU 27/2022): what a data subject may receive, erasure (at the end of retention or on
request), and the register of data-subject requests with their legal clock.

The export gives the complainant what they told us and what was done with it, and who processed it;
it leaves out what would expose others (internal notes, the decision's reasoning, the Kasubag's answers).

Erasure is complete: the complainant, the channel details that identify them (caller's number, link to the
post), the name of whoever received the answer, the mail sent to them (address, subject, body), the files
they uploaded themselves (and their metadata), their rating comment, and anything a search index holds
(`identity_erased` tells the indexes). The register entry and the SOP timeline stay, without the identity.
"""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q, Value
from django.db.models.functions import Replace
from django.dispatch import Signal
from django.utils import timezone

from pengaduan.complaints.appendonly import audited_rewrite
from pengaduan.complaints.codes import tracking_code_filter
from pengaduan.complaints.models import (
    AccessLog,
    Attachment,
    Complainant,
    Complaint,
    DataSubjectRequest,
    Event,
    Rating,
    StepRun,
)
from pengaduan.complaints.privacy import COMPLAINT_IDENTITY_FIELDS, OUTPUT_IDENTITY_FIELDS

logger = logging.getLogger(__name__)

# Sent inside the erasing transaction with `complaint` and the complainant's former `email`: the outbox, search
# indexes and other copies drop what they hold about the complainant (a receiver that fails undoes the erasure,
# which is then retried).
identity_erased = Signal()

# The legal clock of a data-subject request: 3 × 24 hours, in real hours (UU 27/2022).
REQUEST_HOURS = 3 * 24



def complaints_of(reference: str):
    """The complaints of a data subject, found by e-mail, telephone number or a tracking code."""
    reference = reference.strip()
    if not reference:
        return Complaint.objects.none()
    digits = "".join(ch for ch in reference if ch.isdigit())
    query = Q(complainant__email__iexact=reference) | tracking_code_filter(reference)
    complaints = Complaint.objects.all()
    if len(digits) >= 6:
        # Numbers are written "0812-3456 7890", "+62 812 3456 7890"...: compare the last nine digits only.
        phone = F("complainant__phone")
        for separator in ("-", " ", ".", "(", ")", "+"):
            phone = Replace(phone, Value(separator), Value(""))
        complaints = complaints.annotate(phone_digits=phone)
        query |= Q(phone_digits__endswith=digits[-9:])
    return complaints.filter(query).select_related("complainant", "unit").order_by("received_at")


def export(*, reference: str, actor=None, now: datetime | None = None) -> dict:
    """Everything held about the complainant behind `reference`, and the log of who processed it."""
    now = now or timezone.now()
    complaints = list(complaints_of(reference))
    people = {c.complainant for c in complaints if c.complainant}
    result = {
        "exported_at": now.isoformat(),
        "data_subject": [{"name": p.name, "phone": p.phone, "email": p.email, "address": p.address,
                          "notify_by": p.notify_by} for p in people],
        "complaints": [],
    }
    with transaction.atomic():
        for complaint in complaints:
            result["complaints"].append({
                "register_number": complaint.register_number,
                "unit": complaint.unit.name,
                "received_at": complaint.received_at.isoformat(),
                "channel": complaint.channel,
                "caller_number": complaint.caller_number,
                "link_to_post": complaint.source_link,
                "received_by": [run.output.get("recipient") for run in complaint.step_runs.all()
                                if run.output.get("recipient")],
                "summary": complaint.summary,
                "description": complaint.description,
                "subject": complaint.subject,
                "status": complaint.status,
                "files": [a.original_name for a in complaint.attachments.filter(purpose="evidence")],
                "questions_and_replies": [
                    {"question": q.question, "asked_at": q.asked_at.isoformat(), "reply": q.reply}
                    for q in complaint.information_requests.all()
                ],
                "messages": [
                    {"at": m.received_at.isoformat(), "via": m.via, "text": m.text}
                    for m in complaint.complainant_messages.all()
                ],
                "rating": Rating.objects.filter(complaint=complaint).values_list("score", flat=True).first(),
                "processing": [
                    {"at": e.created_at.isoformat(), "what": e.get_kind_display(),
                     "by": e.actor.get_username() if e.actor else ""}
                    for e in complaint.events.select_related("actor").order_by("created_at", "pk")
                ],
                "identity_seen_by": [
                    {"at": log.at.isoformat(), "by": log.user.get_username() if log.user else "", "action": log.action}
                    for log in complaint.access_log.select_related("user").order_by("at")
                ],
            })
            AccessLog.objects.create(user=actor, complaint=complaint, action=AccessLog.Action.EXPORT,
                                     where="pdp export", at=now)
    return result


def erase_expired(*, now: datetime | None = None, years: int | None = None, dry_run: bool = False) -> int:
    """Erase the identities of complainants whose cases closed more than `years` ago. Safe to rerun."""
    now = now or timezone.now()
    years = settings.IDENTITY_RETENTION_YEARS if years is None else years
    cutoff = now - timedelta(days=round(365.25 * years))
    due = Complaint.objects.filter(_holds_identity(), closed_at__lt=cutoff)
    if dry_run:
        return due.count()
    erased = 0
    for pk in list(due.values_list("pk", flat=True)):
        if erase_complaint(pk, now=now, action=AccessLog.Action.ERASE, where="pdp erase"):
            erased += 1
    return erased


def erase_subject(*, reference: str, actor=None, now: datetime | None = None, where: str = "pdp request") -> int:
    """Erase, at the data subject's request, the identity behind `reference` in every complaint of theirs."""
    now = now or timezone.now()
    erased = 0
    for pk in list(complaints_of(reference).values_list("pk", flat=True)):
        if erase_complaint(pk, now=now, actor=actor, action=AccessLog.Action.ERASE_REQUESTED, where=where):
            erased += 1
    return erased


def _holds_identity() -> Q:
    held = Q(complainant__isnull=False)
    for field in COMPLAINT_IDENTITY_FIELDS:
        held |= ~Q(**{field: ""})
    return held


def erase_complaint(pk: int, *, now: datetime, action: str, actor=None, where: str = "") -> bool:
    """Erase everything that identifies the complainant of one complaint; False when nothing was left to erase.

    One transaction: the complaint row is locked first, so two erasures of one case cannot interleave."""
    with transaction.atomic():
        complaint = Complaint.objects.select_for_update().filter(pk=pk).first()
        if complaint is None or not Complaint.objects.filter(_holds_identity(), pk=pk).exists():
            return False
        person = complaint.complainant
        email = person.email.strip() if person else ""
        complaint.complainant = None
        for field in COMPLAINT_IDENTITY_FIELDS:
            setattr(complaint, field, "")
        complaint.identity_erased_at = now
        complaint.save(update_fields=["complainant", *COMPLAINT_IDENTITY_FIELDS, "identity_erased_at"])
        if person is not None and not Complaint.objects.filter(complainant=person).exists():
            person.delete()
        _erase_step_outputs(complaint)
        _erase_own_files(complaint)
        Rating.objects.filter(complaint=complaint).exclude(comment="").update(comment="")
        # The address or number it came from is the complainant's identity (complaints/inbound.py).
        complaint.inbound_messages.exclude(sender="").update(sender="")
        _anonymise_requests(complaint)
        with audited_rewrite():
            _erase_event_data(complaint)
        # The outbox (mail sent to the complainant) and any search index drop their copies (notifications.receivers).
        identity_erased.send(sender=Complaint, complaint=complaint, email=email)
        AccessLog.objects.create(user=actor, complaint=complaint, action=action, where=where[:200], at=now)
    return True


def _erase_step_outputs(complaint: Complaint) -> None:
    for run in StepRun.objects.filter(complaint=complaint):
        if any(run.output.get(key) for key in OUTPUT_IDENTITY_FIELDS):
            run.output = {key: ("" if key in OUTPUT_IDENTITY_FIELDS else value) for key, value in run.output.items()}
            run.save(update_fields=["output"])


def _erase_own_files(complaint: Complaint) -> None:
    """The files the complainant uploaded (with the complaint or a reply): no officer uploaded them."""
    own = list(Attachment.objects.filter(complaint=complaint, uploaded_by__isnull=True))
    names = [item.file.name for item in own if item.file]
    Attachment.objects.filter(pk__in=[item.pk for item in own]).delete()
    if names:
        storage = Attachment._meta.get_field("file").storage

        def remove_files():
            for name in names:
                try:
                    storage.delete(name)
                except OSError:
                    logger.warning("Could not delete the erased file %s", name, exc_info=True)

        transaction.on_commit(remove_files)


def _anonymise_requests(complaint: Complaint) -> None:
    """Register entries about this complaint keep their dates and outcome, not who asked (the register is
    small: read in Python, since SQLite cannot look inside a JSON list)."""
    for request in DataSubjectRequest.objects.exclude(requester="", reference="", details=""):
        if complaint.pk in (request.complaints or []):
            request.requester = request.reference = request.details = ""
            request.save(update_fields=["requester", "reference", "details"])


def _erase_event_data(complaint: Complaint) -> None:
    """Events never copy identity fields; should one ever have, erasure rewrites it here (the audited path)."""
    for event in Event.objects.filter(complaint=complaint):
        if any(event.data.get(key) for key in OUTPUT_IDENTITY_FIELDS):
            data = {key: ("" if key in OUTPUT_IDENTITY_FIELDS else value) for key, value in event.data.items()}
            Event.objects.filter(pk=event.pk).update(data=data)


# --- the register of data-subject requests ---------------------------------------------------------------------

def request_record(*, kind: str, actor, reference: str = "", requester: str = "", details: str = "",
                   received_at: datetime | None = None, now: datetime | None = None) -> DataSubjectRequest:
    """Record a request; its answer is due 3 × 24 real hours after it was received."""
    now = now or timezone.now()
    received_at = received_at or now
    found = list(complaints_of(reference).values_list("pk", flat=True)) if reference.strip() else []
    return DataSubjectRequest.objects.create(
        kind=kind, requester=requester.strip(), reference=reference.strip(), details=details.strip(),
        received_at=received_at, due_at=received_at + timedelta(hours=REQUEST_HOURS), recorded_by=actor,
        complaints=found,
    )


def request_answer(*, request: DataSubjectRequest, actor, outcome: str, answer: str = "",
                   now: datetime | None = None) -> DataSubjectRequest:
    """Close a request. An erasure outcome erases the identity behind the request's reference first."""
    now = now or timezone.now()
    with transaction.atomic():
        request = DataSubjectRequest.objects.select_for_update().get(pk=request.pk)
        if not request.is_open:
            raise ValueError("already answered")
        if outcome == DataSubjectRequest.Outcome.ERASED:
            for pk in request.complaints or list(complaints_of(request.reference).values_list("pk", flat=True)):
                erase_complaint(pk, now=now, actor=actor, action=AccessLog.Action.ERASE_REQUESTED,
                                where=f"pdp request {request.pk}")
            request.refresh_from_db()
            request.requester = request.reference = request.details = ""
        request.answered_at, request.answered_by, request.outcome = now, actor, outcome
        request.answer = answer.strip()
        request.save()
    return request


def time_left(request: DataSubjectRequest, now: datetime | None = None) -> timedelta:
    return request.due_at - (now or timezone.now())


def dpo_users():
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Permission

    permission = Permission.objects.filter(codename="act_as_dpo", content_type__app_label="complaints").first()
    users = get_user_model().objects.filter(is_active=True)
    return users.filter(Q(is_superuser=True) | Q(user_permissions=permission) | Q(groups__permissions=permission)
                        ).distinct() if permission else users.filter(is_superuser=True)


def claim_overdue_requests(*, now: datetime | None = None) -> list[DataSubjectRequest]:
    """The open requests past their legal deadline that nobody was alerted of yet, marked as alerted now.

    Call it inside the transaction that queues the alerts (notifications.services.alert_overdue_requests): a
    request is claimed once, whoever runs `pengaduan remind` at the same time."""
    now = now or timezone.now()
    claimed = []
    for request in DataSubjectRequest.objects.filter(answered_at__isnull=True, due_at__lt=now,
                                                     overdue_alerted_at__isnull=True):
        if DataSubjectRequest.objects.filter(pk=request.pk, overdue_alerted_at__isnull=True).update(
                overdue_alerted_at=now):
            claimed.append(request)
    return claimed


def dpo_addresses() -> list[str]:
    """Where overdue requests are reported: DPO_EMAIL and every active DPO user's e-mail address."""
    addresses = {settings.DPO_EMAIL.strip().lower()} if settings.DPO_EMAIL.strip() else set()
    addresses |= {user.email.strip().lower() for user in dpo_users() if user.email.strip()}
    return sorted(addresses)
