"""The confirmation e-mail with the receipt attached.

A complainant who gave an e-mail address gets the tanda terima in their mailbox, so the tracking
code is not lost with a browser tab or a paper slip. Mail is a courtesy, not part of the workflow:
a mail server that is down must never undo or block the receipt of a complaint, so sending happens
after the commit and every failure is logged and swallowed.
"""

import logging
from functools import partial

from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils.html import format_html
from django.utils.translation import gettext as _

from pengaduan.complaints.models import Complaint
from pengaduan.portal.receipt import TRACK_PATH, format_datetime_id, receipt_pdf

logger = logging.getLogger(__name__)


def receipt_recipient(complaint: Complaint) -> str:
    """The address the receipt goes to, or "" for anonymous complaints and complainants without e-mail."""
    if complaint.is_anonymous or complaint.complainant is None:
        return ""
    return complaint.complainant.email.strip()


def send_receipt_email(complaint: Complaint, *, base_url: str = "") -> bool:
    """Send the receipt e-mail now; True when it was handed to the mail backend.

    Returns False, without raising, when there is no address or anything goes wrong (the error is logged).
    """
    recipient = receipt_recipient(complaint)
    if not recipient:
        return False
    try:
        unit = complaint.unit
        track_url = f"{base_url.rstrip('/')}{TRACK_PATH}"
        context = {
            "complaint": complaint,
            "unit": unit,
            "name": complaint.complainant.name,
            "received": format_datetime_id(complaint.received_at),
            "track_url": track_url,
            "track_link": format_html('<a href="{0}">{0}</a>', track_url),
            "has_site": bool(base_url),
        }
        message = EmailMultiAlternatives(
            subject=_("Your complaint has been received: %(code)s") % {"code": complaint.tracking_code},
            body=render_to_string("portal/email/receipt.txt", context),
            to=[recipient],
            reply_to=[unit.email] if unit.email else None,
        )
        message.attach_alternative(render_to_string("portal/email/receipt.html", context), "text/html")
        message.attach(
            f"tanda-terima-{complaint.tracking_code}.pdf", receipt_pdf(complaint, base_url=base_url), "application/pdf"
        )
        return message.send() > 0
    except Exception:
        # Deliberately broad: SMTP errors, refused connections, DNS failures, a bad template — none of them
        # may surface to the complainant, whose complaint is already safely stored.
        logger.exception("Could not send the receipt e-mail of complaint %s", complaint.pk)
        return False


def schedule_receipt_email(complaint: Complaint, *, base_url: str = "") -> None:
    """Send the receipt e-mail once the current transaction commits (at once outside a transaction).

    After the commit, so that no mail announces a complaint that was rolled back; robust, so that an
    unexpected error in the callback cannot break the request that stored the complaint.
    """
    transaction.on_commit(partial(send_receipt_email, complaint, base_url=base_url), robust=True)
