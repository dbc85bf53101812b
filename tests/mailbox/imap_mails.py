"""Helpers of the mailbox tests: a fresh IMAP folder to deliver real mails into, and mails built with `email`."""

import uuid
from datetime import datetime, timezone
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from urllib.parse import urlsplit

from imapclient import IMAPClient

from pengaduan.mailbox.models import Mailbox


class ImapFolder:
    """A fresh folder of the test account (its own UIDVALIDITY), and a way to put mail in it (IMAP APPEND)."""

    def __init__(self, url: str):
        parts = urlsplit(url)
        self.host, self.port = parts.hostname, parts.port
        self.username, self.password = parts.username, parts.password
        self.name = f"T{uuid.uuid4().hex[:12]}"
        with self.client() as client:
            client.create_folder(self.name)

    def client(self) -> IMAPClient:
        client = IMAPClient(self.host, port=self.port, ssl=False, timeout=30)
        client.login(self.username, self.password)
        return client

    def deliver(self, message: EmailMessage | bytes, *, arrived: datetime | None = None) -> int:
        """Put a mail in the folder as the mail server would on delivery (`arrived`: its INTERNALDATE)."""
        raw = message if isinstance(message, bytes) else message.as_bytes()
        with self.client() as client:
            response = client.append(self.name, raw, msg_time=arrived)
        # "[APPENDUID <uidvalidity> <uid>] Append completed."
        return int(response.split(b"]")[0].split()[-1])

    def flags(self, uid: int) -> set[bytes]:
        with self.client() as client:
            client.select_folder(self.name, readonly=True)
            return set(client.get_flags([uid]).get(uid, ()))

    def uids(self) -> list[int]:
        with self.client() as client:
            client.select_folder(self.name, readonly=True)
            return client.search("ALL")

    def url(self) -> str:
        return f"imap://{self.username}:{self.password}@{self.host}:{self.port}/{self.name}"

    def mailbox_row(self, unit, **extra) -> Mailbox:
        return Mailbox.objects.create(unit=unit, host=self.host, port=self.port, security=Mailbox.Security.PLAIN,
                                      username=self.username, password=self.password, folder=self.name, **extra)


def mail(*, sender="Budi Santoso <budi@example.org>", to="pengaduan@inspektorat.example", subject="Jalan rusak",
         body="Jalan di depan pasar berlubang sejak sebulan.", html=None, headers=None, files=()) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = format_datetime(datetime.now(timezone.utc))
    message["Message-ID"] = make_msgid(domain="example.org")
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(body)
    if html is not None:
        message.add_alternative(html, subtype="html")
    for name, content, maintype, subtype in files:
        message.add_attachment(content, maintype=maintype, subtype=subtype, filename=name)
    return message
