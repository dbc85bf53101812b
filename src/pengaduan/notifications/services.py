"""Queue and send notifications through the outbox, on any registered medium (e-mail, WhatsApp, SMS).

`enqueue` renders a message template and writes one outbox row inside the caller's transaction; after
the commit, `deliver_now` tries to send it at once. With the setting MAIL_SEND_IMMEDIATELY off (the
production default) the request only queues: the row is due at once, and `send_due` (run every minute by
`pengaduan remind`) sends it, so web workers never wait for the mail server. Whatever fails (mail server
down, timeout, a bad address) is recorded on the row and retried by `send_due` (`pengaduan outbox send`,
from cron) with a growing delay, and never reaches the action that queued the message: mail is a
courtesy, the complaint is already stored. Each medium is an adapter (`notifications/media/`) with one send
function; the outbox groups the claimed rows by medium and hands each to its adapter.

Workers claim rows with a conditional UPDATE (`… WHERE status = old AND next_attempt_at = old`), so two
workers, or a worker and a request, never send the same row twice. A claimed row holds a lease in
`next_attempt_at`: if its sender dies halfway, another worker takes it over when the lease ends.
"""

import json
import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from pengaduan.complaints.examinations import role_title
from pengaduan.complaints.models import Complaint, Forward, Reminder, StepRun
from pengaduan.complaints.selectors import forward_root
from pengaduan.documents.issued import issue_receipt
from pengaduan import inserts
from pengaduan.inserts import new, prepare_insert
from pengaduan.notifications import media
from pengaduan.notifications.models import MessageTemplate, OutboxMessage
from pengaduan.notifications import optout
from pengaduan.notifications.routing import Routing, complainant_routing, delivery_fallback
from pengaduan.redact import scrub_text
from pengaduan.skm import services as skm
from pengaduan.typesetting import format_datetime_id
from pengaduan.units import stamps
from pengaduan.units.models import Unit

logger = logging.getLogger(__name__)

Status = OutboxMessage.Status

# Minutes to wait after the 1st, 2nd, ... failed attempt; after MAX_ATTEMPTS failures the row is given up.
BACKOFF_MINUTES: tuple[int, ...] = (1, 5, 15, 60, 240)
MAX_ATTEMPTS = 6
# How long a claimed row belongs to its sender before another worker may take it over.
LEASE = timedelta(minutes=10)
# Messages to the complainant that carry the receipt (with the register number once it has one).
RECEIPT_KEYS = frozenset({"complaint_received", "complaint_recorded"})


def site_url() -> str:
    """The public address of the site, for links in messages (no trailing slash)."""
    return getattr(settings, "SITE_URL", "http://127.0.0.1:8000").rstrip("/")


# --- queueing -----------------------------------------------------------------------------------

@lru_cache(maxsize=64)
def _compiled(source: str) -> Template:
    # Compiling costs more than rendering; the same few templates render all day (an edit is a new source).
    return Template(source)


def _render(source: str, context: Mapping[str, Any]) -> str:
    # Plain text: nothing is HTML-escaped.
    return _compiled(source).render(Context(dict(context), autoescape=False))


def _queue(*, key: str, to: str, context: Mapping[str, Any], complaint: Complaint | None,
           dedupe_key: str | None, attachments: Iterable[Mapping[str, Any]], reply_to: str,
           medium: str = "email", route_note: str = "", headers: Mapping[str, str] | None = None,
           footer: str = "", skipped: bool = False) -> OutboxMessage | None:
    """Write the outbox row (no delivery scheduled); None when there is nothing to send."""
    to = (to or "").strip()
    if not to:
        return None
    adapter = media.get(medium)
    if adapter is None:
        logger.warning("No notification medium %r: message %r is not sent", medium, key)
        return None
    try:
        to = adapter.normalise(to)
    except ValidationError:
        # A mistyped address cannot be sent to; the action that wanted to notify goes on.
        logger.warning("Not a valid %s address: message %r is not sent to %r", medium, key, to)
        return None
    if dedupe_key and OutboxMessage.objects.filter(dedupe_key=dedupe_key).exists():
        return None
    template = message_template(key)
    if template is None:
        logger.warning("No message template %r: nothing is sent to %s", key, to)
        return None
    if not template.is_active:
        logger.info("Message template %r is switched off: nothing is sent to %s", key, to)
        return None
    try:
        subject = " ".join(_render(template.subject, context).split())
        body = _render(template.body, context).strip() + "\n" + footer
    except Exception:
        # A template broken in the admin must not break the action that wanted to notify.
        logger.exception("Could not render message template %r", key)
        return None
    # Recorded, not sent: no attachment to render, and never claimed by a sender.
    skip = {"status": Status.SKIPPED, "attachments": []} if skipped else {}
    try:
        extra = adapter.prepare(template=template, context=context, subject=subject, body=body, render=_render)
    except Exception:
        logger.exception("Could not prepare message template %r for %s", key, medium)
        return None
    try:
        # A savepoint, so that losing a race on the dedupe key leaves the caller's transaction usable.
        with transaction.atomic():
            return OutboxMessage.objects.create(**{
                "template_key": key, "medium": medium, "address": to, "reply_to": reply_to, "subject": subject[:300],
                "body": body, "attachments": [dict(spec) for spec in attachments], "complaint": complaint,
                "dedupe_key": dedupe_key, "route_note": route_note[:300], "headers": dict(headers or {}), **extra,
                **skip,
            })
    except IntegrityError:
        if dedupe_key and OutboxMessage.objects.filter(dedupe_key=dedupe_key).exists():
            return None
        raise


