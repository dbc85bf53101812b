"""`pengaduan mail fetch`: the unit's mailbox read into complaints, replies, ignored auto-replies and bounces.

For each configured mailbox (`Mailbox` rows of active units, and MAILBOX_URL for the portal's unit) the mail not
yet processed is read oldest first, and each one, in one transaction, gets its `MailboxMessage` record (unique by
mailbox, UIDVALIDITY and UID: whoever inserts it first takes the mail, so two runs or two servers never take it
twice) and becomes:

* a reply on a complaint, when it names one: In-Reply-To/References carrying the Message-ID of one of our mails,
  the tracking code in the subject, or the register number in the subject from the complainant's own address
  (`complaints.inbound.message_arrives` with `reply_to`: the complainant's message, resuming a paused clock);
* an automatic reply (Auto-Submitted, X-Autoreply, X-Autorespond, Precedence bulk/list/junk): recorded, ignored;
* a delivery report (a DSN): the outbox message it is about is marked failed and the officers are told;
* otherwise a new complaint on the e-mail channel, received and waiting for the JFU to record it.

Only then is the mail marked on the server (imap.MailboxSession). A mail that cannot be read, or that the intake
refuses, is set aside: recorded with the reason, one log line, flagged and left unread in the mailbox. An
unreachable server or a unit without its SOP fails the run (the job's heartbeat shows it) and leaves the mail
waiting for the next run.
"""

import imaplib
import logging
import re
import time
from collections import Counter
from dataclasses import dataclass, replace
from datetime import datetime
from email.utils import formataddr

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError, IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pengaduan.complaints.attachments import safe_display_name
from pengaduan.complaints.codes import ALPHABET, normalise_tracking_code, tracking_code_filter
from pengaduan.complaints.errors import StepInputInvalid, WorkflowError
from pengaduan.complaints.inbound import message_arrives, message_ignored
from pengaduan.complaints.models import Complaint
from pengaduan.mailbox.imap import MailboxAddress, MailboxSession, parse_mailbox_url
from pengaduan.mailbox.models import Mailbox, MailboxMessage
from pengaduan.mailbox.parsing import MalformedMail, ParsedMail, parse_mail, without_quote
from pengaduan.notifications.media.email import outbox_id_from_message_id
from pengaduan.notifications.models import OutboxMessage
from pengaduan.notifications.services import CODE_MASK, outbox_bounced, outbox_message_for_bounce
from pengaduan.redact import scrub_text
from pengaduan.units.models import Unit
from pengaduan.units.selectors import portal_unit

logger = logging.getLogger(__name__)

CHANNEL = "email"
BATCH = 50  # mails read per search; a run searches again until the folder is empty or its time is up
RUN_SECONDS = 45  # a run ends within the minute, before the timer starts the next one
Outcome = MailboxMessage.Outcome
# A tracking code as a person copies it into a subject: three groups of five, with or without the dashes.
TRACKING_CODE = re.compile(
    rf"(?<![0-9A-Z])([{ALPHABET}]{{5}}-?[{ALPHABET}]{{5}}-?[{ALPHABET}]{{5}})(?![0-9A-Z])", re.IGNORECASE)
DASHED_TRACKING_CODE = re.compile(
    rf"(?<![0-9A-Z])[{ALPHABET}]{{5}}-[{ALPHABET}]{{5}}-[{ALPHABET}]{{5}}(?![0-9A-Z])", re.IGNORECASE)


class MailboxUnreachable(Exception):
    """One or more mailboxes could not be read in this run (the others were); the message says which and why."""


@dataclass(frozen=True)
class MailboxSource:
    unit: Unit
    address: MailboxAddress
    row: Mailbox | None = None  # None: the MAILBOX_URL setting


def address_of(row: Mailbox) -> MailboxAddress:
    port = row.port or (993 if row.security == Mailbox.Security.IMAPS else 143)
    return MailboxAddress(host=row.host, port=port, security=row.security, username=row.username,
                          password=row.password, folder=row.folder or "INBOX", done_folder=row.done_folder)


