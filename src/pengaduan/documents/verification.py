"""Documents that can be verified: every PDF we issue is recorded with a verification code and the SHA-256 of
its bytes, and carries that code as a QR code and as a printed address (`…/verifikasi/<code>/`).

The public page at that address shows what was issued (number, date, unit, kind, hash) and hashes an uploaded
copy: a letter made with a word processor has no record, and a changed one (a byte, a word) has another hash.

Reprinting. The letters (answer, forwarding, disposition) are deterministic PDFs (ReportLab's `invariant=1`,
dated by the event they record, not by the printing): a reprint keeps the code of the latest issue and, when the
bytes come out the same, is that issue again. When they do not (the unit changed its letterhead or signer since),
the reprint is recorded as a new issue with a new code; the earlier one stays verifiable. A receipt carries a new
tracking code and its printing time, so every receipt is a new issue.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from urllib.parse import urljoin

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from pengaduan.complaints.codes import ALPHABET
from pengaduan.complaints.models import Complaint, Forward
from pengaduan.documents.models import CODE_LENGTH, IssuedDocument
from pengaduan.units.models import Unit

@dataclass(frozen=True)
class Stamp:
    """What a document prints to be verified: the code and the page's absolute address."""

    code: str

    @property
    def url(self) -> str:
        return verification_url(self.code)

    @property
    def display_code(self) -> str:
        return display_code(self.code)


def new_code() -> str:
    """12 symbols of 30 (≈ 59 bits): not guessable under the page's rate limit, short enough to type."""
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(text: str) -> str:
    """What a reader typed (lower case, dashes, spaces) → the stored form."""
    return "".join(ch for ch in (text or "").upper() if ch.isalnum())


def display_code(code: str) -> str:
    return "-".join(code[i:i + 4] for i in range(0, len(code), 4))


def verification_url(code: str) -> str:
    """The absolute address of the verification page, from SITE_URL (a printed letter has no request)."""
    return urljoin(settings.SITE_URL.rstrip("/") + "/", reverse("portal:verify", args=[code]).lstrip("/"))


def sha256_of(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def matches(document: IssuedDocument, content: bytes) -> bool:
    """Whether `content` is, byte for byte, the PDF that was issued."""
    return bool(document.sha256) and secrets.compare_digest(document.sha256, sha256_of(content))


def find(code: str) -> IssuedDocument | None:
    code = normalise_code(code)
    if len(code) != CODE_LENGTH:
        return None
    return IssuedDocument.objects.select_related("unit").filter(code=code).first()


# --- issuing -------------------------------------------------------------------------------------------

@transaction.atomic
def issue_pdf(*, kind: str, unit: Unit, render: Callable[[Stamp], bytes], number: str, dated: date,
              summary: str, complaint: Complaint | None = None, forward: Forward | None = None,
              actor=None, reprint: bool = True) -> tuple[bytes, IssuedDocument]:
    """Render a document with its verification stamp and record the issue; returns the PDF bytes as served.

    With `reprint` (deterministic documents), the latest issue of the same document is tried first: the same
    bytes under its code are that issue again. Otherwise (or without `reprint`) a new issue is recorded.
    """
    if reprint:
        latest = (IssuedDocument.objects.select_for_update()
                  .filter(kind=kind, complaint=complaint, forward=forward).order_by("-issued_at", "-pk").first())
        if latest is not None:
            content = render(Stamp(latest.code))
            if matches(latest, content):
                return content, latest
    code = new_code()
    while IssuedDocument.objects.filter(code=code).exists():  # 30**12 codes: practically never
        code = new_code()
    content = render(Stamp(code))
    document = IssuedDocument.objects.create(
        code=code, kind=kind, unit=unit, complaint=complaint, forward=forward, number=number[:100], dated=dated,
        summary=summary[:300], sha256=sha256_of(content), issued_at=timezone.now(),
        issued_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    return content, document