def _deliver_after_commit(messages: Sequence[OutboxMessage]) -> None:
    # With MAIL_SEND_IMMEDIATELY off the rows, due at once, wait for the next `send_due`.
    if messages and settings.MAIL_SEND_IMMEDIATELY:
        # The keys read at the commit: rows sent together with others (pengaduan.inserts) get theirs only then.
        inserts.on_commit(lambda: deliver_now([message.pk for message in messages]))


def enqueue(*, key: str, to: str, context: Mapping[str, Any], complaint: Complaint | None = None,
            dedupe_key: str | None = None, attachments: Iterable[Mapping[str, Any]] = (),
            reply_to: str = "", medium: str = "email") -> OutboxMessage | None:
    """Queue one message to one address (`to`, valid for `medium`: an e-mail address, a telephone number),
    rendered now from the template `key`; sent after the commit (or by the next `send_due` when
    MAIL_SEND_IMMEDIATELY is off).

    Call it inside the action's transaction. Returns None, queueing nothing, when the address is empty,
    not valid for the medium, the template is missing or switched off, or a message with the same `dedupe_key`
    exists already.
    `attachments` are specs rendered when the message is sent, e.g. {"kind": "receipt", "complaint": 7}.
    """
    message = _queue(key=key, to=to, context=context, complaint=complaint, dedupe_key=dedupe_key,
                     attachments=attachments, reply_to=reply_to, medium=medium)
    _deliver_after_commit([message] if message else [])
    return message


# --- sending ------------------------------------------------------------------------------------

def _render_receipt(spec: Mapping[str, Any]) -> tuple[str, bytes, str]:
    complaint = Complaint.objects.select_related("unit", "sop", "complainant").get(pk=spec["complaint"])
    # Only a hash of the code is stored: the receipt mail carries the code it was queued with.
    complaint.tracking_code = spec.get("code", "")
    pdf, _issued = issue_receipt(complaint, base_url=spec.get("base_url", ""))
    name = complaint.tracking_code or complaint.reference.replace("/", "-").replace(" ", "-")
    return f"tanda-terima-{name}.pdf", pdf, "application/pdf"


ATTACHMENT_RENDERERS = {"receipt": _render_receipt}


def _attachments(message: OutboxMessage) -> list[media.Attachment]:
    return [ATTACHMENT_RENDERERS[spec["kind"]](spec) for spec in message.attachments]


def _claim(candidates: Iterable[tuple[int, str, datetime]], *, now: datetime) -> list[OutboxMessage]:
    """Take rows for sending; a row another worker took meanwhile is skipped."""
    claimed = [
        pk for pk, status, next_attempt_at in candidates
        if OutboxMessage.objects.filter(pk=pk, status=status, next_attempt_at=next_attempt_at).update(
            status=Status.SENDING, next_attempt_at=now + LEASE
        )
    ]
    return list(OutboxMessage.objects.filter(pk__in=claimed).order_by("pk"))


def _succeeded(message: OutboxMessage, *, now: datetime, external_id: str | None = None) -> None:
    OutboxMessage.objects.filter(pk=message.pk, status=Status.SENDING).update(
        status=Status.SENT, sent_at=now, attempts=message.attempts + 1, last_error="",
        external_id=(external_id or "")[:200], segments=message.segments,  # as the adapter counted what it sent
        **_forget_tracking_code(message),
    )


