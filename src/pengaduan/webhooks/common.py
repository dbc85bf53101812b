"""What both webhooks share: JSON answers, rate limits, and handing a message to the complaints."""

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.core.files.uploadedfile import UploadedFile

from django.http import JsonResponse
from django.utils.translation import gettext as _

from pengaduan.complaints import inbound
from pengaduan.complaints.models import InboundMessage
from pengaduan.notifications import optout
from pengaduan.throttle.services import Limit, client_ip, hit, used_up
from pengaduan.units.models import Unit

logger = logging.getLogger("pengaduan.webhooks")

# A provider retries and batches, but never sends thousands a minute to one unit; a flood is not a provider.
DELIVERIES = Limit("webhook", hits=600, window=timedelta(minutes=1))
# Requests with a bad signature or secret: a few are a misconfiguration, many are someone guessing.
REFUSED = Limit("webhook-refused", hits=20, window=timedelta(minutes=10))


def answer(status: int, message: str = "", **extra) -> JsonResponse:
    body = {"ok": status < 400, **extra}
    if message:
        body["error" if status >= 400 else "detail"] = message
    return JsonResponse(body, status=status)


def too_many(request) -> JsonResponse | None:
    """429 when this address has been refused too often, or sends more than any provider would."""
    who = client_ip(request)
    if used_up(REFUSED, who) or not hit(DELIVERIES, who):
        return answer(429, _("Too many requests. Please try again later."))
    return None


def hit_refused(request) -> None:
    hit(REFUSED, client_ip(request))


def refused(request, why: str) -> JsonResponse:
    hit_refused(request)
    logger.warning("Webhook %s refused from %s: %s", request.path, client_ip(request), why)
    return answer(403, _("This request is not signed by the provider."))


class FileRefused(Exception):
    """A file a message names can never be fetched (too large, gone at the provider): the message goes on without."""


@dataclass(frozen=True)
class FileFetch:
    """A file a message carries, fetched from the provider only when the message is new."""

    name: str
    fetch: Callable[[], UploadedFile]


@dataclass(frozen=True)
class Arrival:
    """One message from outside, as the provider described it."""

    channel: str
    external_id: str
    unit: Unit
    sender: str  # E.164
    text: str
    received_at: datetime
    name: str = ""
    files: list[FileFetch] = field(default_factory=list)


# A message that is only STOP/BERHENTI (…) asks us to stop writing to that number, START/MULAI to write again: the
# words are notifications.optout's.
def is_opt_out(text: str) -> bool:
    return optout.is_stop_word(" ".join(text.split()))


def is_opt_in(text: str) -> bool:
    return optout.is_start_word(" ".join(text.split()))


def arrive(arrival: Arrival) -> inbound.Arrival:
    """Hand one message to the complaints: the reply on the sender's open case in that unit, else a new complaint;
    an opt-out keyword is recorded as such. A message recorded before is not fetched or recorded again."""
    earlier = InboundMessage.objects.filter(channel=arrival.channel, external_id=arrival.external_id).first()
    if earlier is not None:
        return inbound.Arrival(earlier, created=False)
    if is_opt_out(arrival.text) and not arrival.files:
        # Recorded as its own result (outcome "ignored", note starting with OPT_OUT_NOTE) and never a complaint; the
        # sender is opted out of this medium (notifications.optout: honoured by routing, reversible).
        recorded = inbound.message_ignored(
            unit=arrival.unit, channel=arrival.channel, external_id=arrival.external_id, sender=arrival.sender,
            reason=f"{OPT_OUT_NOTE}: {arrival.text.strip()[:50]}", now=None)
        try:
            optout.opt_out(arrival.channel, arrival.sender, source=optout.Source.STOP)
        except optout.InvalidAddress:
            pass  # a sender we cannot write to anyway; the row above keeps the message
        return recorded
    if is_opt_in(arrival.text) and not arrival.files:
        recorded = inbound.message_ignored(
            unit=arrival.unit, channel=arrival.channel, external_id=arrival.external_id, sender=arrival.sender,
            reason=f"{OPT_IN_NOTE}: {arrival.text.strip()[:50]}", now=None)
        try:
            optout.opt_in(arrival.channel, arrival.sender, source=optout.Source.START)
        except optout.InvalidAddress:
            pass
        return recorded
    files, text = [], arrival.text
    for item in arrival.files:
        try:
            files.append(item.fetch())
        except FileRefused as refusal:
            # The message is kept; the officer reads which file did not come and why.
            text = f"{text}\n\n{_('Attachment refused: %(reason)s') % {'reason': f'{item.name}: {refusal}'}}".strip()
    case = inbound.open_case_of(unit=arrival.unit, phone=arrival.sender)
    return inbound.message_arrives(
        unit=arrival.unit, channel=arrival.channel, external_id=arrival.external_id, text=text,
        sender=arrival.sender, name=arrival.name, phone=arrival.sender, files=files, reply_to=case,
        received_at=arrival.received_at, receipt_base_url="")  # "": SITE_URL, the receipt's links


OPT_OUT_NOTE = "opt-out keyword"
OPT_IN_NOTE = "opt-in keyword"
