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
from pengaduan.units.models import Unit


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
    # WhatsApp lets a business write first, or again after 24 hours without a message from the person, only with a
    # template Meta approved; inside those 24 hours the body above goes as free text.
    whatsapp_template = models.CharField(
        _("WhatsApp template name"), max_length=512, blank=True,
        help_text=_("The name of the template approved in the WhatsApp Manager for this message. Without it the "
                    "message goes by WhatsApp only within 24 hours of the complainant's last message."))
    whatsapp_language = models.CharField(_("WhatsApp template language"), max_length=15, default="id", blank=True,
                                         help_text=_("The language code of the approved template, e.g. id or en."))
    whatsapp_parameters = models.TextField(
        _("WhatsApp template parameters"), blank=True,
        help_text=_("One line per parameter of the template body, {{1}} first, e.g. {{ reference }}."))

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
        for line in self.whatsapp_parameter_lines():
            try:
                Template(line)
            except TemplateSyntaxError as error:
                errors["whatsapp_parameters"] = _("This template cannot be read: %(error)s") % {"error": error}
        if errors:
            raise ValidationError(errors)

    def whatsapp_parameter_lines(self) -> list[str]:
        return [line.strip() for line in self.whatsapp_parameters.splitlines() if line.strip()]


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


class Delivery(models.TextChoices):
    """What the provider reported after accepting a message (WhatsApp statuses, an SMS gateway's reports)."""

    DELIVERED = "delivered", _("Delivered")
    READ = "read", _("Read")
    FAILED = "failed", _("Not delivered")


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
    # Found by the index notifications_outbox_complaint (complaint, created_at).
    complaint = models.ForeignKey(Complaint, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                  verbose_name=_("complaint"), db_index=False)
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
    # What the medium needs besides the text, fixed when the message was queued (WhatsApp: the approved template
    # and its parameters, for when the 24-hour window is closed).
    medium_data = models.JSONField(_("medium data"), default=dict, blank=True)
    segments = models.PositiveSmallIntegerField(
        _("SMS parts"), null=True, blank=True, help_text=_("How many SMS the text is sent as (what the operator bills)."))
    delivery = models.CharField(_("delivery report"), max_length=10, choices=Delivery.choices, blank=True)
    delivery_at = models.DateTimeField(_("delivery report at"), null=True, blank=True)

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
            models.CheckConstraint(condition=Q(delivery__in=["", "delivered", "read", "failed"]),
                                   name="notifications_outboxmessage_delivery_valid"),
        ]
        indexes = [
            # `send_due`: rows waiting (or stuck while sending) whose next attempt is due, oldest first.
            models.Index(fields=["next_attempt_at"], condition=Q(status__in=["pending", "sending"]),
                         name="notifications_outbox_due"),
            # The complaint page and the admin: messages about one complaint.
            models.Index(fields=["complaint", "created_at"], name="notifications_outbox_complaint"),
            # /metrics and the outbox alert: the messages given up on (few; a partial index of them alone).
            models.Index(fields=["created_at"], condition=Q(status="failed"), name="notifications_outbox_failed"),
            # Delivery reports (WhatsApp statuses, SMS gateway reports) find their message by the provider's id.
            models.Index(fields=["medium", "external_id"], condition=~Q(external_id=""),
                         name="notifications_outbox_external"),
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
        START = "start", _("START message")
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


class MessagingNumber(models.Model):
    """A unit's WhatsApp number or SMS gateway number: where its messages arrive and from where it answers."""

    class Medium(models.TextChoices):
        WHATSAPP = "whatsapp", _("WhatsApp")
        SMS = "sms", _("SMS")

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="messaging_numbers", verbose_name=_("unit"))
    medium = models.CharField(_("medium"), max_length=20, choices=Medium.choices)
    identifier = models.CharField(
        _("number id"), max_length=64,
        help_text=_("WhatsApp: the phone number ID shown in the app's WhatsApp API set-up at Meta. SMS: the gateway "
                    "number in international form (+62...), or the gateway device's id."))
    display_number = models.CharField(_("number shown"), max_length=50, blank=True,
                                      help_text=_("The number as complainants write to it, e.g. 0812-3456-7890."))

    class Meta:
        verbose_name = _("WhatsApp / SMS number")
        verbose_name_plural = _("WhatsApp / SMS numbers")
        ordering = ["unit__name", "medium"]
        constraints = [
            models.UniqueConstraint(fields=["medium", "identifier"], name="notifications_messagingnumber_unique"),
        ]

    def __str__(self):
        return f"{self.get_medium_display()} {self.display_number or self.identifier} ({self.unit})"