def _forget_tracking_code(message: OutboxMessage) -> dict:
    """Once sent, the outbox keeps no tracking code (a credential shown once): out of the attachment specs, and
    masked in the subject and body that the admin's outbox shows."""
    codes = [spec["code"] for spec in message.attachments or [] if spec.get("code")]
    if not codes:
        return {}
    subject, body = message.subject, message.body
    medium_data = json.dumps(message.medium_data or {})  # e.g. WhatsApp template parameters
    for code in codes:
        subject, body = subject.replace(code, CODE_MASK), body.replace(code, CODE_MASK)
        medium_data = medium_data.replace(code, CODE_MASK)
    attachments = [{key: value for key, value in spec.items() if key != "code"} for spec in message.attachments]
    return {"subject": subject, "body": body, "attachments": attachments, "medium_data": json.loads(medium_data)}


CODE_MASK = "•••••-•••••-•••••"


def _failed(message: OutboxMessage, error: BaseException, *, now: datetime) -> str:
    attempts = message.attempts + 1
    if attempts >= MAX_ATTEMPTS or isinstance(error, media.Undeliverable):
        status, next_attempt_at = Status.FAILED, now
    else:
        status = Status.PENDING
        next_attempt_at = now + timedelta(minutes=BACKOFF_MINUTES[min(attempts, len(BACKOFF_MINUTES)) - 1])
    logger.warning("Could not send outbox message %s (%s) by %s to %s, attempt %s: %s",
                   message.pk, message.template_key, message.medium, message.address, attempts, error)
    given_up = OutboxMessage.objects.filter(pk=message.pk, status=Status.SENDING).update(
        status=status, attempts=attempts, last_error=f"{type(error).__name__}: {error}"[:2000],
        next_attempt_at=next_attempt_at,
    ) and status == Status.FAILED
    if given_up:
        fall_back(message, reason=str(error))
    return status


def fall_back(message: OutboxMessage, *, reason: str) -> OutboxMessage | None:
    """A message to a complainant that did not reach them (given up by the outbox, or reported failed by the
    provider) is queued again on the next medium they can be reached on (routing.delivery_fallback: after
    WhatsApp an SMS, then e-mail): the same subject and text, with what the new medium adds (an e-mail's
    unsubscribe line and headers; the receipt is attached to an e-mail). Once per message and medium; its note
    says why. Sent by the next `pengaduan outbox send`, not within the batch that failed."""
    complaint = message.complaint
    if complaint is None or message.status == Status.SKIPPED:
        return None
    routing = delivery_fallback(complaint, failed=message.medium, address=message.address)
    if routing.route is None:
        logger.info("Outbox message %s was not delivered and has no other way to go: %s", message.pk, routing.note)
        return None
    medium, address = routing.route
    template = message_template(message.template_key)
    headers, footer = _unsubscribe(medium, address, base_url=site_url())
    body = message.body.rstrip("\n") + "\n" + footer
    note = _("instead of %(medium)s, not delivered: %(why)s") % {"medium": media.label(message.medium),
                                                                  "why": reason or _("failed")}
    try:
        extra = media.get(medium).prepare(template=template, context={}, subject=message.subject, body=body,
                                          render=_render) if template is not None else {}
        with transaction.atomic():
            return OutboxMessage.objects.create(
                template_key=message.template_key, medium=medium, address=address, reply_to=message.reply_to,
                subject=message.subject, body=body, attachments=list(message.attachments or []), complaint=complaint,
                dedupe_key=f"{message.dedupe_key or f'message:{message.pk}'}:{medium}"[:100], route_note=note[:300],
                headers=headers, **extra,
            )
    except IntegrityError:  # already queued again (the report came twice, or raced the outbox)
        return None


def _send(messages: Sequence[OutboxMessage], *, now: datetime) -> dict[str, int]:
    """Send claimed rows, each medium's in one batch of its adapter, and record each outcome."""
    counts = {"sent": 0, "retry": 0, "failed": 0}

    def fail(message: OutboxMessage, error: BaseException) -> None:
        counts["retry" if _failed(message, error, now=now) == Status.PENDING else "failed"] += 1

    by_medium: dict[str, list[OutboxMessage]] = {}
    for message in messages:
        by_medium.setdefault(message.medium, []).append(message)
    for code, batch in by_medium.items():
        adapter = media.get(code)
        if adapter is None:
            for message in batch:
                fail(message, LookupError(f"no notification medium {code!r} on this server"))
            continue
        session = adapter.batch()
        try:
            send = session.__enter__()
        except Exception as error:
            # One refused connection (or one timeout) for the whole batch, not one per message.
            for message in batch:
                fail(message, error)
            continue
        try:
            for message in batch:
                try:
                    external_id = send(message, _attachments(message) if adapter.takes_attachments else ())
                except Exception as error:
                    fail(message, error)
                else:
                    _succeeded(message, now=now, external_id=external_id)
                    counts["sent"] += 1
        finally:
            try:
                session.__exit__(None, None, None)
            except Exception:
                logger.warning("Could not close the %s connection", code, exc_info=True)
    return counts


