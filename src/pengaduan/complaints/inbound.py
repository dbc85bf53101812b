"""Messages that arrive by themselves: a mail in the unit's mailbox, a WhatsApp or SMS message.

Each channel's adapter (the mailbox reader, the webhooks) reads its own format, decides whether the message is
a reply on a known case (a tracking code in the subject, a mail thread, the sender's open case) and hands it
here. `message_arrives` turns it into a received complaint waiting for the JFU (recording it in the Buku
Pengaduan stays the officer's act) or into the complainant's message on its case, and records an
`InboundMessage` in the same transaction. The pair (channel, external id) is unique in the database: a message
read twice, redelivered by a webhook or read by two servers at once is recorded once, and the second reader
gets the first one's record back.
"""

import logging
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _

from pengaduan.complaints import channels, engine
from pengaduan.complaints.attachments import MAX_FILES_PER_UPLOAD, safe_display_name
from pengaduan.complaints.kinds.base import MultipleFileField
from pengaduan.complaints.models import Complaint, InboundMessage
from pengaduan.units.models import Unit

logger = logging.getLogger(__name__)

SUMMARY_LENGTH = 200


@dataclass
class Arrival:
    """What became of one inbound message; `created` is False when it had been recorded before."""

    record: InboundMessage
    created: bool

    @property
    def complaint(self) -> Complaint | None:
        return self.record.complaint


def open_case_of(*, unit: Unit | None = None, phone: str = "", email: str = "") -> Complaint | None:
    """The sender's most recent case still in progress (in `unit`, or any unit when None), found by the
    telephone number (E.164, as stored) or the e-mail address; None when there is none or no key is given.
    Anonymous complaints keep no contact and are never found."""
    key = Q()
    if phone.strip():
        key |= Q(complainant__phone=phone.strip())
    if email.strip():
        key |= Q(complainant__email__iexact=email.strip())
    if not key:
        return None
    cases = Complaint.objects.filter(key, status=Complaint.Status.OPEN, is_anonymous=False)
    if unit is not None:
        cases = cases.filter(unit=unit)
    return cases.order_by("-received_at", "-pk").first()


def _checked_files(files) -> tuple[list, list[str]]:
    """The files that pass the upload checks, and a line for each one refused (the message is kept anyway)."""
    field = MultipleFileField(required=False)
    accepted, refused = [], []
    for upload in files or ():
        if len(accepted) >= MAX_FILES_PER_UPLOAD:
            refused.append(_("%(name)s: more than %(n)s files") % {"name": safe_display_name(upload.name),
                                                                   "n": MAX_FILES_PER_UPLOAD})
            continue
        try:
            accepted.extend(field.clean([upload]))
        except ValidationError as error:
            refused.extend(error.messages)
    return accepted, refused


def _summary(subject: str, text: str, channel_label: str) -> str:
    line = subject.strip() or next((line.strip() for line in text.splitlines() if line.strip()), "")
    line = " ".join(line.split())
    if not line:
        return _("Message by %(channel)s") % {"channel": channel_label}
    return line if len(line) <= SUMMARY_LENGTH else line[:SUMMARY_LENGTH - 1] + "…"


def _existing(channel: str, external_id: str) -> InboundMessage | None:
    return InboundMessage.objects.filter(channel=channel, external_id=external_id).select_related("complaint").first()


def message_arrives(*, unit: Unit, channel: str, external_id: str, text: str, sender: str = "",
                    subject: str = "", name: str = "", phone: str = "", email: str = "", files=(),
                    reply_to: Complaint | None = None, received_at: datetime | None = None,
                    receipt_base_url: str | None = None, now: datetime | None = None) -> Arrival:
    """Record one inbound message exactly once.

    With `reply_to` it is the complainant's message on that case (answering its open questions and resuming a
    paused clock: `engine.complainant_message`); otherwise a new complaint on `channel`, received and waiting
    for the JFU, with `name`/`phone`/`email` as the contact (kept confidential, as the portal's default) and
    the sender's text as what happened. Files that fail the upload checks are left out and named in the
    record's note and, for a new complaint, at the end of its text: the message itself is never lost for them.
    `phone` is expected in E.164 (the channel's adapter normalises it). With `receipt_base_url` a new
    complaint's receipt goes to the sender (on the channel's answer medium: a WhatsApp complainant gets it by
    WhatsApp), as the portal's form sends it.
    """
    now = now or timezone.now()
    external_id = external_id.strip()[:255]
    if not external_id:
        raise ValueError("an inbound message needs its external id")
    earlier = _existing(channel, external_id)
    if earlier is not None:
        return Arrival(earlier, created=False)
    accepted, refused = _checked_files(files)
    try:
        validate_email(email.strip())
    except ValidationError:
        email = ""  # a sender address the form would refuse: the complaint is kept, with the sender as its name
    note = "\n".join(_("Attachment refused: %(reason)s") % {"reason": reason} for reason in refused)
    text = (text or "").strip()
    record = InboundMessage(unit=unit, channel=channel, external_id=external_id, sender=sender[:255],
                            received_at=received_at or now, note=note)
    try:
        with transaction.atomic():
            if reply_to is not None:
                wrote = engine.complainant_message(complaint=reply_to, text=text, files=MultiValueDict(
                    {"evidence": accepted}), via=channel, now=now)
                record.outcome, record.complaint, record.message = (InboundMessage.Outcome.REPLY, reply_to,
                                                                    wrote.message)
            else:
                label = str(channels.get(channel).label) if channels.get(channel) else channel
                description = text or _("(no text; see the attached files)")
                if refused:
                    description += "\n\n" + note
                data = {
                    "channel": channel, "summary": _summary(subject, text, label), "description": description,
                    "subject": _("To be identified by the officer"), "complainant_name": (name or sender)[:200],
                    "complainant_phone": phone[:50], "complainant_email": email.strip(), "is_confidential": True,
                }
                if received_at is not None:
                    data["received_at"] = received_at
                complaint = engine.complaint_receive(unit=unit, data=data,
                                                     files=MultiValueDict({"evidence": accepted}), now=now,
                                                     receipt_base_url=receipt_base_url)
                record.outcome, record.complaint = InboundMessage.Outcome.COMPLAINT, complaint
            record.save()
    except IntegrityError:
        # Another reader recorded the same message first; its record stands, this one is rolled back whole.
        earlier = _existing(channel, external_id)
        if earlier is None:
            raise
        return Arrival(earlier, created=False)
    logger.info("Inbound %s message %s: %s (complaint %s)", channel, external_id, record.outcome,
                record.complaint_id)
    return Arrival(record, created=True)


def message_ignored(*, unit: Unit, channel: str, external_id: str, reason: str, sender: str = "",
                    set_aside: bool = False, now: datetime | None = None) -> Arrival:
    """Record a message that becomes nothing (an auto-reply, a delivery report, an opt-out keyword) or that could
    not be read (`set_aside`), so that it is not read again and the officer can see why."""
    now = now or timezone.now()
    outcome = InboundMessage.Outcome.SET_ASIDE if set_aside else InboundMessage.Outcome.IGNORED
    try:
        with transaction.atomic():
            record, created = InboundMessage.objects.get_or_create(
                channel=channel, external_id=external_id.strip()[:255],
                defaults={"unit": unit, "sender": sender[:255], "received_at": now, "outcome": outcome,
                          "note": reason},
            )
    except IntegrityError:
        record, created = _existing(channel, external_id.strip()[:255]), False
    if created:
        log = logger.warning if set_aside else logger.info
        log("Inbound %s message %s %s: %s", channel, external_id, outcome, reason)
    return Arrival(record, created=created)

