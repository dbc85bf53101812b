"""E-mail through Django's mail backend (SMTP in production, a file or memory backend elsewhere).

Every mail we send carries a Message-ID made from its outbox row and a keyed signature (`message_id_for`): the
same on every retry, so that a reply (In-Reply-To, References) or a bounce read from the unit's mailbox names
the outbox message it answers (`outbox_id_from_message_id`), and nobody can forge one that names another.
"""

import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import partial

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.core.validators import validate_email
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext_lazy as _

from pengaduan.notifications.media.base import Attachment, Medium, Sender, register


class Email(Medium):
    code = "email"
    label = _("E-mail")

    def normalise(self, address: str) -> str:
        address = address.strip()
        validate_email(address)
        return address

    def send(self, message, attachments: Sequence[Attachment] = (), *, connection=None) -> str | None:
        message_id = message_id_for(message.pk) if message.pk else None
        # Written by a program (RFC 3834): vacation responders stay quiet, and should one of our mails land in a
        # mailbox we read, it is ignored there instead of becoming a complaint.
        headers = {"Auto-Submitted": "auto-generated"}
        if message_id:
            headers["Message-ID"] = message_id
        email = EmailMessage(subject=message.subject, body=message.body, to=[message.address],
                             reply_to=[message.reply_to] if message.reply_to else None, connection=connection,
                             headers={**headers, **dict(getattr(message, "headers", None) or {})})
        for attachment in attachments:
            email.attach(*attachment)
        if not email.send():
            raise RuntimeError("the mail backend accepted no message")
        return message_id

    @contextmanager
    def batch(self) -> Iterator[Sender]:
        # One connection for the batch: a refused connection (or a timeout) fails it once, not per message.
        connection = get_connection(fail_silently=False)
        connection.open()
        try:
            yield partial(self.send, connection=connection)
        finally:
            connection.close()


EMAIL = register(Email())

MESSAGE_ID_SALT = "pengaduan.notifications.message-id"
OUR_MESSAGE_ID = re.compile(r"^<?pengaduan\.(\d{1,18})\.([0-9a-f]{20})@[^<>@\s]+>?$", re.IGNORECASE)


def _signature(pk: int, secret: str | None = None) -> str:
    return salted_hmac(MESSAGE_ID_SALT, str(pk), secret=secret, algorithm="sha256").hexdigest()[:20]


def message_id_domain() -> str:
    """The right-hand side of our Message-IDs: the domain of the sender address (DEFAULT_FROM_EMAIL)."""
    domain = str(getattr(settings, "DEFAULT_FROM_EMAIL", "")).rsplit("@", 1)[-1].strip(" >")
    return domain if domain and "." in domain else "pengaduan.invalid"


def message_id_for(pk: int) -> str:
    """The Message-ID of outbox message `pk`: stable across retries, signed so it cannot be forged."""
    return f"<pengaduan.{pk}.{_signature(pk)}@{message_id_domain()}>"


def outbox_id_from_message_id(value: str) -> int | None:
    """The outbox message a Message-ID of ours names (from In-Reply-To, References or a bounce), or None."""
    found = OUR_MESSAGE_ID.match((value or "").strip())
    if not found:
        return None
    pk, signature = int(found.group(1)), found.group(2).lower()
    # A reply may come months later: the Message-IDs signed before a key rotation are still ours.
    secrets = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return pk if any(constant_time_compare(signature, _signature(pk, secret)) for secret in secrets) else None