def deliver_now(ids: Iterable[int]) -> None:
    """Try to send these queued messages at once (after the commit that queued them). Never raises.

    What fails stays in the outbox for `send_due`; a row a worker already took is left to it.
    """
    try:
        now = timezone.now()
        candidates = OutboxMessage.objects.filter(pk__in=list(ids), status=Status.PENDING).values_list(
            "pk", "status", "next_attempt_at"
        )
        _send(_claim(candidates, now=now), now=now)
    except Exception:
        logger.exception("Could not deliver outbox messages %s now; `pengaduan outbox send` retries them", ids)


def send_due(*, now: datetime | None = None, limit: int = 100) -> dict[str, int]:
    """Send up to `limit` messages whose next attempt is due, and those stuck while sending.

    Returns counts: claimed, sent, retry (failed, to be tried again later), failed (given up).
    """
    now = now or timezone.now()
    candidates = (
        OutboxMessage.objects.filter(status__in=[Status.PENDING, Status.SENDING], next_attempt_at__lte=now)
        .order_by("next_attempt_at", "pk")
        .values_list("pk", "status", "next_attempt_at")[:limit]
    )
    messages = _claim(list(candidates), now=now)
    return {"claimed": len(messages), **_send(messages, now=now)}


def retry_now(*, messages: QuerySet[OutboxMessage], now: datetime | None = None) -> dict[str, int]:
    """Put waiting or failed messages back in line and try to send them at once (the admin's "retry now").

    Returns counts: queued (put back in line) and sent (of those, sent by this call); what still fails
    waits for `send_due` again.
    """
    now = now or timezone.now()
    ids = list(messages.filter(status__in=[Status.PENDING, Status.FAILED]).values_list("pk", flat=True))
    queued = OutboxMessage.objects.filter(pk__in=ids, status__in=[Status.PENDING, Status.FAILED]).update(
        status=Status.PENDING, next_attempt_at=now
    )
    deliver_now(ids)
    return {"queued": queued, "sent": OutboxMessage.objects.filter(pk__in=ids, status=Status.SENT).count()}


# --- who is told what ---------------------------------------------------------------------------

def _reference(complaint: Complaint) -> str:
    # The templates say "Pengaduan {{ reference }}": a complaint not recorded yet is "no. 31" there, not the
    # "pengaduan no. 31" of the workdesk's lists.
    return complaint.register_number or _("no. %(pk)s") % {"pk": complaint.pk}


def _complainant_context(complaint: Complaint, *, base_url: str) -> dict[str, Any]:
    unit = complaint.unit
    return {
        "name": complaint.complainant.name,
        # The code is known only when it has just been issued; later messages point to the receipt.
        "tracking_code": complaint.tracking_code or _("(as on your receipt)"),
        "register_number": complaint.register_number,
        "reference": _reference(complaint),
        "summary": complaint.summary,
        "received_at": format_datetime_id(complaint.received_at),
        "track_url": f"{base_url}{reverse('portal:track')}",
        "unit_name": unit.name,
        "unit_phone": unit.phone,
        "unit_email": unit.email,
    }


def _unsubscribe(medium: str, address: str, *, base_url: str) -> tuple[dict[str, str], str]:
    """The one-click opt-out of an e-mail to a complainant: its headers and the line under the message."""
    if medium != "email":
        return {}, ""
    url = optout.unsubscribe_url(medium, address, base_url=base_url)
    line = _("Do you no longer want e-mails about your complaint? Unsubscribe: %(url)s") % {"url": url}
    return optout.unsubscribe_headers(url), f"\n--\n{line}\n"


