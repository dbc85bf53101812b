"""Reading one e-mail (the bytes the IMAP server hands over) into what the intake needs, with the stdlib `email`.

Pure: no database, no network. `parse_mail` says what kind of mail it is — a message from a person, an
automatic reply (ignored), or a delivery report (a bounce of one of our messages) — and gives the sender, the
subject, the body as plain text (HTML converted here, nothing fetched, no script kept) and the attached files.
A mail that cannot be read raises `MalformedMail`, with a reason fit for one log line.
"""

import email
import email.policy
import re
from dataclasses import dataclass, field
from email.headerregistry import Address
from email.message import EmailMessage, Message
from email.parser import HeaderParser
from email.utils import getaddresses, parseaddr
from html.parser import HTMLParser

# Headers that mark a mail written by a program, not a person (RFC 3834 and the older conventions).
AUTO_SUBMITTED_HUMAN = "no"
AUTO_REPLY_HEADERS = ("X-Autoreply", "X-Autorespond")
AUTO_PRECEDENCE = frozenset({"bulk", "list", "junk"})
# Senders that only ever send delivery reports; their non-standard bounces (without a DSN) are automatic mail.
DAEMON_SENDERS = frozenset({"mailer-daemon", "postmaster"})
MESSAGE_ID = re.compile(r"<[^<>\s]+>")
BODY_LIMIT = 100_000  # characters of text kept from one mail (the complaint's description)


class MalformedMail(Exception):
    """The mail cannot be taken in; the message says why, in one line."""


@dataclass(frozen=True)
class MailFile:
    name: str
    content: bytes
    content_type: str


@dataclass(frozen=True)
class BounceReport:
    """A delivery status notification (RFC 3464) about one of the mails we sent."""

    original_message_id: str  # the Message-ID of the mail that bounced, when the report quotes it
    recipients: tuple[str, ...]  # the addresses it failed for (Action: failed)
    delayed: tuple[str, ...]  # the addresses it is only delayed for (Action: delayed): nothing failed yet
    status: str  # e.g. "5.1.1"
    diagnostic: str  # what the receiving server said


@dataclass(frozen=True)
class ParsedMail:
    kind: str  # "message", "auto_reply" or "bounce"
    message_id: str
    subject: str
    sender_name: str
    sender_address: str
    body: str
    files: tuple[MailFile, ...] = ()
    references: tuple[str, ...] = ()  # In-Reply-To first, then References, newest first
    auto_reason: str = ""  # why it is automatic mail (the header that says so)
    bounce: BounceReport | None = None
    date: str = ""
    defects: tuple[str, ...] = field(default=())


def parse_mail(raw: bytes) -> ParsedMail:
    """Read one mail; raises MalformedMail when it cannot be taken in (no sender, unreadable structure)."""
    if not raw or not raw.strip():
        raise MalformedMail("empty message")
    try:
        message = email.message_from_bytes(raw, policy=email.policy.default)
        return _read(message)
    except MalformedMail:
        raise
    except Exception as error:  # the email package raises many kinds on broken input; all mean the same here
        raise MalformedMail(f"unreadable message ({type(error).__name__}: {error})"[:300]) from error


def _read(message: EmailMessage) -> ParsedMail:
    if not any(message.keys()):
        raise MalformedMail("no headers")
    message_id = _first_id(_header(message, "Message-ID"))
    subject = " ".join(_header(message, "Subject").split())
    references = _references(message)
    bounce = _bounce_report(message)
    name, address = _sender(message)
    if bounce is not None:
        return ParsedMail(kind="bounce", message_id=message_id, subject=subject, sender_name=name,
                          sender_address=address, body="", references=references, bounce=bounce,
                          auto_reason="delivery report")
    auto_reason = _auto_reason(message, address)
    if auto_reason:
        return ParsedMail(kind="auto_reply", message_id=message_id, subject=subject, sender_name=name,
                          sender_address=address, body="", references=references, auto_reason=auto_reason)
    if not address:
        raise MalformedMail("no sender address (From)")
    body_part = _body_part(message)
    body = _text_of(body_part) if body_part is not None else ""
    files = tuple(_files(message, body_part))
    return ParsedMail(kind="message", message_id=message_id, subject=subject, sender_name=name,
                      sender_address=address, body=body[:BODY_LIMIT], files=files, references=references,
                      date=_header(message, "Date"),
                      defects=tuple(type(defect).__name__ for defect in message.defects))


