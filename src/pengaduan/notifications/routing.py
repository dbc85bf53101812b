"""Which medium answers a complainant: their channel's answer medium when this server can send on it and they
left an address for it, e-mail otherwise. (The complainant's own choice of medium comes with the channel work.)"""

from django.core.exceptions import ValidationError

from pengaduan.complaints import channels
from pengaduan.complaints.models import Complaint
from pengaduan.notifications import media

FALLBACK = "email"


def complainant_route(complaint: Complaint) -> tuple[str, str] | None:
    """(medium code, address) to tell the complainant by; None for an anonymous complaint or no address."""
    person = complaint.complainant
    if complaint.is_anonymous or person is None:
        return None
    channel = channels.get(complaint.channel)
    preferred = channel.answer_medium if channel else FALLBACK
    if preferred != FALLBACK:
        medium = media.get(preferred)
        address = getattr(person, medium.complainant_field, "") if medium else ""
        if medium is not None and medium.is_configured() and address.strip():
            try:
                return preferred, medium.normalise(address)
            except ValidationError:
                pass  # a number that cannot be reached: the e-mail address may still be
    address = person.email.strip()
    return (FALLBACK, address) if address else None
