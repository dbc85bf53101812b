"""The WhatsApp Cloud API webhook, /webhooks/whatsapp/ (README, "WhatsApp").

GET is Meta's subscription handshake: `hub.mode=subscribe`, `hub.verify_token` equal to WHATSAPP_VERIFY_TOKEN, and
the answer is `hub.challenge` as plain text. POST carries `X-Hub-Signature-256: sha256=<HMAC-SHA256 of the raw body
with WHATSAPP_APP_SECRET>`; a missing or wrong signature is refused (403) before the body is even parsed.

The body (Meta's "messages" webhook field): `{"object": "whatsapp_business_account", "entry": [{"id", "changes":
[{"field": "messages", "value": {"metadata": {"phone_number_id", "display_phone_number"}, "contacts": [{"wa_id",
"profile": {"name"}}], "messages": [{"from", "id", "timestamp", "type", "text": {"body"} | "image": {"id",
"mime_type", "caption"} | "document": {"id", "filename", "caption"} | ...}], "statuses": [{"id", "status",
"timestamp", "recipient_id", "errors": [{"code", "title", "message", "error_data": {"details"}}]}]}}]}]}`.
The phone number id says which unit the message is for (the admin's WhatsApp numbers, WHATSAPP_PHONE_NUMBER_ID for
the portal's unit). Meta retries a delivery it got no 200 for, so everything here is idempotent by the message id.
"""

import hashlib
import hmac
import json
import logging
from datetime import UTC, datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from pengaduan.notifications.media import whatsapp as graph
from pengaduan.notifications.media.http import ProviderError
from pengaduan.notifications.media.phone import normalise_phone
from pengaduan.notifications.messaging import delivery_report, unit_for_number
from pengaduan.webhooks import common
from pengaduan.complaints.attachments import TOO_LARGE
from pengaduan.webhooks.common import Arrival, FileFetch, FileRefused, answer, refused, too_many

logger = logging.getLogger("pengaduan.webhooks")

MEDIA_TYPES = ("image", "document", "video", "audio", "sticker")


def signature_ok(raw: bytes, header: str) -> bool:
    secret = settings.WHATSAPP_APP_SECRET
    if not secret or not header.startswith("sha256="):
        return False
    expected = hmac.new(secret.encode(), raw, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, header.removeprefix("sha256=").strip().lower())


@csrf_exempt
@require_http_methods(["GET", "POST"])
def webhook(request):
    limited = too_many(request)
    if limited:
        return limited
    if request.method == "GET":
        return _handshake(request)
    raw = request.body
    if not signature_ok(raw, request.headers.get("X-Hub-Signature-256", "")):
        return refused(request, "bad or missing X-Hub-Signature-256")
    try:
        body = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        return answer(400, _("The request body is not valid JSON."))
    if not isinstance(body, dict):
        return answer(400, _("The request body is not valid JSON."))
    try:
        counts = handle(body)
    except ProviderError as error:
        # A media download failed: nothing of that message was recorded, and Meta delivers it again later.
        logger.warning("WhatsApp webhook: %s; Meta will deliver it again", error)
        return answer(503, _("A file could not be fetched from WhatsApp now. Please try again later."))
    return answer(200, **counts)


def _handshake(request) -> HttpResponse:
    params = request.GET
    token = settings.WHATSAPP_VERIFY_TOKEN
    if (params.get("hub.mode") == "subscribe" and token
            and hmac.compare_digest(params.get("hub.verify_token", "").encode(), token.encode())):
        return HttpResponse(params.get("hub.challenge", ""), content_type="text/plain")
    common.hit_refused(request)
    return HttpResponse(_("The verify token does not match."), status=403, content_type="text/plain")


def handle(body: dict) -> dict[str, int]:
    """Record every message and status of one delivery; counts of what happened, for the answer and the logs."""
    counts = {"messages": 0, "statuses": 0, "ignored": 0}
    for entry in _list(body.get("entry")):
        for change in _list(entry.get("changes") if isinstance(entry, dict) else None):
            if not isinstance(change, dict) or change.get("field") != "messages":
                continue
            value = change.get("value") if isinstance(change.get("value"), dict) else {}
            number_id = str((value.get("metadata") or {}).get("phone_number_id", ""))
            names = {str(contact.get("wa_id")): str((contact.get("profile") or {}).get("name", ""))
                     for contact in _list(value.get("contacts")) if isinstance(contact, dict)}
            for message in _list(value.get("messages")):
                counts["messages" if _message(message, number_id, names) else "ignored"] += 1
            for status in _list(value.get("statuses")):
                counts["statuses" if _status(status) else "ignored"] += 1
    return counts


