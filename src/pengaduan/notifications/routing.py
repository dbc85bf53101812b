"""Which medium tells a complainant: the one they chose (e-mail, WhatsApp, SMS, or only the tracking page) when
this server can send on it, they left an address for it and have not opted out of it; else e-mail (the same
conditions); else none. Complaints from before the choice (or an API client that does not send it) start from
their channel's answer medium, as before.

`complainant_routing` says what happened and why (`note`: the fallback, or the opt-out that stopped a message);
the outbox keeps the note with the message, so the admin shows why a message went as it did, or did not go.
"""

from collections.abc import Mapping
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import router
from django.utils.translation import gettext as _

from pengaduan import inserts
from pengaduan.complaints import channels
from pengaduan.complaints.models import Complaint, NotifyBy
from pengaduan.notifications import media, optout
from pengaduan.notifications.models import OptOut
from pengaduan.notifications.optout import opted_out
from pengaduan.typesetting import format_datetime_id

FALLBACK = "email"
# A message not delivered goes again by the next of these the complainant can be reached on (delivery_fallback).
AFTER_FAILURE = {"whatsapp": ("sms", FALLBACK), "sms": (FALLBACK,)}


@dataclass(frozen=True)
class Routing:
    medium: str = ""  # empty: nothing is sent
    address: str = ""
    note: str = ""  # why this medium (a fallback), or why nothing is sent
    # An address that would have been used but opted out of its medium: (medium, address), for the record.
    opted_out: tuple[str, str] | None = None

    @property
    def route(self) -> tuple[str, str] | None:
        return (self.medium, self.address) if self.medium else None


def _usable(code: str, person) -> tuple[str, str, str]:
    """(address, why not, opted-out address) of `person` on medium `code`: the address when it can be used."""
    medium = media.get(code)
    if medium is None or not medium.is_configured():
        return "", _("%(medium)s is not set up on this server") % {"medium": media.label(code)}, ""
    raw = (getattr(person, medium.complainant_field, "") or "").strip()
    if not raw:
        return "", _("no %(medium)s address given") % {"medium": media.label(code)}, ""
    try:
        address = medium.normalise(raw)
    except ValidationError:
        return "", _("the %(medium)s address cannot be used") % {"medium": media.label(code)}, ""
    if (row := opted_out(code, address)) is not None:
        return "", (_("opted out of %(medium)s on %(when)s (%(how)s)")
                    % {"medium": media.label(code), "when": format_datetime_id(row.opted_out_at),
                       "how": row.get_source_display()}), address
    return address, "", ""


def read_opt_outs_ahead(addresses: Mapping[str, str]) -> None:
    """A request that will likely route messages to a person with these addresses as given ({complainant field:
    value}, e.g. {"email": ..., "phone": ...}): on PostgreSQL whether each has opted out of each medium this server
    sends on comes with the request's next read (optout.read_ahead), a round trip fewer. Elsewhere nothing."""
    if not inserts.can_send_together(router.db_for_read(OptOut)):
        return
    for medium in media.all_media():
        raw = (addresses.get(medium.complainant_field) or "").strip()
        if raw and medium.is_configured():
            try:
                optout.read_ahead(medium.code, medium.normalise(raw))
            except ValidationError:
                continue  # the form says so; routing will not use it


def complainant_routing(complaint: Complaint) -> Routing:
    """How the complainant of `complaint` is told, and why."""
    person = complaint.complainant
    if complaint.is_anonymous or person is None:
        return Routing(note=_("anonymous: nobody to tell"))
    chosen = person.notify_by
    if chosen == NotifyBy.PAGE:
        return Routing(note=_("the complainant chose the tracking page only"))
    if not chosen:
        channel = channels.get(complaint.channel)
        chosen = channel.answer_medium if channel else FALLBACK
    notes, blocked = [], None
    for code in dict.fromkeys([chosen, FALLBACK]):
        address, why_not, stopped = _usable(code, person)
        if address:
            note = "" if code == chosen else _("instead of %(medium)s: %(why)s") % {
                "medium": media.label(chosen), "why": "; ".join(notes)}
            return Routing(medium=code, address=address, note=note, opted_out=blocked)
        notes.append(why_not)
        if stopped and blocked is None:
            blocked = (code, stopped)
    return Routing(note="; ".join(notes), opted_out=blocked)


def complainant_route(complaint: Complaint) -> tuple[str, str] | None:
    """(medium code, address) to tell the complainant by; None when nothing is sent (anonymous, the tracking page
    chosen, no usable address, opted out)."""
    return complainant_routing(complaint).route


def delivery_fallback(complaint: Complaint, *, failed: str, address: str) -> Routing:
    """How to reach the complainant of `complaint` when a message to them on medium `failed` (at `address`) was not
    delivered: the next medium of AFTER_FAILURE that this server sends on, for which they left an address and have
    not opted out; empty when there is none, or when `address` is not theirs (an officer's message)."""
    person = complaint.complainant
    if complaint.is_anonymous or person is None or failed not in AFTER_FAILURE:
        return Routing(note=_("no other way to reach the complainant"))
    if _normalised(failed, person) != address:
        return Routing(note=_("not a message to the complainant"))
    notes = []
    for code in AFTER_FAILURE[failed]:
        found, why_not, _stopped = _usable(code, person)
        if found:
            return Routing(medium=code, address=found)
        notes.append(why_not)
    return Routing(note="; ".join(notes))


def _normalised(code: str, person) -> str:
    # Their address on the medium as stored in the outbox, whether or not the medium is still usable.
    medium = media.get(code)
    try:
        return medium.normalise((getattr(person, medium.complainant_field, "") or "").strip()) if medium else ""
    except ValidationError:
        return ""
