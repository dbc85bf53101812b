"""What every notification medium provides, and the registry the outbox asks.

A medium (e-mail, WhatsApp, SMS) is an adapter: it says which addresses it can reach (`normalise`) and sends
one outbox message (`send`). The outbox — queueing, claiming by several workers, retries with backoff,
deduplication, the admin — knows only this interface, so a medium is added in one module.
"""

from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from django.utils.functional import Promise

# (file name, content, MIME type), rendered by the outbox from the message's attachment specs.
Attachment = tuple[str, bytes, str]
Sender = Callable[[Any, Sequence[Attachment]], str | None]


class MediumNotConfigured(Exception):
    """The medium has no sender set up on this server; the outbox records it and tries again later."""


class Undeliverable(Exception):
    """This message can never go by this medium (a number that is not on WhatsApp, no approved template outside
    the 24-hour window): the outbox gives it up at once instead of trying again."""


class Medium:
    """One notification medium. Subclasses set `code` and `label` and implement `normalise` and `send`."""

    code: str = ""
    label: str | Promise = ""
    # The complainant's field holding their address on this medium (Complainant.email, Complainant.phone).
    complainant_field: str = "email"
    # Whether `send` uses the rendered attachments (the receipt PDF); media that cannot carry them are spared the
    # rendering.
    takes_attachments: bool = True

    def normalise(self, address: str) -> str:
        """The address in the form this medium stores it; django.core.exceptions.ValidationError if invalid."""
        raise NotImplementedError

    def prepare(self, *, template: Any, context: Mapping[str, Any], subject: str, body: str,
                render: Callable[[str, Mapping[str, Any]], str]) -> dict[str, Any]:
        """Outbox fields this medium fixes when a message is queued (`medium_data`, `segments`); `render` renders a
        template string with the message's context."""
        return {}

    def send(self, message: Any, attachments: Sequence[Attachment] = ()) -> str | None:
        """Send one outbox message; return the provider's id for it (or None); raise on failure."""
        raise NotImplementedError

    def is_configured(self) -> bool:
        """Whether this server can send on this medium now (the complainant's medium falls back otherwise)."""
        return True

    @contextmanager
    def batch(self) -> Iterator[Sender]:
        """Context for sending several messages at once (e.g. one SMTP connection); yields the send function.

        An error while opening it fails the whole batch, once, instead of once per message.
        """
        yield self.send


_REGISTRY: dict[str, Medium] = {}


def register(medium: Medium) -> Medium:
    if not medium.code or len(medium.code) > 20:
        raise ValueError(f"Medium code {medium.code!r} must have 1 to 20 characters (the column)")
    if medium.code in _REGISTRY:
        raise ValueError(f"Medium {medium.code!r} is registered already")
    _REGISTRY[medium.code] = medium
    return medium


def unregister(code: str) -> None:
    del _REGISTRY[code]


def get(code: str) -> Medium | None:
    return _REGISTRY.get(code)


def all_media() -> Iterator[Medium]:
    return iter(list(_REGISTRY.values()))


def choices() -> list[tuple[str, str | Promise]]:
    return [(medium.code, medium.label) for medium in _REGISTRY.values()]


def label(code: str) -> str:
    medium = _REGISTRY.get(code)
    return str(medium.label) if medium else code
