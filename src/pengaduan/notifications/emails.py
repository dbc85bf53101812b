"""The confirmation e-mail with the receipt attached.

A complainant who gave an e-mail address gets the tanda terima in their mailbox, so the tracking
code is not lost with a browser tab or a paper slip. The message goes through the notifications
outbox: it is queued with the complaint, sent after the commit, and retried later when the mail
server is down, so mail never undoes or blocks the receipt of a complaint.
"""

from pengaduan.complaints.models import Complaint
from pengaduan.notifications.models import OutboxMessage
from pengaduan.notifications.services import notify_complainant


def schedule_receipt_email(complaint: Complaint, *, base_url: str = "") -> OutboxMessage | None:
    """Queue the receipt e-mail (template `complaint_received`, receipt PDF attached); sent after the commit.

    None when nothing is queued: an anonymous complaint, no e-mail address, the message switched off,
    or the receipt already queued for this complaint.
    """
    return notify_complainant(complaint=complaint, key="complaint_received", base_url=base_url)
