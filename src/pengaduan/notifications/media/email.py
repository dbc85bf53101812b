"""E-mail through Django's mail backend (SMTP in production, a file or memory backend elsewhere)."""

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import partial

from django.core.mail import EmailMessage, get_connection
from django.core.validators import validate_email
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
        email = EmailMessage(subject=message.subject, body=message.body, to=[message.address],
                             reply_to=[message.reply_to] if message.reply_to else None, connection=connection,
                             headers=dict(getattr(message, "headers", None) or {}))
        for attachment in attachments:
            email.attach(*attachment)
        if not email.send():
            raise RuntimeError("the mail backend accepted no message")
        return None

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