def notify_complainant(*, complaint: Complaint, key: str, base_url: str = "",
                       context: Mapping[str, Any] | None = None, dedupe_key: str | None = None) -> OutboxMessage | None:
    """Tell the complainant of a change (received, recorded, answered, a question for them, a reminder).

    Nothing for anonymous complaints, a complainant who chose the tracking page only, or one without a usable
    address; the medium is the one they chose when it can be used, e-mail otherwise (`complainant_routing`, whose
    reason is kept on the message). A message that would go to an address opted out of its medium is recorded as
    not sent, with the opt-out as its reason. Each key goes once per complaint unless `dedupe_key` says otherwise
    (one per information request, say). The receipt is attached to the messages of RECEIPT_KEYS; an e-mail
    carries the one-click unsubscribe link.
    """
    routing = complainant_routing(complaint)
    if routing.route is None and routing.opted_out is None:
        return None
    base_url = (base_url or site_url()).rstrip("/")
    context = {**_complainant_context(complaint, base_url=base_url), **(context or {})}
    dedupe_key = dedupe_key or f"{key}:{complaint.pk}"
    if routing.route is None:
        medium, address = routing.opted_out
        return _queue(key=key, to=address, medium=medium, complaint=complaint, attachments=(), reply_to="",
                      context=context, dedupe_key=dedupe_key, route_note=routing.note, skipped=True)
    medium, address = routing.route
    attachments = []
    if key in RECEIPT_KEYS:
        spec = {"kind": "receipt", "complaint": complaint.pk, "base_url": base_url}
        if complaint.tracking_code:  # just issued: the receipt mail is the one place it goes besides the page
            spec["code"] = complaint.tracking_code
        attachments.append(spec)
    headers, footer = _unsubscribe(medium, address, base_url=base_url)
    message = _queue(
        key=key, to=address, medium=medium, complaint=complaint, attachments=attachments,
        reply_to=complaint.unit.email, context=context, dedupe_key=dedupe_key, route_note=routing.note,
        headers=headers, footer=footer,
    )
    _deliver_after_commit([message] if message else [])
    return message


def offer_survey(*, complaint: Complaint) -> OutboxMessage | None:
    """Invite the complainant to the SKM once their case is closed with an answer: a signed link, on the medium
    `complainant_routing` chooses. Only the case the complainant began with invites (a case forwarded to another
    unit of the Pemda closes with it, and its answer closes the first one). Anonymous complainants are offered
    the survey on the tracking page only."""
    if complaint.status != Complaint.Status.CLOSED or forward_root(complaint).pk != complaint.pk:
        return None
    base_url = site_url()
    token = skm.invitation_token(complaint)
    return notify_complainant(complaint=complaint, key="skm_invitation", base_url=base_url, context={
        "survey_url": f"{base_url}{reverse('portal:survey', args=[token])}",
        "survey_days": skm.link_days(),
    })


def notify_role(*, unit: Unit, role: str, key: str, context: Mapping[str, Any], dedupe_prefix: str,
                complaint: Complaint | None = None) -> list[OutboxMessage]:
    """One message to every active user holding `role` in `unit` who has an e-mail address.

    Each recipient's dedupe key is `<dedupe_prefix>:<user id>`; the context gains `recipient_name`.
    """
    messages = []
    for user in _role_users(unit.pk, role):
        message = _queue(
            key=key, to=user.email, complaint=complaint, attachments=(), reply_to="",
            context={**context, "recipient_name": user.name}, dedupe_key=f"{dedupe_prefix}:{user.pk}",
        )
        if message is not None:
            messages.append(message)
    _deliver_after_commit(messages)
    return messages


@dataclass(frozen=True)
class Recipient:
    pk: int
    email: str
    name: str


_recipients = stamps.StampedCache(stamps.ROLES, max_entries=1024)


def _role_users(unit_id: int, role: str) -> tuple[Recipient, ...]:
    """The active users holding `role` in the unit who have an e-mail address: kept per process (units.stamps),
    since every new complaint tells its first step's performers."""
    def find():
        users = (get_user_model().objects.filter(memberships__unit_id=unit_id, memberships__role=role,
                                                 is_active=True).exclude(email="").distinct().order_by("pk"))
        return tuple(Recipient(user.pk, user.email, user.get_full_name() or user.get_username()) for user in users)
    return _recipients.get((unit_id, role), find)


_templates = stamps.StampedCache(stamps.TEMPLATES)


def message_template(key: str) -> MessageTemplate | None:
    """The message template `key`, kept per process (units.stamps). Shared: read it, never change and save it."""
    return _templates.get(key, lambda: MessageTemplate.objects.filter(key=key).first())


def _step_context(step_run: StepRun, *, complaint_url: str | None = None) -> dict[str, Any]:
    complaint = step_run.complaint
    return {
        "reference": _reference(complaint),
        "tracking_code": "",  # the complainant's credential: never in a message to staff
        "register_number": complaint.register_number,
        "summary": complaint.summary,
        "step_number": step_run.number,
        "step_description": step_run.step.description,
        "role_title": complaint.sop.role_title(step_run.role),
        "due_at": format_datetime_id(step_run.due_at),
        "complaint_url": complaint_url or f"{site_url()}{complaint.get_absolute_url()}",
        "unit_name": complaint.unit.name,
    }


