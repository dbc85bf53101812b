"""Issuing our documents: each PDF rendered with its verification stamp and recorded (see verification.py).

Views and the outbox call these, never the bare `*_pdf` functions, so that no document leaves unrecorded.
"""

from datetime import datetime

from django.utils import timezone
from django.utils.translation import override, pgettext

from pengaduan.complaints.letters import LETTER_LANGUAGE, answer_letter_facts, answer_letter_pdf
from pengaduan.complaints.models import Complaint, Forward
from pengaduan.documents.disposition import disposition_facts, disposition_pdf
from pengaduan.documents.forwarding_letter import forwarding_letter_pdf, forwarding_subject
from pengaduan.documents.models import IssuedDocument
from pengaduan.documents.receipt import receipt_pdf
from pengaduan.documents.verification import issue_pdf
from pengaduan.typesetting import format_date_id, local_datetime

Kind = IssuedDocument.Kind


def issue_receipt(complaint: Complaint, *, base_url: str = "", actor=None,
                  now: datetime | None = None) -> tuple[bytes, IssuedDocument]:
    """A receipt: a new issue every time (it carries a new tracking code and its printing time)."""
    now = now or timezone.now()
    with override(LETTER_LANGUAGE):
        summary = pgettext("verification", "Receipt of a complaint received on %(date)s") % {
            "date": format_date_id(complaint.received_at)}
    return issue_pdf(
        kind=Kind.RECEIPT, unit=complaint.unit, complaint=complaint, number=complaint.register_number,
        dated=local_datetime(now).date(), summary=summary, actor=actor, reprint=False,
        render=lambda stamp: receipt_pdf(complaint, now=now, base_url=base_url, stamp=stamp),
    )


def issue_answer_letter(complaint: Complaint, *, actor=None) -> tuple[bytes, IssuedDocument]:
    """The answer letter (raises ValueError while the answer is not drafted); a reprint is the same issue."""
    number, dated, subject = answer_letter_facts(complaint)
    return issue_pdf(
        kind=Kind.ANSWER_LETTER, unit=complaint.unit, complaint=complaint, number=number,
        dated=local_datetime(dated).date(), summary=subject, actor=actor,
        render=lambda stamp: answer_letter_pdf(complaint, stamp=stamp),
    )


def issue_forwarding_letter(forward: Forward, *, actor=None) -> tuple[bytes, IssuedDocument]:
    """The surat pelimpahan to an outside body; a reprint is the same issue."""
    with override(LETTER_LANGUAGE):
        subject = forwarding_subject(forward)
    return issue_pdf(
        kind=Kind.FORWARDING_LETTER, unit=forward.origin.unit, complaint=forward.origin, forward=forward,
        number=forward.origin.register_number, dated=local_datetime(forward.forwarded_at).date(), summary=subject, actor=actor,
        render=lambda stamp: forwarding_letter_pdf(forward, stamp=stamp),
    )


def issue_disposition(complaint: Complaint, *, actor=None) -> tuple[bytes, IssuedDocument]:
    """The lembar disposisi; a reprint of the same state is the same issue (ticked after the decision: new)."""
    number, day, subject = disposition_facts(complaint)
    return issue_pdf(
        kind=Kind.DISPOSITION, unit=complaint.unit, complaint=complaint, number=number,
        dated=local_datetime(day).date(), summary=subject, actor=actor,
        render=lambda stamp: disposition_pdf(complaint, stamp=stamp),
    )