def _list(value) -> list:
    return value if isinstance(value, list) else []


def _when(timestamp) -> datetime:
    try:
        moment = datetime.fromtimestamp(int(timestamp), tz=UTC)
    except (TypeError, ValueError, OverflowError, OSError):
        return timezone.now()
    return min(moment, timezone.now())


def _message(message, number_id: str, names: dict[str, str]) -> bool:
    if not isinstance(message, dict) or not message.get("id") or not message.get("from"):
        return False
    unit = unit_for_number(medium="whatsapp", identifier=number_id)
    if unit is None:
        logger.warning("WhatsApp message %s to number id %r, which is no unit's: ignored", message["id"], number_id)
        return False
    try:
        sender = normalise_phone(str(message["from"]))
    except ValidationError:
        sender = "+" + str(message["from"]).lstrip("+")  # WhatsApp's wa_id is the number in E.164 without the plus
    kind = message.get("type", "")
    text, files = _content(message, kind)
    if not text and not files:
        logger.info("WhatsApp message %s of type %r carries nothing to record: ignored", message["id"], kind)
        return False
    common.arrive(Arrival(
        channel="whatsapp", external_id=str(message["id"]), unit=unit, sender=sender,
        name=names.get(str(message["from"]), ""), text=text, received_at=_when(message.get("timestamp")),
        files=files,
    ))
    return True


def _content(message: dict, kind: str) -> tuple[str, list[FileFetch]]:
    """The text of a message and the files it carries (fetched later, only when it is recorded)."""
    part = message.get(kind) if isinstance(message.get(kind), dict) else {}
    if kind == "text":
        return str(part.get("body", "")).strip(), []
    if kind in MEDIA_TYPES and part.get("id"):
        name = str(part.get("filename") or f"whatsapp-{kind}")
        media_id = str(part["id"])
        return str(part.get("caption", "")).strip(), [FileFetch(name=name, fetch=lambda: _fetch(media_id, name))]
    if kind == "button":
        return str(part.get("text", "")).strip(), []
    if kind == "interactive":
        reply = part.get("button_reply") or part.get("list_reply") or {}
        return str(reply.get("title", "")).strip() if isinstance(reply, dict) else "", []
    if kind == "location":
        where = " ".join(str(part.get(key, "")) for key in ("name", "address") if part.get(key))
        return f"{where} ({part.get('latitude')}, {part.get('longitude')})".strip(), []
    return "", []  # reactions, unsupported and system messages


def _fetch(media_id: str, name: str) -> SimpleUploadedFile:
    try:
        content, mime = graph.fetch_media(media_id, max_bytes=settings.ATTACHMENT_MAX_BYTES)
    except ProviderError as error:
        if error.status == 413:
            raise FileRefused(TOO_LARGE % {"mb": settings.ATTACHMENT_MAX_BYTES // (1024 * 1024)}) from None
        if 400 <= error.status < 500 and error.status != 429:
            # Unknown or expired at Meta: asking again would get the same answer.
            raise FileRefused(_("The file is no longer available at WhatsApp.")) from None
        raise  # unreachable or failing for now: Meta delivers the whole message again later
    return SimpleUploadedFile(name, content, content_type=mime)


def _status(status) -> bool:
    if not isinstance(status, dict) or not status.get("id") or not status.get("status"):
        return False
    error = ""
    for item in _list(status.get("errors")):
        if isinstance(item, dict):
            details = (item.get("error_data") or {}).get("details", "") if isinstance(item.get("error_data"), dict) else ""
            error = f"({item.get('code')}) {item.get('title') or item.get('message', '')} {details}".strip()
    return delivery_report(medium="whatsapp", external_id=str(status["id"]), status=str(status["status"]),
                           error=error, at=_when(status.get("timestamp"))) is not None
