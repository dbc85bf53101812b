"""The IMAP side of the mailbox: where a mailbox is (a URL or an admin row), and a session on it (IMAPClient).

Mail is read without marking it (BODY.PEEK), in UID order, and marked only once the database has recorded it:
processed mail gets \\Seen and the keyword $Pengaduan (and is moved to the done folder when one is set); mail set
aside gets \\Flagged and $PengaduanSetAside and stays where it is, unread, for a person to look at. Mail that
carries neither keyword is what the next run reads.
"""

import ssl
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import parse_qs, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured
from imapclient import IMAPClient

DONE_KEYWORD = "$Pengaduan"
SET_ASIDE_KEYWORD = "$PengaduanSetAside"
AUTO_KEYWORD = "$PengaduanIgnored"
TIMEOUT = 60  # seconds for any one network operation: a hung server must not hang the timer


@dataclass(frozen=True)
class MailboxAddress:
    """Where a mailbox is and how to log in. `key` names it without the password (records, log lines)."""

    host: str
    port: int
    security: str  # "imaps", "starttls" or "plain"
    username: str
    password: str
    folder: str = "INBOX"
    done_folder: str = ""

    @property
    def key(self) -> str:
        return f"{self.username}@{self.host.lower()}:{self.port}/{self.folder}"[:255]

    def __repr__(self):  # never the password, whatever prints this
        return f"MailboxAddress({self.key!r})"

    __str__ = __repr__


def parse_mailbox_url(url: str) -> MailboxAddress:
    """imaps://user:password@host[:port]/FOLDER (TLS), imap://…?starttls=1, or imap://… (plain: loopback and
    tests only). `?done=FOLDER` moves processed mail there. ImproperlyConfigured (no password in it) if wrong."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("imap", "imaps") or not parts.hostname or not parts.username:
        raise ImproperlyConfigured("MAILBOX_URL must look like imaps://user:password@host/INBOX")
    query = parse_qs(parts.query)
    if parts.scheme == "imaps":
        security = "imaps"
    else:
        security = "starttls" if query.get("starttls", ["0"])[0] in ("1", "true", "yes") else "plain"
    return MailboxAddress(
        host=parts.hostname, port=parts.port or (993 if security == "imaps" else 143), security=security,
        username=unquote(parts.username), password=unquote(parts.password or ""),
        folder=unquote(parts.path.lstrip("/")) or "INBOX", done_folder=query.get("done", [""])[0],
    )


class MailboxSession:
    """One logged-in session on one folder (a context manager); every call may raise IMAPClient's or socket
    errors, which the caller turns into one log line and a failed run."""

    def __init__(self, address: MailboxAddress):
        self.address = address
        self.client: IMAPClient | None = None
        self.uidvalidity = 0

    def __enter__(self) -> "MailboxSession":
        address = self.address
        context = ssl.create_default_context()
        client = IMAPClient(address.host, port=address.port, ssl=address.security == "imaps",
                            ssl_context=context, timeout=TIMEOUT)
        try:
            if address.security == "starttls":
                client.starttls(context)
            client.login(address.username, address.password)
            selected = client.select_folder(address.folder)
        except BaseException:
            _close(client)
            raise
        client.normalise_times = False  # INTERNALDATE with its zone, not converted to naive local time
        self.client = client
        self.uidvalidity = int(selected[b"UIDVALIDITY"])
        return self

    def __exit__(self, *exc_info):
        if self.client is not None:
            _close(self.client)
            self.client = None

    def waiting_uids(self) -> list[int]:
        """The UIDs not yet processed nor set aside, oldest first."""
        return sorted(self.client.search(["UNKEYWORD", DONE_KEYWORD, "UNKEYWORD", SET_ASIDE_KEYWORD]))

    def envelope(self, uid: int) -> tuple[int, datetime | None] | None:
        """The mail's size and when the server received it (INTERNALDATE); None when it is gone."""
        found = self.client.fetch([uid], ["RFC822.SIZE", "INTERNALDATE"]).get(uid)
        if not found:
            return None
        arrived = found.get(b"INTERNALDATE")
        return int(found[b"RFC822.SIZE"]), arrived if isinstance(arrived, datetime) and arrived.tzinfo else None

    def read(self, uid: int) -> bytes | None:
        """The whole mail, without marking it as read; None when it is gone (expunged meanwhile)."""
        found = self.client.fetch([uid], ["BODY.PEEK[]"]).get(uid)
        return bytes(found[b"BODY[]"]) if found and found.get(b"BODY[]") is not None else None

    def mark_done(self, uid: int, *, ignored: bool = False) -> None:
        flags = [b"\\Seen", DONE_KEYWORD.encode()] + ([AUTO_KEYWORD.encode()] if ignored else [])
        self.client.add_flags([uid], flags, silent=True)
        if self.address.done_folder:
            self._ensure_folder(self.address.done_folder)
            self.client.move([uid], self.address.done_folder)

    def set_aside(self, uid: int) -> None:
        # Left unread and flagged where it is: a person sees it in the unit's mail program.
        self.client.add_flags([uid], [b"\\Flagged", SET_ASIDE_KEYWORD.encode()], silent=True)

    def _ensure_folder(self, folder: str) -> None:
        if not self.client.folder_exists(folder):
            self.client.create_folder(folder)


def _close(client: IMAPClient) -> None:
    try:
        client.logout()
    except Exception:
        try:
            client.shutdown()
        except Exception:
            pass
