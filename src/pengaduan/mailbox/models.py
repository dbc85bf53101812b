"""The mailboxes a unit's complaints arrive in, and the record of every mail taken from them.

`Mailbox` is set in the admin, one or more per unit (the MAILBOX_URL setting is the portal unit's default).
`MailboxMessage` is the record that makes `pengaduan mail fetch` idempotent: one row per mailbox, UIDVALIDITY
and UID, inserted in the transaction that takes the mail in, so two runs — or two servers — never take the same
mail twice.
"""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pengaduan.complaints.models import Complaint
from pengaduan.notifications.models import OutboxMessage
from pengaduan.units.models import Unit


class Mailbox(models.Model):
    """An IMAP mailbox whose mail becomes complaints of its unit (and replies to them)."""

    class Security(models.TextChoices):
        IMAPS = "imaps", _("TLS (IMAPS, port 993)")
        STARTTLS = "starttls", _("STARTTLS (port 143)")
        PLAIN = "plain", _("None (loopback or a trusted network only)")

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="mailboxes", verbose_name=_("unit"))
    host = models.CharField(_("IMAP server"), max_length=255, help_text=_("e.g. imap.madiunkota.go.id"))
    port = models.PositiveIntegerField(_("port"), null=True, blank=True,
                                       help_text=_("Empty: 993 with TLS, 143 otherwise."))
    security = models.CharField(_("connection security"), max_length=10, choices=Security.choices,
                                default=Security.IMAPS)
    username = models.CharField(_("user name"), max_length=255)
    # Kept out of the admin's lists and forms (a password field that never shows it) and out of every log line.
    password = models.CharField(_("password"), max_length=255)
    folder = models.CharField(_("folder"), max_length=255, default="INBOX",
                              help_text=_("The folder read for new mail."))
    done_folder = models.CharField(
        _("folder for processed mail"), max_length=255, blank=True,
        help_text=_("Empty: processed mail stays in the folder, marked as read and with the keyword $Pengaduan."))
    is_active = models.BooleanField(_("active"), default=True, help_text=_("Untick to stop reading this mailbox."))
    last_fetched_at = models.DateTimeField(_("last read at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        verbose_name = _("mailbox")
        verbose_name_plural = _("mailboxes")
        ordering = ["unit__name", "username"]
        constraints = [
            models.UniqueConstraint(fields=["host", "port", "username", "folder"],
                                    name="mailbox_mailbox_one_row_per_folder"),
            models.CheckConstraint(condition=Q(security__in=["imaps", "starttls", "plain"]),
                                   name="mailbox_mailbox_security_valid"),
        ]

    def __str__(self):
        return f"{self.username}@{self.host}/{self.folder}"


class MailboxMessage(models.Model):
    """One mail taken from a mailbox, and what became of it. Never two rows for one mail."""

    class Outcome(models.TextChoices):
        COMPLAINT = "complaint", _("New complaint")
        REPLY = "reply", _("Complainant's reply")
        AUTO_REPLY = "auto_reply", _("Automatic reply (ignored)")
        BOUNCE = "bounce", _("Delivery failure report")
        SET_ASIDE = "set_aside", _("Set aside (could not be read)")

    # user@host:port/folder: the same mailbox is the same key whichever unit's row or setting names it.
    mailbox = models.CharField(_("mailbox"), max_length=255)
    uidvalidity = models.PositiveBigIntegerField(_("UIDVALIDITY"))
    uid = models.PositiveBigIntegerField(_("UID"))
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+", verbose_name=_("unit"))
    message_id = models.CharField(_("Message-ID"), max_length=255, blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices)
    complaint = models.ForeignKey(Complaint, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                  verbose_name=_("complaint"))
    outbox_message = models.ForeignKey(OutboxMessage, on_delete=models.SET_NULL, null=True, blank=True,
                                       related_name="+", verbose_name=_("outbox message"))
    detail = models.TextField(_("detail"), blank=True,
                              help_text=_("Why it was ignored or set aside; files that were not accepted."))
    processed_at = models.DateTimeField(_("processed at"), default=timezone.now)

    class Meta:
        verbose_name = _("mail taken in")
        verbose_name_plural = _("mail taken in")
        ordering = ["-processed_at", "-pk"]
        constraints = [
            # The idempotence of `mail fetch`: a mail (UID within one UIDVALIDITY of one mailbox) is taken once.
            models.UniqueConstraint(fields=["mailbox", "uidvalidity", "uid"], name="mailbox_mailboxmessage_once"),
            models.CheckConstraint(
                condition=Q(outcome__in=["complaint", "reply", "auto_reply", "bounce", "set_aside"]),
                name="mailbox_mailboxmessage_outcome_valid"),
        ]
        indexes = [
            # The admin's list of what was set aside (few rows, found without a scan).
            models.Index(fields=["processed_at"], condition=Q(outcome="set_aside"), name="mailbox_set_aside"),
        ]

    def __str__(self):
        return f"{self.mailbox} {self.uidvalidity}/{self.uid}"