def notify_step_assigned(*, step_run: StepRun) -> list[OutboxMessage]:
    """Tell the holders of the step's performer role that a complaint waits in their inbox."""
    complaint = step_run.complaint
    return notify_role(unit=complaint.unit, role=step_run.role, key="step_assigned", complaint=complaint,
                       context=_step_context(step_run), dedupe_prefix=f"step_assigned:{step_run.pk}")


def notify_examination(*, examination, key: str, dedupe: str, roles: Sequence[str] | None = None,
                       share: int = 0, due_at=None) -> list[OutboxMessage]:
    """Tell the examiners (or, with `roles`, others: the superiors, the decider) about an examination: ordered,
    reminder, overdue, reported.

    The step templates serve: the examination belongs to the decision step, and its deadline is the one told."""
    run = examination.step_run
    complaint = examination.complaint
    context = {**_step_context(run), "due_at": format_datetime_id(due_at or examination.due_at), "share": share}
    if roles is None:
        context["role_title"] = role_title(complaint.sop, examination.role)
    messages = []
    for role in roles if roles is not None else [examination.role]:
        messages += notify_role(unit=complaint.unit, role=role, key=key, complaint=complaint, context=context,
                                dedupe_prefix=f"{dedupe}:{examination.pk}")
    return messages


def notify_reminder(*, reminder: Reminder) -> list[OutboxMessage]:
    """Remind the holders of the step's performer role how much of the step's time is used (100 % at the
    deadline); `notify_escalation` tells their superiors."""
    step_run = reminder.step_run
    complaint = step_run.complaint
    return notify_role(unit=complaint.unit, role=step_run.role, key="reminder", complaint=complaint,
                       context={**_step_context(step_run), "share": reminder.share},
                       dedupe_prefix=f"reminder:{reminder.pk}")


def notify_escalation(*, reminder: Reminder, roles: Sequence[str] | None = None) -> list[OutboxMessage]:
    """Tell the superiors (`roles`, by default the unit's escalation roles) that a step passed its deadline.

    A user holding several of the roles gets one message.
    """
    step_run = reminder.step_run
    complaint = step_run.complaint
    roles = complaint.unit.escalation_roles if roles is None else roles
    if not roles:
        logger.info("No escalation roles: nobody is told that %s is overdue", step_run)
    context = {**_step_context(step_run), "share": reminder.share}
    messages = []
    for role in roles:
        messages += notify_role(unit=complaint.unit, role=role, key="escalation", complaint=complaint,
                                context=context, dedupe_prefix=f"escalation:{reminder.pk}")
    return messages


def notify_monitoring(*, forward: Forward) -> list[OutboxMessage]:
    """Tell the forwarding unit's deciding role that a forwarded case is still unanswered."""
    origin = forward.origin
    run = origin.step_runs.filter(number=forward.step_number).only("role").first()
    if run is None:
        return []
    context = {
        "reference": _reference(origin), "summary": origin.summary, "to": forward.to_name,
        "target_reference": forward.target.register_number if forward.target_id else "",
        "forwarded_at": format_datetime_id(forward.forwarded_at), "count": forward.reminders_sent,
        "complaint_url": f"{site_url()}{origin.get_absolute_url()}", "unit_name": origin.unit.name,
    }
    return notify_role(unit=origin.unit, role=run.role, key="forward_monitoring", complaint=origin, context=context,
                       dedupe_prefix=f"forward_monitoring:{forward.pk}:{forward.reminders_sent}")


def notify_forward_returned(*, forward: Forward) -> list[OutboxMessage]:
    """The decision step waits again after a return: its performers are told as for a new step (the step run is
    the same one, so its first "step assigned" message would be deduplicated away)."""
    run = forward.origin.step_runs.select_related("step", "complaint__unit", "complaint__sop").filter(
        number=forward.step_number, done_at__isnull=True).first()
    if run is None:
        return []
    return notify_role(unit=run.complaint.unit, role=run.role, key="step_assigned", complaint=run.complaint,
                       context=_step_context(run), dedupe_prefix=f"forward_returned:{forward.pk}")


# --- bounces ------------------------------------------------------------------------------------------------

def outbox_message_for_bounce(*, message_id: str = "", recipients: Sequence[str] = (),
                              now: datetime | None = None) -> OutboxMessage | None:
    """The e-mail a delivery report is about: the one its quoted Message-ID names (ours, signed), else the newest
    e-mail sent to one of the failed recipients in the last BOUNCE_MATCH_DAYS."""
    from pengaduan.notifications.media.email import outbox_id_from_message_id

    pk = outbox_id_from_message_id(message_id) if message_id else None
    if pk is not None:
        found = OutboxMessage.objects.filter(pk=pk, medium="email").first()
        if found is not None:
            return found
    now = now or timezone.now()
    for address in recipients:
        found = (OutboxMessage.objects.filter(medium="email", address__iexact=address, status=Status.SENT,
                                              created_at__gte=now - timedelta(days=BOUNCE_MATCH_DAYS))
                 .order_by("-created_at", "-pk").first())
        if found is not None:
            return found
    return None