def _header(message: Message, name: str) -> str:
    """A header as text; a header the policy cannot parse is read raw rather than failing the whole mail."""
    try:
        value = message.get(name)
    except Exception:
        value = message.get_all(name, [""])[0] if hasattr(message, "get_all") else ""
    return str(value or "").strip()


def _first_id(text: str) -> str:
    found = MESSAGE_ID.search(text or "")
    return found.group(0) if found else ""


def _references(message: Message) -> tuple[str, ...]:
    ids = MESSAGE_ID.findall(_header(message, "In-Reply-To"))
    ids += list(reversed(MESSAGE_ID.findall(_header(message, "References"))))
    return tuple(dict.fromkeys(ids))


def _sender(message: EmailMessage) -> tuple[str, str]:
    try:
        header = message.get("From")
        addresses = getattr(header, "addresses", ()) if header is not None else ()
        if addresses:
            first: Address = addresses[0]
            if first.username and first.domain:
                return first.display_name.strip(), first.addr_spec.strip()
    except Exception:
        pass
    # Older or odd syntax the structured header refused: the classic parser is more forgiving.
    raw = message.get_all("From", []) if hasattr(message, "get_all") else []
    name, address = parseaddr(str(raw[0])) if raw else ("", "")
    return (name.strip(), address.strip()) if "@" in address else ("", "")


def _auto_reason(message: EmailMessage, address: str) -> str:
    auto_submitted = _header(message, "Auto-Submitted").split(";")[0].strip().lower()
    if auto_submitted and auto_submitted != AUTO_SUBMITTED_HUMAN:
        return f"Auto-Submitted: {auto_submitted}"
    for name in AUTO_REPLY_HEADERS:
        if message.get(name) is not None:
            return f"{name}: {_header(message, name)}"[:100]
    precedence = _header(message, "Precedence").lower()
    if precedence in AUTO_PRECEDENCE:
        return f"Precedence: {precedence}"
    if address.split("@")[0].lower() in DAEMON_SENDERS:
        return f"from {address.split('@')[0].lower()}"
    return ""


# --- bounces ----------------------------------------------------------------------------------------------------

def _bounce_report(message: EmailMessage) -> BounceReport | None:
    """The delivery report in a multipart/report; report-type=delivery-status, or None for any other mail."""
    if message.get_content_type() != "multipart/report":
        return None
    if message.get_param("report-type", "").lower() != "delivery-status":
        return None
    failed, delayed, status, diagnostic, original = [], [], "", "", ""
    for part in message.walk():
        content_type = part.get_content_type()
        if content_type == "message/delivery-status":
            for block in _status_blocks(part):
                recipient = _address_field(block.get("Final-Recipient") or block.get("Original-Recipient"))
                action = str(block.get("Action", "")).strip().lower()
                if recipient and action == "failed":
                    failed.append(recipient)
                    status = status or str(block.get("Status", "")).strip()
                    diagnostic = diagnostic or " ".join(str(block.get("Diagnostic-Code", "")).split())
                elif recipient and action == "delayed":
                    delayed.append(recipient)
        elif content_type in ("message/rfc822", "message/global") and not original:
            payload = part.get_payload()
            inner = payload[0] if isinstance(payload, list) and payload else None
            if isinstance(inner, Message):
                original = _first_id(_header(inner, "Message-ID"))
        elif content_type in ("text/rfc822-headers", "message/rfc822-headers") and not original:
            text = part.get_payload(decode=True) or b""
            headers = HeaderParser().parsestr(text.decode("utf-8", "replace"))
            original = _first_id(str(headers.get("Message-ID", "")))
    return BounceReport(original_message_id=original, recipients=tuple(dict.fromkeys(failed)),
                        delayed=tuple(dict.fromkeys(delayed)), status=status, diagnostic=diagnostic[:500])


def _status_blocks(part: Message) -> list[Message]:
    payload = part.get_payload()
    if isinstance(payload, list):
        return [block for block in payload if isinstance(block, Message)]
    # Some servers send the report as plain text: its blocks are separated by blank lines.
    text = part.get_payload(decode=True) or b""
    return [HeaderParser().parsestr(block) for block in text.decode("utf-8", "replace").split("\n\n")
            if block.strip()]


def _address_field(value) -> str:
    """"rfc822; someone@example.org" → the address."""
    text = str(value or "").strip()
    if ";" in text:
        text = text.split(";", 1)[1]
    addresses = getaddresses([text.strip()])
    return addresses[0][1].strip().lower() if addresses and "@" in addresses[0][1] else ""


# --- body and files ---------------------------------------------------------------------------------------------

