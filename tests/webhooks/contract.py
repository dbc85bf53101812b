"""A local stand-in for Meta's Graph API (WhatsApp Cloud API) and for an SMS gateway, on 127.0.0.1.

Built from the documented request and response shapes, not from a recording of the real services:
- Messages, `POST /{version}/{phone-number-id}/messages` (Meta's Cloud API reference, "Messages"): a text
  (`{"type": "text", "text": {"body"}}`) or template (`{"type": "template", "template": {"name", "language": {"code"},
  "components": [{"type": "body", "parameters": [{"type": "text", "text"}]}]}}`) message to `to`, answered with
  `{"messaging_product": "whatsapp", "contacts": [{"input", "wa_id"}], "messages": [{"id": "wamid..."}]}`.
- Media, `GET /{version}/{media-id}` (Cloud API reference, "Media": `{"url", "mime_type", "sha256", "file_size",
  "id", "messaging_product"}`), the URL then downloaded with the same bearer token.
- Errors (Graph API error handling; Cloud API error codes): `{"error": {"message", "type", "code", "error_data":
  {"messaging_product", "details"}, "fbtrace_id"}}`; 190 for a bad token (401), 131047 "Re-engagement message" for
  free text outside the 24-hour window, 132001 for a template that does not exist.
- An SMS gateway in the shape of "SMS Gateway for Android" (local server, `POST /message` with
  `{"id", "textMessage": {"text"}, "phoneNumbers"}` and Basic auth, answered `{"id", "state": "Pending",
  "recipients"}`) and of the flat bridge used with Gammu (`{"to", "text", "id"}` with the X-Gateway-Secret header).

Sources (read for the shapes; the payload examples in webhook_payloads.py follow them):
- https://developers.facebook.com/docs/graph-api/webhooks/getting-started (verification requests: hub.mode,
  hub.verify_token, hub.challenge; X-Hub-Signature-256 over the raw payload with the app secret)
- https://developers.facebook.com/docs/whatsapp/cloud-api/webhooks/payload-examples (text, image, document
  messages; sent, delivered, read and failed statuses)
- https://developers.facebook.com/docs/whatsapp/cloud-api/reference/messages (text and template messages, answer)
- https://developers.facebook.com/docs/whatsapp/cloud-api/reference/media (retrieve the URL, download with the token)
- https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes (error object, 131047, 131026, 132001)
- https://docs.sms-gate.app/features/webhooks/ (sms:received, sms:sent, sms:delivered, sms:failed)
- https://docs.gammu.org/smsd/run.html (RunOnReceive and its environment) and gammu-smsd-inject(1)
"""

import base64
import hashlib
import itertools
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlparse

TOKEN = "test-graph-token"
VERSION = "v21.0"
GATEWAY_USER, GATEWAY_SECRET = "sms", "gateway-secret"


def graph_error(code: int, message: str, details: str = "", kind: str = "OAuthException") -> dict:
    return {"error": {"message": f"(#{code}) {message}", "type": kind, "code": code,
                      "error_data": {"messaging_product": "whatsapp", "details": details or message},
                      "fbtrace_id": "AbCdEfGh123"}}


class ContractServer:
    def __init__(self):
        self.requests: list[dict] = []  # every request: method, path, headers, json
        self.media: dict[str, tuple[bytes, str]] = {}
        self.approved_templates: set[str] = set()
        self.closed_windows: set[str] = set()  # wa_ids Meta refuses free text to (131047)
        self.fail_next: list[tuple[int, dict]] = []  # answers to the next POSTs instead of the real ones
        self.fail_get: list[tuple[int, dict]] = []  # the same for the next GETs (media)
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        server = self
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), type("Handler", (_Handler,), {"contract": server}))
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    @property
    def graph_url(self) -> str:
        return f"{self.url}/{VERSION}"

    def start(self) -> "ContractServer":
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def next_id(self) -> int:
        with self._lock:
            return next(self._ids)

    def sent(self, path_part: str = "/messages") -> list[dict]:
        return [request["json"] for request in self.requests if request["method"] == "POST" and path_part in request["path"]]


