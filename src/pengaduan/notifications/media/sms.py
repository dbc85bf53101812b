"""SMS through an HTTP SMS gateway the unit runs itself: an Android phone with a gateway app, or Gammu SMSD behind a
small bridge (README, "SMS").

Outbound: `POST SMS_GATEWAY_URL` with the number and the text, authenticated with SMS_GATEWAY_SECRET (HTTP Basic
with SMS_GATEWAY_USERNAME, or the X-Gateway-Secret header); the gateway's id for the message is kept for its
delivery reports. The number of SMS parts the text becomes (`segments.py`) is recorded on the outbox row when the
message is queued: it is what the operator bills. Texts longer than MAX_PARTS parts are cut (the tracking page has
the rest).

The field names differ per gateway; a profile (SMS_GATEWAY_PROFILE) says where each thing is, as a dotted path in
the JSON (or a form field):
- `android`: "SMS Gateway for Android" (local server mode): `POST http://PHONE:8080/message` with
  `{"id", "textMessage": {"text"}, "phoneNumbers": [...]}` and Basic auth; its webhooks `sms:received`
  (`payload.phoneNumber`, `payload.message`, the event `id`) and `sms:sent` / `sms:delivered` / `sms:failed`
  (`payload.messageId`, `payload.reason`).
- `gammu`: flat fields `from`, `text`, `id`, `to` (and reports `id`, `status`, `error`), sent by the RunOnReceive
  script and read by the bridge in docs/sms-gammu.md.
"""

import base64
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from pengaduan.notifications.media import segments
from pengaduan.notifications.media.base import MediumNotConfigured, register
from pengaduan.notifications.media.http import request_json
from pengaduan.notifications.media.phone import PhoneMedium

MAX_PARTS = 6
SECRET_HEADER = "X-Gateway-Secret"


@dataclass(frozen=True)
class Profile:
    """Where a gateway puts each field (dotted paths), and how it wants a message sent."""

    name: str
    # inbound message: sender, text, the gateway's unique id of it, the receiving number or device (optional)
    sender: str
    text: str
    message_id: str
    receiver: str
    # a report: its kind (event name or status) and the id of the message it is about, and the error if any
    event: str
    report_id: str
    report_error: str
    # event value -> sent / delivered / failed; an event not listed (and not `received`) is ignored
    report_kinds: Mapping[str, str] = field(default_factory=dict)
    received_events: frozenset[str] = frozenset()
    outbound: Callable[[str, str, str], dict[str, Any]] = lambda to, text, ref: {"to": to, "text": text, "id": ref}
    outbound_id: str = "id"


PROFILES: dict[str, Profile] = {
    "android": Profile(
        name="android", sender="payload.phoneNumber", text="payload.message", message_id="id", receiver="deviceId",
        event="event", report_id="payload.messageId", report_error="payload.reason",
        report_kinds={"sms:sent": "sent", "sms:delivered": "delivered", "sms:failed": "failed"},
        received_events=frozenset({"sms:received"}),
        outbound=lambda to, text, ref: {"id": ref, "textMessage": {"text": text}, "phoneNumbers": [to],
                                        "withDeliveryReport": True},
    ),
    "gammu": Profile(
        name="gammu", sender="from", text="text", message_id="id", receiver="to",
        event="status", report_id="id", report_error="error",
        report_kinds={"sent": "sent", "delivered": "delivered", "failed": "failed", "error": "failed"},
        received_events=frozenset({""}),
    ),
}


def profile() -> Profile:
    name = getattr(settings, "SMS_GATEWAY_PROFILE", "android") or "android"
    try:
        return PROFILES[name]
    except KeyError:
        raise MediumNotConfigured(f"SMS_GATEWAY_PROFILE {name!r} is not one of {sorted(PROFILES)}") from None


def pick(data: Any, path: str) -> str:
    """The value at a dotted path of parsed JSON or form data, as text ("" when absent)."""
    value = data
    for key in path.split("."):
        if isinstance(value, Mapping):
            value = value.get(key)
        else:
            return ""
    if value is None or isinstance(value, (dict, list)):
        return ""
    return str(value).strip()


def fit(text: str) -> str:
    """The text cut to MAX_PARTS parts (with an ellipsis), so a long e-mail body never costs ten SMS."""
    parts = segments.split(text)
    if parts.count <= MAX_PARTS:
        return text
    kept = "".join(parts.parts[:MAX_PARTS])
    # "..." in GSM-7 (an ellipsis character would send the whole text as UCS-2, in more parts).
    return kept[:-3] + "..." if parts.encoding == "gsm7" else kept[:-1] + "…"


def sms_text(subject: str, body: str) -> str:
    return fit(" ".join(body.split()) if body.strip() else subject)


class Sms(PhoneMedium):
    code = "sms"
    label = _("SMS")

    def is_configured(self) -> bool:
        return bool(settings.SMS_GATEWAY_URL)

    def prepare(self, *, template, context, subject: str, body: str, render) -> dict[str, Any]:
        return {"segments": segments.count(sms_text(subject, body))}

    def send(self, message, attachments=()) -> str:
        if not settings.SMS_GATEWAY_URL:
            raise MediumNotConfigured("SMS sending is not configured on this server")
        gateway = profile()
        reference = f"pgd-{message.pk}"
        text = sms_text(message.subject, message.body)
        message.segments = segments.count(text)  # recorded with the outcome: what the operator bills
        payload = gateway.outbound(message.address, text, reference)
        headers: dict[str, str] = {}
        secret = settings.SMS_GATEWAY_SECRET
        if secret and settings.SMS_GATEWAY_USERNAME:
            token = base64.b64encode(f"{settings.SMS_GATEWAY_USERNAME}:{secret}".encode()).decode()
            headers["Authorization"] = f"Basic {token}"
        elif secret:
            headers[SECRET_HEADER] = secret
        answer = request_json("POST", settings.SMS_GATEWAY_URL, payload=payload, headers=headers)
        return pick(answer, gateway.outbound_id) or reference


SMS = register(Sms())
