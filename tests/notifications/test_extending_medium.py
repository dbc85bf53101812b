"""docs/extending.md, "Add a notification medium": a toy Telegram medium, registered for the test's duration.

The adapter is the example's, sending over real HTTP to a Bot API stand-in on loopback that refuses the first
request: the outbox records the failure, backs off, and the next run delivers the message.
"""

import json
import threading
import urllib.request
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone

from pengaduan.notifications import media
from pengaduan.notifications.media import Medium, MediumNotConfigured
from pengaduan.notifications.models import MessageTemplate, OutboxMessage
from pengaduan.notifications.services import enqueue, send_due

Status = OutboxMessage.Status


class Telegram(Medium):
    code = "telegram"
    label = "Telegram"

    def normalise(self, address: str) -> str:
        address = address.strip()
        if not address.lstrip("-").isdigit():
            raise ValidationError("A Telegram chat id is a number.")
        return address

    def is_configured(self) -> bool:
        return bool(getattr(settings, "TELEGRAM_BOT_TOKEN", ""))

    def send(self, message, attachments=()):
        if not self.is_configured():
            raise MediumNotConfigured("Telegram sending is not configured on this server")
        url = f"{settings.TELEGRAM_API_URL}/bot{settings.TELEGRAM_BOT_TOKEN}/sendMessage"
        body = json.dumps({"chat_id": message.address, "text": f"{message.subject}\n\n{message.body}"}).encode()
        request = urllib.request.Request(url, body, {"Content-Type": "application/json"})
        # An HTTP error (4xx, 5xx) or a timeout raises: the outbox records it and tries again later.
        with urllib.request.urlopen(request, timeout=10) as response:
            return str(json.load(response)["result"]["message_id"])


class BotApi(BaseHTTPRequestHandler):
    """Stands in for the Bot API: 503 for the first request, then accepts each message."""

    received: list[dict] = []
    refuse_next = True

    def do_POST(self):
        payload = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        if BotApi.refuse_next:
            BotApi.refuse_next = False
            self.send_response(503)
            self.end_headers()
            return
        BotApi.received.append({"path": self.path, **payload})
        answer = json.dumps({"ok": True, "result": {"message_id": 4242}}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *args):
        pass


@pytest.fixture
def bot_api(settings):
    BotApi.received, BotApi.refuse_next = [], True
    server = HTTPServer(("127.0.0.1", 0), BotApi)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.TELEGRAM_API_URL = f"http://127.0.0.1:{server.server_port}"
    settings.TELEGRAM_BOT_TOKEN = "123:secret"
    yield BotApi
    server.shutdown()
    server.server_close()


@pytest.fixture
def telegram():
    medium = media.register(Telegram())
    yield medium
    media.unregister("telegram")


@pytest.fixture
def greeting(db):
    return MessageTemplate.objects.create(key="greeting", subject="Pengaduan {{ tracking_code }}",
                                          body="Pengaduan Anda sudah kami terima.")


def test_it_sends_through_the_toy_medium_and_retries_a_failure(greeting, telegram, bot_api):
    message = enqueue(key="greeting", to=" 123456789 ", medium="telegram", context={"tracking_code": "PGD-1"})
    assert (message.medium, message.address) == ("telegram", "123456789")
    now = timezone.now()
    assert send_due(now=now) == {"claimed": 1, "sent": 0, "retry": 1, "failed": 0}
    message.refresh_from_db()
    assert message.status == Status.PENDING and "503" in message.last_error
    assert send_due(now=now)["claimed"] == 0  # backing off
    assert send_due(now=now + timedelta(minutes=2)) == {"claimed": 1, "sent": 1, "retry": 0, "failed": 0}
    message.refresh_from_db()
    assert (message.status, message.attempts, message.external_id) == (Status.SENT, 2, "4242")
    assert bot_api.received == [{"path": "/bot123:secret/sendMessage", "chat_id": "123456789",
                                 "text": "Pengaduan PGD-1\n\nPengaduan Anda sudah kami terima.\n"}]


def test_it_queues_nothing_the_toy_medium_cannot_reach(greeting, telegram):
    assert enqueue(key="greeting", to="siti@example.org", medium="telegram", context={}) is None
    assert not OutboxMessage.objects.exists()


def test_it_records_that_the_toy_medium_is_not_configured(greeting, telegram, settings):
    settings.TELEGRAM_BOT_TOKEN = ""
    message = enqueue(key="greeting", to="123456789", medium="telegram", context={})
    assert send_due()["retry"] == 1
    message.refresh_from_db()
    assert message.last_error == "MediumNotConfigured: Telegram sending is not configured on this server"
