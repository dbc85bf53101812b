"""A real SMTP server on loopback (aiosmtpd), and Django's SMTP backend pointed at it."""

import email
import socket
import threading
from email.message import EmailMessage
from email.policy import default as default_policy

import pytest
from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Mailbox:
    """The aiosmtpd handler: keeps every message it accepted, parsed."""

    def __init__(self):
        self.messages: list[EmailMessage] = []
        self.recipients: list[list[str]] = []
        self._lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self._lock:
            self.messages.append(email.message_from_bytes(envelope.content, policy=default_policy))
            self.recipients.append(list(envelope.rcpt_tos))
        return "250 Message accepted for delivery"


class SmtpServer:
    def __init__(self, port: int):
        self.port = port
        self.mailbox = Mailbox()
        self._controller: Controller | None = None

    @property
    def messages(self) -> list[EmailMessage]:
        return self.mailbox.messages

    def start(self) -> None:
        self._controller = Controller(self.mailbox, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None


@pytest.fixture
def smtp_settings(settings):
    """Django's SMTP backend towards a port on loopback where nothing listens yet (the server is down)."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = free_port()
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_TIMEOUT = 5
    settings.DEFAULT_FROM_EMAIL = "pengaduan@inspektorat.example.go.id"
    settings.SITE_URL = "https://pengaduan.example.go.id"
    return settings


@pytest.fixture
def smtp_down(smtp_settings):
    """A server that is not running yet; `start()` brings it up on the configured port."""
    server = SmtpServer(smtp_settings.EMAIL_PORT)
    yield server
    server.stop()


@pytest.fixture
def smtp(smtp_down):
    smtp_down.start()
    return smtp_down

