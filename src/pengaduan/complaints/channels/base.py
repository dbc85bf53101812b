"""What every intake channel declares, and the registry every other module asks.

A channel is how a complaint reaches the unit (the complaint room, a letter, the website, ...). Its code is
what `Complaint.channel` stores; everything else about it (label, the details an officer records, whether it
arrives by itself, the medium that answers the complainant) is declared here once, in its own module.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django import forms
from django.utils import formats, timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# Clocks of phones and PCs drift; a time a little ahead of the server is not an error.
CLOCK_SKEW = timedelta(minutes=5)
# Older dates are typing mistakes (and would send deadline arithmetic through the whole calendar).
EARLIEST_YEAR = 1990


@dataclass(frozen=True, eq=False)
class Channel:
    """One intake channel.

    `details` are the form fields of what the channel brings along, keyed by the `Complaint` column that
    stores each (a new detail needs a new column and its migration); `required` names those that must be
    filled in (all of them when left None). `arrives_by_itself`: the complainant sends it without an officer
    present, at any time (website, mailbox, WhatsApp/SMS, SP4N-LAPOR!); otherwise an officer takes it in during
    office hours. `in_person`: a direct (langsung) complaint, face to face; the others are indirect.
    `answer_medium`: the notification medium that answers the complainant by default.
    """

    code: str
    label: str | Promise
    details: dict[str, forms.Field] = field(default_factory=dict)
    required: tuple[str, ...] | None = None
    arrives_by_itself: bool = False
    in_person: bool = False
    answer_medium: str = "email"
    # Sample details for the demo: (local time of receipt, a serial number) -> {detail: form value}.
    sample: Callable[[datetime, int], dict[str, Any]] | None = None

    @property
    def required_details(self) -> tuple[str, ...]:
        return tuple(self.details) if self.required is None else self.required

    def sample_details(self, received: datetime, serial: int = 0) -> dict[str, Any]:
        return self.sample(received, serial) if self.sample else {}


_REGISTRY: dict[str, Channel] = {}
_LISTENERS: list[Callable[[], None]] = []


def register(channel: Channel) -> Channel:
    """Add a channel (each channel module calls this once). Codes are stored, so a code is never reused."""
    if channel.code in _REGISTRY:
        raise ValueError(f"Channel {channel.code!r} is registered already")
    if len(channel.code) > 20:
        raise ValueError(f"Channel code {channel.code!r} is longer than the column (20)")
    unknown = set(channel.required_details) - set(channel.details)
    if unknown:
        raise ValueError(f"Channel {channel.code!r} requires details it does not declare: {sorted(unknown)}")
    _REGISTRY[channel.code] = channel
    _changed()
    return channel


def unregister(code: str) -> None:
    """Remove a channel (tests that add a toy channel remove it again)."""
    del _REGISTRY[code]
    _changed()


def on_change(listener: Callable[[], None]) -> None:
    """Call `listener` now and whenever a channel is added or removed (forms built from the registry)."""
    _LISTENERS.append(listener)
    listener()


def _changed() -> None:
    for listener in _LISTENERS:
        listener()


def get(code: str) -> Channel | None:
    return _REGISTRY.get(code)


def all_channels() -> Iterator[Channel]:
    return iter(list(_REGISTRY.values()))


def choices() -> list[tuple[str, str | Promise]]:
    """(code, label) of every channel, in the order they were registered: for model and form fields."""
    return [(channel.code, channel.label) for channel in _REGISTRY.values()]


def codes() -> list[str]:
    return list(_REGISTRY)


def label(code: str) -> str:
    channel = _REGISTRY.get(code)
    return str(channel.label) if channel else code


def labels() -> dict[str, str | Promise]:
    return {channel.code: channel.label for channel in _REGISTRY.values()}


def detail_fields() -> dict[str, forms.Field]:
    """The form field of every channel detail (a detail shared by two channels appears once)."""
    fields: dict[str, forms.Field] = {}
    for channel in _REGISTRY.values():
        for name, form_field in channel.details.items():
            fields.setdefault(name, form_field)
    return fields


def detail_channels() -> dict[str, list[str]]:
    """For each detail: the codes of the channels that bring it (the intake form shows it only for those)."""
    used: dict[str, list[str]] = {}
    for channel in _REGISTRY.values():
        for name in channel.details:
            used.setdefault(name, []).append(channel.code)
    return used


def describe(complaint) -> list[dict[str, Any]]:
    """The details recorded on a complaint, for its page: [{"label", "value", "link"}], empty ones left out."""
    shown = []
    for name, form_field in detail_fields().items():
        value = getattr(complaint, name, None)
        if value in (None, ""):
            continue
        if isinstance(value, datetime):
            text = formats.date_format(timezone.localtime(value), "d M Y H:i")
        elif isinstance(value, date):
            text = formats.date_format(value, "d M Y")
        else:
            text = str(value)
        shown.append({"label": form_field.label or name, "value": text,
                      "link": text if isinstance(form_field, forms.URLField) else ""})
    return shown


# --- validators the channel modules share -------------------------------------------------------

def not_in_future(message: str | Promise, year_message: str | Promise) -> Callable[[Any], None]:
    """A validator: the moment is not later than now (give or take CLOCK_SKEW), nor before EARLIEST_YEAR."""

    def validate(value: Any) -> None:
        if value > timezone.now() + CLOCK_SKEW:
            raise forms.ValidationError(message)
        if value.year < EARLIEST_YEAR:
            raise forms.ValidationError(year_message)

    return validate


REQUIRED_MESSAGE = _("Required for complaints received through this channel.")
