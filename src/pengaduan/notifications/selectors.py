"""Reads of the outbox that the pages above share."""

from django.db.models import QuerySet

from pengaduan.complaints.models import Complaint
from pengaduan.notifications.models import OutboxMessage
from pengaduan.notifications.services import COMPLAINANT_MESSAGE_KEYS


def complainant_messages(complaint: Complaint, *, limit: int = 50) -> QuerySet[OutboxMessage]:
    """The messages to a complaint's complainant, newest first, with their medium, state and routing note (the
    complaint page shows them to those who may see the complainant's identity: the address is part of it)."""
    return (OutboxMessage.objects.filter(complaint=complaint, template_key__in=COMPLAINANT_MESSAGE_KEYS)
            .only("template_key", "medium", "address", "status", "route_note", "created_at", "sent_at",
                  "last_error").order_by("-created_at", "-pk")[:limit])