class _Handler(BaseHTTPRequestHandler):
    contract: ContractServer

    def log_message(self, *args):  # quiet
        pass

    def _reply(self, status: int, payload=None, *, raw: bytes | None = None, content_type="application/json"):
        body = raw if raw is not None else json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _record(self, data):
        self.contract.requests.append({"method": self.command, "path": self.path, "headers": dict(self.headers),
                                       "json": data})

    def _bearer_ok(self) -> bool:
        return self.headers.get("Authorization") == f"Bearer {TOKEN}"

    def do_GET(self):
        path = urlparse(self.path).path
        self._record(None)
        if self.contract.fail_get:
            status, payload = self.contract.fail_get.pop(0)
            return self._reply(status, payload)
        if not self._bearer_ok():
            return self._reply(401, graph_error(190, "Invalid OAuth access token."))
        if path.startswith("/download/"):
            media_id = path.rsplit("/", 1)[1]
            content, mime = self.contract.media[media_id]
            return self._reply(200, raw=content, content_type=mime)
        media_id = path.removeprefix(f"/{VERSION}/")
        if media_id not in self.contract.media:
            return self._reply(400, graph_error(100, "Invalid parameter", "Unsupported get request."))
        content, mime = self.contract.media[media_id]
        return self._reply(200, {"messaging_product": "whatsapp", "url": f"{self.contract.url}/download/{media_id}",
                                 "mime_type": mime, "sha256": hashlib.sha256(content).hexdigest(),
                                 "file_size": str(len(content)), "id": media_id})

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        try:
            data = json.loads(self.rfile.read(length) or b"null")
        except ValueError:
            data = None
        self._record(data)
        path = urlparse(self.path).path
        if self.contract.fail_next:
            status, payload = self.contract.fail_next.pop(0)
            return self._reply(status, payload)
        if path.startswith("/sms/"):
            return self._sms(data)
        if not self._bearer_ok():
            return self._reply(401, graph_error(190, "Invalid OAuth access token."))
        if not path.endswith("/messages") or not isinstance(data, dict) or data.get("messaging_product") != "whatsapp":
            return self._reply(400, graph_error(100, "Invalid parameter"))
        to = str(data.get("to", ""))
        if not to.isdigit():
            return self._reply(400, graph_error(100, "Invalid parameter", "to must be a phone number"))
        if data.get("type") == "text":
            if to in self.contract.closed_windows:
                return self._reply(400, graph_error(131047, "Re-engagement message", "Message failed to send "
                                                    "because more than 24 hours have passed since the customer last "
                                                    "replied to this number."))
        elif data.get("type") == "template":
            if data["template"]["name"] not in self.contract.approved_templates:
                return self._reply(404, graph_error(132001, "Template name does not exist in the translation"))
        else:
            return self._reply(400, graph_error(100, "Invalid parameter"))
        wamid = f"wamid.TEST{self.contract.next_id():06d}"
        return self._reply(200, {"messaging_product": "whatsapp", "contacts": [{"input": to, "wa_id": to}],
                                 "messages": [{"id": wamid}]})

    def _sms(self, data):
        basic = "Basic " + base64.b64encode(f"{GATEWAY_USER}:{GATEWAY_SECRET}".encode()).decode()
        if self.headers.get("Authorization") != basic and self.headers.get("X-Gateway-Secret") != GATEWAY_SECRET:
            return self._reply(401, {"message": "Unauthorized"})
        if not isinstance(data, dict):
            return self._reply(400, {"message": "bad request"})
        if "textMessage" in data:  # the Android gateway app
            return self._reply(202, {"id": data.get("id") or f"and-{self.contract.next_id()}", "state": "Pending",
                                     "recipients": [{"phoneNumber": number, "state": "Pending"}
                                                    for number in data.get("phoneNumbers", [])]})
        return self._reply(200, {"id": data.get("id") or f"gammu-{self.contract.next_id()}"})
