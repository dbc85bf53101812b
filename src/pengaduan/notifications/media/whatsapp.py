"""WhatsApp through Meta's Business Cloud API (the Graph API): messages to complainants, and the media they send.

Sending is `POST {WHATSAPP_API_URL}/{phone-number-id}/messages` with the bearer token WHATSAPP_TOKEN. WhatsApp lets
a business send free text only within 24 hours of the person's last message to it (the customer service window);
outside it only a template approved in the WhatsApp Manager goes out. So a message goes as free text while the
window is open, as its message template's approved WhatsApp template otherwise (name, language and body parameters
set per message template in the admin, rendered when the message was queued), and is given up (not retried) when it
has neither. The provider's message id (wamid) is kept on the outbox row; the webhook's statuses find it there.

Shapes used, from Meta's Cloud API reference (Messages: text and template messages, the response
`{"messaging_product", "contacts": [{"input", "wa_id"}], "messages": [{"id": "wamid..."}]}`; Media: `GET /{media-id}`
answering `{"url", "mime_type", "sha256", "file_size", "id", "messaging_product"}`, the URL downloaded with the same
bearer token within 5 minutes; Graph errors `{"error": {"message", "type", "code", "error_data": {"details"},
"fbtrace_id"}}`, code 131047 "Re-engagement message" when the window is closed). tests/webhooks/contract.py plays
those shapes.

pywa (a well-kept WhatsApp library) was considered: it brings httpx and a bot framework with its own webhook
routing, while we need three HTTP calls and our own webhook view (signature, idempotence, the engine); a client on
the standard library (`media/http.py`) is smaller and has nothing to load at run time.
"""

import logging
from collections.abc import Callable, Mapping
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pengaduan.notifications.media.base import Undeliverable, register
from pengaduan.notifications.media.http import ProviderError, download, request_json
from pengaduan.notifications.media.phone import PhoneMedium

logger = logging.getLogger(__name__)

CUSTOMER_SERVICE_WINDOW = timedelta(hours=24)
TEXT_LIMIT = 4096  # characters of one text message
# Graph error codes that no retry mends: re-engagement (window closed), a number not on WhatsApp or that cannot
# receive, an unknown or paused template, bad parameters.
PERMANENT_ERRORS = frozenset({131047, 131026, 131051, 131008, 131009, 132000, 132001, 132005, 132007, 132012,
                              132015, 132016, 100})
REENGAGEMENT = 131047


def api_url(path: str) -> str:
    return f"{settings.WHATSAPP_API_URL.rstrip('/')}/{path.lstrip('/')}"


def _auth() -> dict[str, str]:
    return {"Authorization": f"Bearer {settings.WHATSAPP_TOKEN}"}


def _wa_number(address: str) -> str:
    return address.lstrip("+")  # the API takes the number without the plus


def post_message(phone_number_id: str, payload: Mapping[str, Any]) -> str:
    """Send one message; the wamid Meta gave it."""
    answer = request_json("POST", api_url(f"{phone_number_id}/messages"),
                          payload={"messaging_product": "whatsapp", "recipient_type": "individual", **payload},
                          headers=_auth())
    try:
        return str(answer["messages"][0]["id"])
    except (KeyError, IndexError, TypeError):
        raise ProviderError(f"no message id in the answer: {str(answer)[:200]}") from None


def fetch_media(media_id: str, *, max_bytes: int) -> tuple[bytes, str]:
    """(content, MIME type) of a media a person sent: its URL from the Graph API, then the file, both with the
    token."""
    info = request_json("GET", api_url(media_id), headers=_auth())
    url = info.get("url") if isinstance(info, dict) else None
    if not url:
        raise ProviderError(f"no URL for media {media_id}")
    size = info.get("file_size")
    if size and str(size).isdigit() and int(size) > max_bytes:
        raise ProviderError(f"media {media_id} is larger than {max_bytes} bytes", status=413)
    content, content_type = download(url, headers=_auth(), max_bytes=max_bytes)
    return content, info.get("mime_type") or content_type


def graph_error_code(error: ProviderError) -> int | None:
    payload = error.payload
    if isinstance(payload, dict) and isinstance(payload.get("error"), dict):
        code = payload["error"].get("code")
        return code if isinstance(code, int) else None
    return None


class WhatsApp(PhoneMedium):
    code = "whatsapp"
    label = _("WhatsApp")

    def is_configured(self) -> bool:
        if not settings.WHATSAPP_TOKEN:
            return False
        from pengaduan.notifications.models import MessagingNumber  # the models import this registry

        return bool(settings.WHATSAPP_PHONE_NUMBER_ID) or MessagingNumber.objects.filter(medium=self.code).exists()

    def prepare(self, *, template, context: Mapping[str, Any], subject: str, body: str,
                render: Callable[[str, Mapping[str, Any]], str]) -> dict[str, Any]:
        if not template.whatsapp_template:
            return {}
        parameters = [" ".join(render(line, context).split()) or "-" for line in template.whatsapp_parameter_lines()]
        return {"medium_data": {"template": {"name": template.whatsapp_template,
                                             "language": template.whatsapp_language or "id",
                                             "parameters": parameters}}}

    def send(self, message, attachments=()) -> str:
        from pengaduan.notifications.messaging import last_inbound_at, sender_number

        if not settings.WHATSAPP_TOKEN:
            from pengaduan.notifications.media.base import MediumNotConfigured

            raise MediumNotConfigured("WhatsApp sending is not configured on this server")
        complaint = message.complaint
        sender = sender_number(medium=self.code, unit=complaint.unit if complaint else None)
        if not sender:
            raise Undeliverable("no WhatsApp number for this unit (WHATSAPP_PHONE_NUMBER_ID or the admin)")
        template = (message.medium_data or {}).get("template")
        last = last_inbound_at(medium=self.code, address=message.address)
        window_open = last is not None and timezone.now() - last < CUSTOMER_SERVICE_WINDOW
        if window_open:
            try:
                return post_message(sender, self.text_payload(message))
            except ProviderError as error:
                # Our clock and Meta's may disagree at the window's edge: the template still goes.
                if graph_error_code(error) != REENGAGEMENT or not template:
                    raise self._classified(error) from None
        if not template:
            raise Undeliverable(f"outside the 24-hour window and no approved WhatsApp template for "
                                f"{message.template_key!r} (set one in the admin's message templates)")
        try:
            return post_message(sender, self.template_payload(message.address, template))
        except ProviderError as error:
            raise self._classified(error) from None

    @staticmethod
    def text_payload(message) -> dict[str, Any]:
        text = f"*{message.subject}*\n\n{message.body}".strip() if message.subject else message.body.strip()
        if len(text) > TEXT_LIMIT:
            text = text[: TEXT_LIMIT - 1] + "…"
        return {"to": _wa_number(message.address), "type": "text", "text": {"preview_url": False, "body": text}}

    @staticmethod
    def template_payload(address: str, template: Mapping[str, Any]) -> dict[str, Any]:
        payload: dict[str, Any] = {"to": _wa_number(address), "type": "template", "template": {
            "name": template["name"], "language": {"code": template.get("language") or "id"}}}
        if template.get("parameters"):
            payload["template"]["components"] = [{"type": "body", "parameters": [
                {"type": "text", "text": text} for text in template["parameters"]]}]
        return payload

    @staticmethod
    def _classified(error: ProviderError) -> Exception:
        code = graph_error_code(error)
        if code in PERMANENT_ERRORS and error.status and 400 <= error.status < 500:
            return Undeliverable(str(error))
        return error


WHATSAPP = register(WhatsApp())