def mailbox_sources(*, unit_code: str = "") -> list[MailboxSource]:
    """The mailboxes to read: the active rows (of one unit, with `unit_code`), and MAILBOX_URL for the portal's
    unit unless that unit has a row of its own. One mailbox named twice is read once."""
    rows = Mailbox.objects.filter(is_active=True).select_related("unit").order_by("pk")
    if unit_code:
        rows = rows.filter(unit__code__iexact=unit_code)
    sources = [MailboxSource(row.unit, address_of(row), row) for row in rows]
    url = getattr(settings, "MAILBOX_URL", "")
    if url:
        unit = portal_unit()
        if unit is None:
            raise ImproperlyConfigured("MAILBOX_URL is set but there is no unit yet")
        wanted = not unit_code or unit.code.lower() == unit_code.lower()
        if wanted and not Mailbox.objects.filter(unit=unit, is_active=True).exists():
            sources.append(MailboxSource(unit, parse_mailbox_url(url)))
    unique = {}
    for source in sources:
        unique.setdefault(source.address.key, source)
    return list(unique.values())


def mail_fetch(*, unit_code: str = "", once: bool = False, batch: int = BATCH, seconds: float = RUN_SECONDS,
               counts: Counter | None = None) -> Counter:
    """Read every configured mailbox (see the module docstring); returns the counts per outcome (added to
    `counts` as it goes, when given). Raises MailboxUnreachable, after reading the others, when a mailbox could
    not be read."""
    counts = Counter() if counts is None else counts
    failures = []
    deadline = time.monotonic() + seconds
    for source in mailbox_sources(unit_code=unit_code):
        try:
            mailbox_fetch(source, counts=counts, once=once, batch=batch, deadline=deadline)
        except (imaplib.IMAP4.error, OSError, WorkflowError) as error:
            # The password never appears here: the key has none, and should an error repeat it, it is masked.
            text = f"{type(error).__name__}: {error}"
            if source.address.password:
                text = text.replace(source.address.password, "***")
            text = text[:500]
            logger.error("Mailbox %s could not be read: %s", source.address.key, text)
            failures.append(f"{source.address.key}: {text}")
            counts["mailbox_errors"] += 1
            if source.row is not None:
                Mailbox.objects.filter(pk=source.row.pk).update(last_error=text)
        else:
            if source.row is not None:
                Mailbox.objects.filter(pk=source.row.pk).update(last_fetched_at=timezone.now(), last_error="")
    if failures:
        raise MailboxUnreachable("; ".join(failures))
    return counts


def mailbox_fetch(source: MailboxSource, *, counts: Counter, once: bool = False, batch: int = BATCH,
                  deadline: float | None = None) -> None:
    """Read one mailbox until it has nothing waiting (one batch with `once`, or until `deadline`)."""
    seen_this_run: set[int] = set()
    with MailboxSession(source.address) as session:
        while True:
            waiting = session.waiting_uids()
            fresh = [uid for uid in waiting if uid not in seen_this_run]
            if not fresh:
                break  # empty, or only mail the server would not let us mark: the next run tries again
            recorded = dict(MailboxMessage.objects.filter(
                mailbox=source.address.key, uidvalidity=session.uidvalidity, uid__in=fresh[:batch],
            ).values_list("uid", "outcome"))
            for uid in fresh[:batch]:
                seen_this_run.add(uid)
                if uid in recorded:
                    # Taken in before, but not marked (the run stopped in between, or another server took it).
                    _mark(session, uid, recorded[uid])
                    counts["already"] += 1
                else:
                    counts[take_in(source, session, uid)] += 1
                if deadline is not None and time.monotonic() > deadline:
                    return
            if once:
                return


def _mark(session: MailboxSession, uid: int, outcome: str) -> None:
    if outcome == Outcome.SET_ASIDE:
        session.set_aside(uid)
    else:
        session.mark_done(uid, ignored=outcome in (Outcome.AUTO_REPLY, Outcome.BOUNCE))


def external_id(source: MailboxSource, uidvalidity: int, uid: int) -> str:
    return f"{source.address.key[:200]}#{uidvalidity}:{uid}"


