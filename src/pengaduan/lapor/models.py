"""A unit's LAPOR! account with its cursor, and a record per follow-up entry sent to LAPOR!."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from pengaduan.complaints.models import Complaint
from pengaduan.units.models import Unit


class LaporAccount(models.Model):
    """How one unit reaches LAPOR!: its institution ID there, and (when not the install's defaults) its own
    base URL and token. The cursor is the high-water mark of the reports pulled so far."""

    unit = models.OneToOneField(Unit, on_delete=models.CASCADE, related_name="lapor_account",
                                verbose_name=_("unit"))
    institution_id = models.CharField(
        _("LAPOR! institution ID"), max_length=50,
        help_text=_("The ID of this unit in SP4N-LAPOR! (the institution the reports are disposed to)."))
    base_url = models.URLField(_("API base URL"), max_length=300, blank=True,
                               help_text=_("Empty: the install's LAPOR_BASE_URL."))
    token = models.CharField(_("API token"), max_length=300, blank=True,
                             help_text=_("Issued by the LAPOR! team. Empty: the install's LAPOR_TOKEN."))
    enabled = models.BooleanField(_("sync with LAPOR!"), default=True)
    cursor = models.CharField(_("cursor"), max_length=200, blank=True, editable=False,
                              help_text=_("Where the next pull continues (set by the sync)."))
    pulled_at = models.DateTimeField(_("last pulled at"), null=True, blank=True, editable=False)
    pushed_at = models.DateTimeField(_("last pushed at"), null=True, blank=True, editable=False)
    last_error = models.CharField(_("last error"), max_length=500, blank=True, editable=False)

    class Meta:
        verbose_name = _("SP4N-LAPOR! account")
        verbose_name_plural = _("SP4N-LAPOR! accounts")

    def __str__(self):
        return f"{self.unit.code} → LAPOR! {self.institution_id}"

    def effective_base_url(self) -> str:
        return (self.base_url or getattr(settings, "LAPOR_BASE_URL", "")).rstrip("/")

    def effective_token(self) -> str:
        return self.token or getattr(settings, "LAPOR_TOKEN", "")


class LaporPush(models.Model):
    """One follow-up entry for LAPOR! (a step's public result, or the final answer). Made once per complaint and
    key (the constraint), sent until LAPOR! accepts it; two servers claim a row before sending it."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="lapor_pushes",
                                  verbose_name=_("complaint"))
    key = models.CharField(_("entry"), max_length=40, help_text=_('"step-2", "answer"'))
    lapor_id = models.CharField(_("SP4N-LAPOR! tracking ID"), max_length=50)
    is_final = models.BooleanField(_("final answer"), default=False)
    content = models.TextField(_("text sent"))
    created_at = models.DateTimeField(_("created at"))
    claimed_until = models.DateTimeField(_("claimed until"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    remote_id = models.CharField(_("LAPOR! follow-up ID"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("SP4N-LAPOR! follow-up entry")
        verbose_name_plural = _("SP4N-LAPOR! follow-up entries")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["complaint", "key"], name="lapor_laporpush_unique_entry"),
        ]
        indexes = [
            # The sender's queue: entries not yet accepted by LAPOR!, oldest first.
            models.Index(fields=["created_at"], condition=Q(sent_at__isnull=True), name="lapor_push_pending"),
        ]

    def __str__(self):
        return f"{self.lapor_id} {self.key}"
