"""Notifications: templates editable in the admin, and the outbox of every message rendered from them.

A message is written to the outbox inside the transaction of the action that caused it, so it exists
exactly when the action committed; it is sent after the commit and, when the mail server is down,
again later by `pengaduan outbox send`. The outbox is also the record of what was sent to whom, and by which
medium (e-mail, WhatsApp, SMS: the adapters in `notifications/media/`).
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.template import Template, TemplateSyntaxError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pengaduan.complaints.models import Complaint
from pengaduan.notifications import media


class MessageTemplate(models.Model):
    """The subject and plain-text body of one kind of message, in Django template syntax."""

    key = models.SlugField(_("key"), max_length=50, unique=True,
                           help_text=_("The name the software uses for this message; do not change it."))
    description = models.TextField(_("description"), blank=True,
                                   help_text=_("When the message is sent, to whom, and the variables it can use."))
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("body"), help_text=_("Plain text. Variables are written as {{ name }}."))
    is_active = models.BooleanField(_("active"), default=True,
                                    help_text=_("Untick to stop sending this message."))

    class Meta:
        verbose_name = _("message template")
        verbose_name_plural = _("message templates")
        ordering = ["key"]

    def __str__(self):
        return self.key

    def clean(self):
        errors = {}
        for field in ("subject", "body"):
            try:
                Template(getattr(self, field))
            except TemplateSyntaxError as error:
                errors[field] = _("This template cannot be read: %(error)s") % {"error": error}
        if errors:
            raise ValidationError(errors)


class OutboxQuerySet(models.QuerySet):
    """The address was called `to` while e-mail was the only medium: lookups written then keep working."""

    @staticmethod
    def _renamed(name: str) -> str:
        return "address" + name[2:] if name == "to" or name.startswith("to__") else name

    def filter(self, *args, **kwargs):
        return super().filter(*args, **{self._renamed(key): value for key, value in kwargs.items()})

    def exclude(self, *args, **kwargs):
        return super().exclude(*args, **{self._renamed(key): value for key, value in kwargs.items()})

    def values_list(self, *fields, **kwargs):
        return super().values_list(*(self._renamed(field) for field in fields), **kwargs)


class OutboxMessage(models.Model):
    """One message to one address on one medium, rendered when it was queued; its status tells whether it went out."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SENDING = "sending", _("Being sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed (gave up)")
        # Not queued for sending: the address opted out of this medium (`route_note` says when and how).
        SKIPPED = "skipped", _("Not sent (opted out)")

    template_key = models.CharField(_("message"), max_length=50)
    # The medium's adapter checked the address when the message was queued (an e-mail address, or a
    # telephone number in E.164 for WhatsApp and SMS).
    medium = models.CharField(_("medium"), max_length=20, choices=media.choices, default="email")
    address = models.CharField(_("to"), max_length=254)
    reply_to = models.EmailField(_("reply to"), blank=True)
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("body"))
    attachments = models.JSONField(
        _("attachments"), default=list, blank=True,
        help_text=_("What to attach, rendered when the message is sent (e.g. the receipt of a complaint)."),
    )
    complaint = models.ForeignKey(Complaint, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                  verbose_name=_("complaint"))
    dedupe_key = models.CharField(
        _("deduplication key"), max_length=100, null=True, blank=True, unique=True,
        help_text=_("The same key is never queued twice, e.g. step_assigned:<step run>:<user>."),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("queued at"), default=timezone.now)
    next_attempt_at = models.DateTimeField(
        _("next attempt at"), default=timezone.now,
        help_text=_("While being sent: when a worker may take it over if the sender stopped halfway."),
    )
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    external_id = models.CharField(
        _("provider's message id"), max_length=200, blank=True,
        help_text=_("What the medium's provider calls this message, for its delivery reports."),
    )
    route_note = models.CharField(
        _("routing"), max_length=300, blank=True,
        help_text=_("Why the message went by this medium, or was not sent (the complainant's choice, a fallback, "
                    "an opt-out)."),
    )
    headers = models.JSONField(_("headers"), default=dict, blank=True,
                               help_text=_("Extra mail headers, e.g. List-Unsubscribe."))

    objects = OutboxQuerySet.as_manager()

    class Meta:
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["pending", "sending", "sent", "failed", "skipped"]),
                name="notifications_outboxmessage_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(status="sent", sent_at__isnull=False) | (~Q(status="sent") & Q(sent_at__isnull=True)),
                name="notifications_outboxmessage_sent_has_time",
            ),
            models.CheckConstraint(condition=~Q(address=""), name="notifications_outboxmessage_has_address"),
        ]
        indexes = [
            # `send_due`: rows waiting (or stuck while sending) whose next attempt is due, oldest first.
            models.Index(fields=["next_attempt_at"], condition=Q(status__in=["pending", "sending"]),
                         name="notifications_outbox_due"),
            # The complaint page and the admin: messages about one complaint.
            models.Index(fields=["complaint", "created_at"], name="notifications_outbox_complaint"),
            # /metrics and the outbox alert: the messages given up on (few; a partial index of them alone).
            models.Index(fields=["created_at"], condition=Q(status="failed"), name="notifications_outbox_failed"),
        ]

    def __str__(self):
        return f"{self.template_key} → {self.address}"

    # The address was called `to` while e-mail was the only medium; code written then still reads and builds it.
    @property
    def to(self) -> str:
        return self.address

    @to.setter
    def to(self, value: str) -> None:
        self.address = value

    @property
    def medium_label(self) -> str:
        return media.label(self.medium)


class OptOut(models.Model):
    """A person's "do not send me messages on this medium any more", per medium and address (an e-mail address,
    a number in E.164): from the one-click link of an e-mail, a STOP / BERHENTI message, or an officer.

    Kept with when and how; opting in again (the complainant, from the same link) keeps the row and says when.
    Routing (notifications.routing) reads it: nothing is queued to an address opted out of its medium."""

    class Source(models.TextChoices):
        LINK = "link", _("Unsubscribe link in an e-mail")
        ONE_CLICK = "one_click", _("One-click unsubscribe (mail program)")
        STOP = "stop", _("STOP message")
        OFFICER = "officer", _("Recorded by an officer")

    medium = models.CharField(_("medium"), max_length=20, choices=media.choices)
    address = models.CharField(_("address"), max_length=254)
    opted_out_at = models.DateTimeField(_("opted out at"))
    source = models.CharField(_("how"), max_length=20, choices=Source.choices)
    opted_in_at = models.DateTimeField(_("opted in again at"), null=True, blank=True)
    opted_in_source = models.CharField(_("opted in how"), max_length=20, choices=Source.choices, blank=True)

    class Meta:
        verbose_name = _("opt-out")
        verbose_name_plural = _("opt-outs")
        ordering = ["-opted_out_at"]
        constraints = [
            # Routing asks "is this address opted out of this medium?": one row per pair, found by this index.
            models.UniqueConstraint(fields=["medium", "address"], name="notifications_optout_once_per_address"),
            models.CheckConstraint(condition=~Q(address=""), name="notifications_optout_has_address"),
        ]

    def __str__(self):
        return f"{self.medium} {self.address}"

    @property
    def is_active(self) -> bool:
        return self.opted_in_at is None