BOUNCE_MATCH_DAYS = 14


def outbox_bounced(*, message: OutboxMessage, status: str = "", diagnostic: str = "",
                   now: datetime | None = None) -> list[OutboxMessage]:
    """A delivery report says this e-mail never arrived: it is marked failed (the outbox shows why) and, when it
    went to a complainant about a complaint, the officers who now handle that complaint are told, so that they
    reach the complainant another way. Idempotent: a second report of the same failure tells nobody again.
    Returns the messages queued to the officers."""
    # The outbox row names the address already; the error text keeps none (personal data erased with the row's).
    error = scrub_text(" ".join(f"Bounced: {status} {diagnostic}".split()))[:2000]
    OutboxMessage.objects.filter(pk=message.pk).update(status=Status.FAILED, sent_at=None, last_error=error)
    complaint = message.complaint
    if complaint is None or message.template_key not in COMPLAINANT_MESSAGE_KEYS:
        return []
    complaint = Complaint.objects.select_related("unit", "sop").get(pk=complaint.pk)
    run = complaint.step_runs.filter(done_at__isnull=True).order_by("number").first()
    role = run.role if run is not None else complaint.sop.steps.order_by("number").first().performer
    context = {
        "reference": _reference(complaint), "summary": complaint.summary, "address": message.address,
        "bounced_subject": message.subject, "status": status, "diagnostic": diagnostic,
        "complaint_url": f"{site_url()}{complaint.get_absolute_url()}", "unit_name": complaint.unit.name,
    }
    return notify_role(unit=complaint.unit, role=role, key="mail_bounced", complaint=complaint, context=context,
                       dedupe_prefix=f"mail_bounced:{message.pk}")


# --- personal data -----------------------------------------------------------------------------------------------

# The messages sent to the complainant (notify_complainant), on any medium: their address, subject and body are
# personal data, emptied when the complainant's identity is erased. (The address may not be empty: a marker.)
COMPLAINANT_MESSAGE_KEYS = ("complaint_received", "complaint_recorded", "complaint_answered", "information_requested",
                            "complaint_forwarded", "skm_invitation", "information_reminder",
                            "complaint_closed_no_reply")
ERASED_ADDRESS = "[erased]"
OUTBOX_PERSONAL_FIELDS = {"address": ERASED_ADDRESS, "subject": "", "body": "", "reply_to": "", "attachments": [],
                          "headers": {}, "route_note": ""}


def erase_complainant_messages(*, complaint: Complaint, email: str = "") -> int:
    """Empty the messages sent to a complaint's complainant (complaints.pdp erasure)."""
    from django.db.models import Q

    to_them = Q(template_key__in=COMPLAINANT_MESSAGE_KEYS)
    if email:
        to_them |= Q(address__iexact=email)
    return OutboxMessage.objects.filter(to_them, complaint=complaint).update(**OUTBOX_PERSONAL_FIELDS)


def alert_overdue_requests(*, now: datetime | None = None) -> int:
    """Tell the data-protection officer, once, of each data-subject request past its 3 × 24 hours."""
    from pengaduan.complaints import pdp

    now = now or timezone.now()
    with transaction.atomic():
        claimed = pdp.claim_overdue_requests(now=now)
        addresses = pdp.dpo_addresses() if claimed else []
        for request in claimed:
            for address in addresses:
                enqueue(key="pdp_request_overdue", to=address,
                        dedupe_key=f"pdp_overdue:{request.pk}:{address}"[:100],
                        context={"request_kind": request.get_kind_display(), "request_id": request.pk,
                                 "received_at": format_datetime_id(request.received_at),
                                 "due_at": format_datetime_id(request.due_at),
                                 "url": f"{site_url()}{reverse('workdesk:pdp_requests')}"})
    return len(claimed)


# --- a new complaint's messages, rendered before its write transaction --------------------------

# Stands for what only the insert knows (the complaint's address); replaced when the rows are saved.
_PENDING_COMPLAINT_URL = "\ue000complaint-url\ue000"
# An unrecorded complaint is named by its number (_reference), which only the insert gives it.
_PENDING_REFERENCE = "\ue000reference\ue000"
_PENDING_COMPLAINT_ID = "\ue000complaint-id\ue000"  # in deduplication keys and the receipt's attachment
_PENDING_RUN_ID = "\ue000run-id\ue000"


