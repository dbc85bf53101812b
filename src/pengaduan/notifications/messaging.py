"""What WhatsApp and SMS share around the outbox: which unit a number belongs to, which number a unit answers
from, and the providers' delivery reports (sent, delivered, read, failed) written onto the outbox rows."""

import logging
from datetime import datetime

from django.conf import settings
from django.utils import timezone

from pengaduan.notifications.models import Delivery, MessagingNumber, OutboxMessage
from pengaduan.notifications.services import fall_back
from pengaduan.units.models import Unit
from pengaduan.units.selectors import portal_unit

logger = logging.getLogger(__name__)

Status = OutboxMessage.Status


def unit_for_number(*, medium: str, identifier: str) -> Unit | None:
    """The unit a message to this number (WhatsApp phone number id, SMS gateway number or device) belongs to: the
    admin's WhatsApp / SMS numbers first, then the portal's unit for the default (WHATSAPP_PHONE_NUMBER_ID, or any
    SMS when no number is set up), None for a number of someone else."""
    identifier = (identifier or "").strip()
    if identifier:
        row = MessagingNumber.objects.filter(medium=medium, identifier=identifier).select_related("unit").first()
        if row is not None:
            return row.unit
    if medium == "whatsapp":
        default = settings.WHATSAPP_PHONE_NUMBER_ID
        return portal_unit() if default and identifier == default else None
    # An SMS gateway serves one install; a report without a number (or an unknown one) goes to the portal's unit
    # unless numbers were set up, in which case an unknown number is not ours.
    if identifier and MessagingNumber.objects.filter(medium=medium).exists():
        return None
    return portal_unit()


def sender_number(*, medium: str, unit: Unit | None) -> str:
    """The number id a unit answers from on `medium` ("" when it has none): its own, else the default."""
    if unit is not None:
        identifier = MessagingNumber.objects.filter(medium=medium, unit=unit).values_list("identifier", flat=True).first()
        if identifier:
            return identifier
    return settings.WHATSAPP_PHONE_NUMBER_ID if medium == "whatsapp" else ""


# A report never goes back: a late "delivered" after "read" keeps "read".
_RANK = {"": 0, Delivery.DELIVERED: 1, Delivery.READ: 2, Delivery.FAILED: 3}


def delivery_report(*, medium: str, external_id: str, status: str, error: str = "",
                    at: datetime | None = None) -> OutboxMessage | None:
    """Record what the provider says happened to a message it accepted: `status` is sent, delivered, read or
    failed. Returns the row, None when no message of ours has that id (a message sent by hand, say).

    Idempotent: the same report twice changes nothing; an older report after a newer one is ignored.
    """
    at = at or timezone.now()
    message = OutboxMessage.objects.filter(medium=medium, external_id=external_id).exclude(external_id="").first()
    if message is None:
        logger.info("Delivery report %r for unknown %s message %r", status, medium, external_id)
        return None
    if status == "sent":
        return message  # the outbox marked it sent when the provider accepted it
    if status not in _RANK or _RANK[status] <= _RANK.get(message.delivery, 0):
        return message
    changes: dict = {"delivery": status, "delivery_at": at}
    if status == Delivery.FAILED:
        changes["last_error"] = (error or "failed")[:2000]
    # Conditional on the report it replaces, so two reports racing each other keep the furthest one.
    changed = OutboxMessage.objects.filter(pk=message.pk, delivery=message.delivery).update(**changes)
    message.refresh_from_db()
    if status == Delivery.FAILED:
        logger.warning("%s message %s to %s was not delivered: %s", medium, message.pk, message.address, error)
        if changed:  # this report was the one that said so: the complainant is tried on another medium
            fall_back(message, reason=error)
    return message


def last_inbound_at(*, medium: str, address: str) -> datetime | None:
    """When this number last wrote to us on `medium` (WhatsApp's 24-hour window opens with it)."""
    from pengaduan.complaints.models import InboundMessage

    return (InboundMessage.objects.filter(channel=medium, sender=address).order_by("-received_at")
            .values_list("received_at", flat=True).first())