def take_in(source: MailboxSource, session: MailboxSession, uid: int, *, now: datetime | None = None) -> str:
    """Take one mail in; returns what it became (an Outcome value, "taken" when another reader had it, "gone"
    when it vanished from the server meanwhile)."""
    now = now or timezone.now()
    envelope = session.envelope(uid)
    if envelope is None:
        return "gone"
    size, arrived = envelope
    limit = settings.MAILBOX_MAX_MESSAGE_BYTES
    if size > limit:
        return _set_aside(source, session, uid, reason=f"too large ({size} bytes, at most {limit})", now=now)
    raw = session.read(uid)
    if raw is None:
        return "gone"
    try:
        parsed = parse_mail(raw)
    except MalformedMail as error:
        return _set_aside(source, session, uid, reason=str(error), now=now)
    received_at = min(arrived, now) if arrived is not None else now
    if parsed.kind == "message" and outbox_id_from_message_id(parsed.message_id) is not None:
        # One of our own mails (an officer's address that is also the unit's mailbox): never a complaint, or each
        # would announce the next.
        parsed = replace(parsed, kind="auto_reply", auto_reason="our own message")
    try:
        if parsed.kind == "auto_reply":
            return _ignore(source, session, uid, parsed, now=now)
        if parsed.kind == "bounce":
            return _bounce(source, session, uid, parsed, now=now)
        return _message(source, session, uid, parsed, received_at=received_at, now=now)
    except (WorkflowError, DatabaseError, imaplib.IMAP4.error, OSError):
        raise  # the unit's set-up, the database or the server, not this mail: it waits for the next run
    except Exception as error:
        # Whatever else this one mail sets off must not stop the mailbox (it would, on every run): set it aside.
        logger.exception("Could not take in mail %s", external_id(source, session.uidvalidity, uid))
        return _set_aside(source, session, uid, reason=f"{type(error).__name__}: {error}"[:500], now=now,
                          message_id=parsed.message_id, sender=parsed.sender_address)


def _record(source: MailboxSource, session: MailboxSession, uid: int, **fields) -> MailboxMessage:
    return MailboxMessage.objects.create(mailbox=source.address.key, uidvalidity=session.uidvalidity, uid=uid,
                                         unit=source.unit, **fields)


def _taken_elsewhere(source: MailboxSource, session: MailboxSession, uid: int) -> bool:
    return MailboxMessage.objects.filter(mailbox=source.address.key, uidvalidity=session.uidvalidity,
                                         uid=uid).exists()


def _set_aside(source: MailboxSource, session: MailboxSession, uid: int, *, reason: str, message_id: str = "",
               sender: str = "", now: datetime) -> str:
    reason = scrub_text(reason)[:2000]  # a reason may quote the mail: no addresses or numbers in records and logs
    try:
        with transaction.atomic():
            _record(source, session, uid, outcome=Outcome.SET_ASIDE, message_id=message_id[:255],
                    detail=reason, processed_at=now)
            # The one log line ("Inbound email message <mailbox>#<uidvalidity>:<uid> set_aside: <reason>").
            message_ignored(unit=source.unit, channel=CHANNEL, external_id=external_id(source, session.uidvalidity, uid),
                            reason=reason, sender=sender, set_aside=True, now=now)
    except IntegrityError:
        if not _taken_elsewhere(source, session, uid):
            raise
        return "taken"
    session.set_aside(uid)
    return Outcome.SET_ASIDE


def _ignore(source: MailboxSource, session: MailboxSession, uid: int, parsed: ParsedMail, *, now: datetime) -> str:
    reason = f"automatic reply ({parsed.auto_reason})"
    try:
        with transaction.atomic():
            _record(source, session, uid, outcome=Outcome.AUTO_REPLY, message_id=parsed.message_id[:255],
                    detail=reason, processed_at=now)
            message_ignored(unit=source.unit, channel=CHANNEL, external_id=external_id(source, session.uidvalidity, uid),
                            reason=reason, sender=parsed.sender_address, now=now)
    except IntegrityError:
        if not _taken_elsewhere(source, session, uid):
            raise
        return "taken"
    session.mark_done(uid, ignored=True)
    return Outcome.AUTO_REPLY


def _bounce(source: MailboxSource, session: MailboxSession, uid: int, parsed: ParsedMail, *, now: datetime) -> str:
    report = parsed.bounce
    outbox = outbox_message_for_bounce(message_id=report.original_message_id, recipients=report.recipients, now=now)
    if not report.recipients:
        detail = f"delivery delayed for {', '.join(report.delayed) or 'unknown recipients'}"
    else:
        detail = f"delivery failed for {', '.join(report.recipients)}: {report.status} {report.diagnostic}".strip()
    if outbox is None:
        detail += " (no message of ours matches)"
    # Kept and logged without the addresses (personal data): the outbox row says to whom it went.
    detail = scrub_text(detail)
    try:
        with transaction.atomic():
            _record(source, session, uid, outcome=Outcome.BOUNCE, message_id=parsed.message_id[:255],
                    outbox_message=outbox, complaint_id=outbox.complaint_id if outbox else None,
                    detail=detail[:2000], processed_at=now)
            if outbox is not None and report.recipients:
                outbox_bounced(message=outbox, status=report.status, diagnostic=report.diagnostic, now=now)
            message_ignored(unit=source.unit, channel=CHANNEL, external_id=external_id(source, session.uidvalidity, uid),
                            reason=f"delivery report: {detail}"[:2000], sender=parsed.sender_address, now=now)
    except IntegrityError:
        if not _taken_elsewhere(source, session, uid):
            raise
        return "taken"
    if outbox is not None and report.recipients:
        logger.warning("Outbox message %s bounced: %s", outbox.pk, detail)
    session.mark_done(uid, ignored=True)
    return Outcome.BOUNCE