def prepare_new_complaint_messages(*, complaint: Complaint, step_run: StepRun,
                                   receipt_base_url: str | None = None) -> list[OutboxMessage]:
    """The messages a new complaint sends, rendered now from unsaved rows, so that the write transaction
    only inserts them (save_prepared_messages): "step_assigned" to the performers of its first step and,
    with `receipt_base_url`, the receipt to the complainant ("complaint_received", as notify_complainant).

    Reads (templates, performers) happen here, outside the transaction. Ids, dedupe keys and the
    complaint's address are filled in by prepare_saving_messages.
    """
    wanted = ["step_assigned"]
    routing = complainant_routing(complaint) if receipt_base_url is not None else Routing()
    route = routing.route
    if route is not None:
        wanted.append("complaint_received")
    templates = {key: message_template(key) for key in wanted}
    messages = []

    def add(key, to, context, dedupe, attachments=(), reply_to="", medium="email", route_note="", headers=None,
            footer=""):
        template = templates.get(key)
        if template is None or not template.is_active:
            logger.info("Message template %r is missing or switched off: nothing is sent to %s", key, to)
            return
        adapter = media.get(medium)
        if adapter is None:
            logger.warning("No notification medium %r: message %r is not sent", medium, key)
            return
        try:
            to = adapter.normalise(to)
        except ValidationError:
            logger.warning("Not a valid %s address: message %r is not sent to %r", medium, key, to)
            return
        try:
            subject = " ".join(_render(template.subject, context).split())
            body = _render(template.body, context).strip() + "\n" + footer
        except Exception:
            logger.exception("Could not render message template %r", key)
            return
        try:
            extra = adapter.prepare(template=template, context=context, subject=subject, body=body, render=_render)
        except Exception:
            logger.exception("Could not prepare message template %r for %s", key, medium)
            return
        message = new(OutboxMessage, template_key=key, medium=medium, address=to, reply_to=reply_to,
                      subject=subject, body=body, attachments=[dict(spec) for spec in attachments],
                      route_note=route_note[:300], headers=dict(headers or {}), **extra)
        message._dedupe_format = dedupe
        messages.append(message)

    context = {**_step_context(step_run, complaint_url=_PENDING_COMPLAINT_URL), "reference": _PENDING_REFERENCE}
    for user in _role_users(complaint.unit_id, step_run.role):
        add("step_assigned", user.email, {**context, "recipient_name": user.name},
            dedupe=f"step_assigned:{{run}}:{user.pk}")
    if route is not None:
        medium, address = route
        base_url = (receipt_base_url or site_url()).rstrip("/")
        headers, footer = _unsubscribe(medium, address, base_url=base_url)
        add("complaint_received", address,
            {**_complainant_context(complaint, base_url=base_url), "reference": _PENDING_REFERENCE}, medium=medium,
            dedupe="complaint_received:{complaint}", reply_to=complaint.unit.email, route_note=routing.note,
            headers=headers, footer=footer,
            # The code is known only now, just issued: the receipt mail is the one place it goes besides the page.
            attachments=[{"kind": "receipt", "complaint": _PENDING_COMPLAINT_ID, "base_url": base_url,
                          "code": complaint.tracking_code}])
    return messages


def prepare_saving_messages(messages: Sequence[OutboxMessage], *, complaint: Complaint,
                            step_run: StepRun) -> Callable[[], list[OutboxMessage]]:
    """The INSERT of prepare_new_complaint_messages' rows (one statement), its values computed now, before the
    write transaction; the function returned runs it inside the transaction, once the complaint and its first
    step run are saved, filling in what only they know (ids, the complaint's address and number). The messages
    are sent after the commit, as `enqueue`'s."""
    if not messages:
        return inserts.statements_only(lambda: [])
    for message in messages:
        message.complaint = complaint
        message.subject = message.subject[:300]
        message.dedupe_key = message._dedupe_format.format(complaint=_PENDING_COMPLAINT_ID, run=_PENDING_RUN_ID)
    insert = prepare_insert(messages, with_texts=True)

    @inserts.statements_only
    def write() -> list[OutboxMessage]:
        insert.run(texts={_PENDING_COMPLAINT_URL: f"{site_url()}{complaint.get_absolute_url()}",
                          _PENDING_REFERENCE: _reference(complaint), _PENDING_COMPLAINT_ID: complaint.pk,
                          _PENDING_RUN_ID: step_run.pk})
        _deliver_after_commit(messages)
        return list(messages)

    return write