def _body_part(message: EmailMessage) -> EmailMessage | None:
    try:
        return message.get_body(preferencelist=("plain", "html"))
    except Exception:
        return None


def _text_of(part: EmailMessage) -> str:
    try:
        content = part.get_content()
    except Exception:
        # An unknown charset or a broken transfer encoding: the bytes as UTF-8, mistakes replaced.
        content = (part.get_payload(decode=True) or b"").decode("utf-8", "replace")
    if not isinstance(content, str):
        content = content.decode("utf-8", "replace") if isinstance(content, bytes) else ""
    if part.get_content_type() == "text/html":
        content = html_to_text(content)
    return _tidy(content)


def _tidy(text: str) -> str:
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    tidy = re.sub(r"\n{3,}", "\n\n", "\n".join(lines))
    return tidy.strip()


def _files(message: EmailMessage, body_part: EmailMessage | None):
    """Every part that is a file: attachments, inline images, anything that is not the body text."""
    for part in message.walk():
        if part is body_part or part.is_multipart() or part.get_content_maintype() == "message":
            continue
        disposition = part.get_content_disposition()
        filename = part.get_filename()
        if part.get_content_maintype() == "text" and disposition != "attachment" and not filename:
            continue  # the other alternative of the body (its HTML or plain twin), not a file
        try:
            content = part.get_payload(decode=True) or b""
        except Exception:
            content = b""
        yield MailFile(name=str(filename or "lampiran"), content=content, content_type=part.get_content_type())


# Where a mail program starts quoting the mail answered: "On … wrote:", "Pada … menulis:", Outlook's separator.
QUOTE_HEADER = re.compile(r"(?:\b(?:wrote|menulis|schrieb|a écrit)\s*:\s*$)|(?:^-{2,}\s*(?:Original Message|Pesan Asli|"
                          r"Forwarded message|Pesan yang diteruskan)\s*-{2,}\s*$)", re.IGNORECASE)

ATTRIBUTION_START = re.compile(r"^(?:On|Pada|Am|Le)\s", re.IGNORECASE)


def without_quote(text: str) -> str:
    """A reply's own words: the text before the mail it quotes (ours, which the officer has, and which may carry the
    complainant's tracking code). The whole text when nothing is left without the quote."""
    lines = text.split("\n")
    for index, line in enumerate(lines):
        stripped = line.strip()
        if QUOTE_HEADER.search(stripped) or (stripped.startswith(">") and all(
                not rest.strip() or rest.lstrip().startswith(">") for rest in lines[index:])):
            end = index
            if index and ATTRIBUTION_START.match(lines[index - 1].strip()) and not ATTRIBUTION_START.match(stripped):
                end = index - 1  # "On Mon, 23 Nov 2026, Inspektorat" / "<…> wrote:": an attribution over two lines
            return _tidy("\n".join(lines[:end])) or _tidy(text)
    return _tidy(text)


class _TextExtractor(HTMLParser):
    """HTML to readable text: block elements become line breaks, links keep their address, and what is not text
    (scripts, styles, head, images) is dropped. Nothing is fetched and no markup survives."""

    SKIP = frozenset({"script", "style", "head", "title", "template", "noscript", "svg", "object", "iframe"})
    BLOCKS = frozenset({"p", "div", "br", "tr", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre",
                        "table", "ul", "ol", "hr", "section", "article", "header", "footer"})

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0
        self.href = ""

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self.skipping += 1
        elif tag in self.BLOCKS:
            self.parts.append("\n")
        if tag == "li":
            self.parts.append("- ")
        if tag == "a":
            self.href = dict(attrs).get("href") or ""

    def handle_startendtag(self, tag, attrs):
        if tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in self.SKIP:
            self.skipping = max(0, self.skipping - 1)
        elif tag in self.BLOCKS and tag != "li":  # list items start a line; their end adds no blank line
            self.parts.append("\n")
        elif tag == "td":
            self.parts.append("\t")
        if tag == "a":
            if self.href.startswith(("http://", "https://")) and self.href not in "".join(self.parts[-3:]):
                self.parts.append(f" ({self.href})")
            self.href = ""

    def handle_data(self, data):
        if not self.skipping:
            self.parts.append(re.sub(r"[ \t\r\n\f]+", " ", data))


def html_to_text(html: str) -> str:
    extractor = _TextExtractor()
    extractor.feed(html)
    extractor.close()
    lines = [" ".join(line.split()) for line in "".join(extractor.parts).split("\n")]
    return _tidy("\n".join(lines))
