"""Personal data (UU 27/2022): what a data subject may receive, and erasure at the end of retention.

The export gives the complainant what they told us and what was done with it, and who processed it;
it leaves out what would expose others (internal notes, the decision's reasoning, the Kasubag's answers).
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q, Value
from django.db.models.functions import Replace
from django.utils import timezone

from pengaduan.complaints.codes import tracking_code_filter
from pengaduan.complaints.models import AccessLog, Complainant, Complaint, Rating


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
        "data_subject": [{"name": p.name, "phone": p.phone, "email": p.email, "address": p.address} for p in people],
        "complaints": [],
    }
    with transaction.atomic():
        for complaint in complaints:
            result["complaints"].append({
                "register_number": complaint.register_number,
                "unit": complaint.unit.name,
                "received_at": complaint.received_at.isoformat(),
                "channel": complaint.channel,
                "summary": complaint.summary,
                "description": complaint.description,
                "subject": complaint.subject,
                "status": complaint.status,
                "files": [a.original_name for a in complaint.attachments.filter(purpose="evidence")],
                "questions_and_replies": [
                    {"question": q.question, "asked_at": q.asked_at.isoformat(), "reply": q.reply}
                    for q in complaint.information_requests.all()
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
    due = Complaint.objects.filter(complainant__isnull=False, closed_at__lt=cutoff)
    if dry_run:
        return due.count()
    erased = 0
    for complaint in due.iterator(chunk_size=500):
        with transaction.atomic():
            person_id = complaint.complainant_id
            if not Complaint.objects.filter(pk=complaint.pk, complainant_id=person_id).update(
                complainant=None, identity_erased_at=now
            ):
                continue
            if not Complaint.objects.filter(complainant_id=person_id).exists():
                Complainant.objects.filter(pk=person_id).delete()
            AccessLog.objects.create(complaint=complaint, action=AccessLog.Action.ERASE, where="pdp erase", at=now)
            erased += 1
    return erased