def _uploads(parsed: ParsedMail) -> tuple[list[SimpleUploadedFile], list[str]]:
    """The mail's files as uploads for the portal's checks (inbound does them), within the total a public
    submission may carry; the files beyond it are named, not taken."""
    limit = settings.PUBLIC_UPLOAD_MAX_TOTAL_BYTES or 0
    uploads, left_out, total = [], [], 0
    for file in parsed.files:
        name = safe_display_name(file.name)
        if limit and total + len(file.content) > limit:
            left_out.append(name)
            continue
        total += len(file.content)
        uploads.append(SimpleUploadedFile(name, file.content, content_type=file.content_type))
    return uploads, left_out


def _message(source: MailboxSource, session: MailboxSession, uid: int, parsed: ParsedMail, *,
             received_at: datetime, now: datetime) -> str:
    reply_to = reply_target(parsed)
    uploads, left_out = _uploads(parsed)
    # A reply's own words, without the mail of ours it quotes; a tracking code (the complainant's credential, in
    # our receipt) is never shown to the officers, whoever copied it into the text.
    text = DASHED_TRACKING_CODE.sub(CODE_MASK, without_quote(parsed.body) if reply_to else parsed.body)
    if left_out:
        text += "\n\n" + _("Attachments not taken (too large together): %(names)s") % {"names": ", ".join(left_out)}
    sender = formataddr((parsed.sender_name, parsed.sender_address))
    try:
        with transaction.atomic():
            record = _record(source, session, uid, outcome=Outcome.REPLY if reply_to else Outcome.COMPLAINT,
                             message_id=parsed.message_id[:255], complaint=reply_to, processed_at=now)
            arrival = message_arrives(
                unit=source.unit, channel=CHANNEL, external_id=external_id(source, session.uidvalidity, uid),
                text=text, sender=sender, subject=parsed.subject, name=parsed.sender_name or parsed.sender_address,
                email=parsed.sender_address, files=uploads, reply_to=reply_to, received_at=received_at, now=now)
            record.complaint = arrival.complaint
            record.detail = "\n".join(filter(None, [arrival.record.note, *(f"left out: {name}" for name in left_out)]))
            record.save(update_fields=["complaint", "detail"])
    except IntegrityError:
        if not _taken_elsewhere(source, session, uid):
            return _set_aside(source, session, uid, reason="refused by the database", now=now,
                              message_id=parsed.message_id, sender=parsed.sender_address)
        return "taken"
    except StepInputInvalid as error:
        reasons = "; ".join(f"{field}: {' '.join(messages)}" for field, messages in (error.errors or {}).items())
        return _set_aside(source, session, uid, reason=f"refused by the intake: {reasons or error}", now=now,
                          message_id=parsed.message_id, sender=parsed.sender_address)
    session.mark_done(uid)
    return record.outcome


# --- which complaint a mail answers ------------------------------------------------------------------------------

def reply_target(parsed: ParsedMail) -> Complaint | None:
    """The complaint a mail answers, or None for a new one: a Message-ID of ours in In-Reply-To/References
    (signed, so it cannot be made up), the tracking code in the subject (the complainant's credential), or the
    register number in the subject when the mail comes from the complainant's own address."""
    for reference in parsed.references:
        pk = outbox_id_from_message_id(reference)
        if pk is not None:
            complaint_id = OutboxMessage.objects.filter(pk=pk).values_list("complaint_id", flat=True).first()
            if complaint_id is not None:
                return Complaint.objects.select_related("unit").get(pk=complaint_id)
    for code in TRACKING_CODE.findall(parsed.subject):
        found = Complaint.objects.filter(tracking_code_filter(normalise_tracking_code(code))).first()
        if found is not None:
            return found
    tokens = {token.strip("[](){}<>:;,.\"'") for token in parsed.subject.split()}
    tokens = [token for token in tokens if "/" in token and len(token) <= 50]
    if tokens and parsed.sender_address:
        found = (Complaint.objects.filter(register_number__in=tokens, is_anonymous=False,
                                          complainant__email__iexact=parsed.sender_address)
                 .order_by("-received_at").first())
        if found is not None:
            return found
    return None
