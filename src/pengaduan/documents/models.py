"""The record of every document we issue, so that a printed copy can be verified on the public page."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pengaduan.complaints.models import Complaint, Forward
from pengaduan.units.models import Unit

CODE_LENGTH = 12


class IssuedDocument(models.Model):
    """One issued document: its verification code (printed as a QR code and an address), what it is, and the
    SHA-256 of the PDF bytes as served. Nothing here names the complainant: the verification page is public."""

    class Kind(models.TextChoices):
        RECEIPT = "receipt", _("Complaint receipt")
        ANSWER_LETTER = "answer_letter", _("Answer letter")
        FORWARDING_LETTER = "forwarding_letter", _("Forwarding letter")
        DISPOSITION = "disposition", _("Disposition sheet")

    code = models.CharField(_("verification code"), max_length=CODE_LENGTH, unique=True)
    kind = models.CharField(_("document"), max_length=20, choices=Kind.choices)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="issued_documents", verbose_name=_("unit"))
    complaint = models.ForeignKey(Complaint, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="issued_documents", verbose_name=_("complaint"))
    forward = models.ForeignKey(Forward, on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="issued_documents", verbose_name=_("forward"))
    number = models.CharField(_("number"), max_length=100, blank=True)
    dated = models.DateField(_("date of the document"))
    summary = models.CharField(_("public summary"), max_length=300, blank=True,
                               help_text=_("Shown on the public verification page: never the complainant's identity."))
    sha256 = models.CharField(_("content hash (SHA-256)"), max_length=64, blank=True)
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="+", verbose_name=_("issued by"))

    class Meta:
        verbose_name = _("issued document")
        verbose_name_plural = _("issued documents")
        ordering = ["-issued_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(sha256="") | Q(sha256__regex=r"^[0-9a-f]{64}$"),
                                   name="documents_issueddocument_sha256_hex"),
        ]
        # A reprint looks up the latest issue of the same document: "the answer letter of complaint C".
        indexes = [models.Index(fields=["complaint", "kind", "-issued_at"], name="documents_issued_by_complaint")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.number or self.code}"
