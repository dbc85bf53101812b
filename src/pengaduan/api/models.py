"""Credentials for machines, and the Open311 catalogue.

Two kinds of secret, for two kinds of caller:

* `ApiToken` — a staff member's personal token for the JSON API (`/api/v1/`). It acts as its user, with the
  user's roles in their units, exactly as if they were signed in to the workdesk.
* `Open311Key` — an `api_key` for an outside application (a city app, a chatbot) that may submit complaints
  through Open311 GeoReport v2 (`/open311/v2/`). It belongs to no person and can do nothing else.

Neither secret is stored: only its SHA-256 digest, and a short prefix to recognise it in lists. The secret is shown
once, when it is made (admin message or command output).
"""

import hashlib
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from pengaduan.complaints.models import Complaint
from pengaduan.units.models import Unit

TOKEN_PREFIX = "pgd_"
KEY_PREFIX = "o311_"
SHOWN_PREFIX_LENGTH = 8


def new_secret(prefix: str) -> str:
    return prefix + secrets.token_urlsafe(32)


def secret_digest(secret: str) -> str:
    """The stored form of a secret. A plain hash is enough: the secret has 256 random bits, nothing to guess."""
    return hashlib.sha256(secret.encode()).hexdigest()


def shown_prefix(secret: str, prefix: str) -> str:
    return secret[: len(prefix) + SHOWN_PREFIX_LENGTH]


class CredentialQuerySet(models.QuerySet):
    def active(self, now=None):
        now = now or timezone.now()
        return self.filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now), revoked_at__isnull=True)

    def by_secret(self, secret: str):
        return self.filter(digest=secret_digest(secret))


class Credential(models.Model):
    """A secret handed out once: only its beginning and its digest are kept; it can expire or be revoked."""

    prefix = models.CharField(_("prefix"), max_length=20, editable=False,
                              help_text=_("The beginning of the secret, to recognise it; the rest is not stored."))
    digest = models.CharField(_("SHA-256 of the secret"), max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True, help_text=_("Empty: never."))
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True, editable=False)

    objects = CredentialQuerySet.as_manager()

    SECRET_PREFIX = ""  # set by each kind, so a leaked secret says what it opens

    class Meta:
        abstract = True

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > timezone.now())

    @property
    def state(self) -> str:
        return gettext("active") if self.is_active else gettext("revoked") if self.revoked_at else gettext("expired")

    def fill_secret(self) -> str:
        """Give this (unsaved) credential a new secret: keep its beginning and digest; return the secret."""
        secret = new_secret(self.SECRET_PREFIX)
        self.prefix, self.digest = shown_prefix(secret, self.SECRET_PREFIX), secret_digest(secret)
        return secret


class ApiToken(Credential):
    """A staff member's personal token for the JSON API; it acts with the user's roles."""

    SECRET_PREFIX = TOKEN_PREFIX

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("user")
    )
    name = models.CharField(_("name"), max_length=100, help_text=_("What the token is for, e.g. “LAPOR! bridge”."))

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]


class Open311Key(Credential):
    """An `api_key` for an outside application that submits complaints through Open311 GeoReport v2."""

    SECRET_PREFIX = KEY_PREFIX

    name = models.CharField(_("name"), max_length=100, unique=True,
                            help_text=_("The application or partner, e.g. “Madiun Smart City app”."))
    contact = models.CharField(_("contact"), max_length=200, blank=True,
                               help_text=_("Who to call when the application misbehaves."))

    class Meta:
        verbose_name = _("Open311 API key")
        verbose_name_plural = _("Open311 API keys")
        ordering = ["name"]


ATTRIBUTE_DATATYPES = ("string", "number", "datetime", "text", "singlevaluelist", "multivaluelist")


def validate_attributes(value) -> None:
    """The attribute definitions of a service as GeoReport v2 describes them (GET services/{code})."""
    if not isinstance(value, list):
        raise ValidationError(_("Write a list of attributes: [] when there are none."))
    codes = set()
    for position, attribute in enumerate(value, start=1):
        if not isinstance(attribute, dict):
            raise ValidationError(_("Attribute %(n)d is not an object.") % {"n": position})
        code = attribute.get("code")
        if not isinstance(code, str) or not code.strip() or not code.replace("_", "").replace("-", "").isalnum():
            raise ValidationError(_("Attribute %(n)d needs a code of letters, digits, - or _.") % {"n": position})
        if code in codes:
            raise ValidationError(_("Attribute code %(code)s is used twice.") % {"code": code})
        codes.add(code)
        if attribute.get("datatype") not in ATTRIBUTE_DATATYPES:
            raise ValidationError(_("Attribute %(code)s: datatype must be one of %(types)s.")
                                  % {"code": code, "types": ", ".join(ATTRIBUTE_DATATYPES)})
        if not isinstance(attribute.get("description", ""), str) or not attribute.get("description"):
            raise ValidationError(_("Attribute %(code)s needs a description (the question asked).") % {"code": code})
        if attribute["datatype"].endswith("valuelist"):
            values = attribute.get("values")
            if not isinstance(values, list) or not values or not all(
                isinstance(item, dict) and "key" in item and "name" in item for item in values
            ):
                raise ValidationError(_("Attribute %(code)s needs values: [{\"key\": ..., \"name\": ...}, ...].")
                                      % {"code": code})


class Open311Service(models.Model):
    """A complaint category offered to Open311 clients as a "service"; edited in the admin.

    A service of a unit is offered under its unit's code, `DINKES.antrean-puskesmas` (codes are slugs, so the
    first dot parts them); a submission to it goes to that unit. A service without a unit keeps its bare code
    and goes to the unit named by jurisdiction_id, else the portal's triage unit.
    """

    SEPARATOR = "."

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, null=True, blank=True, related_name="open311_services",
                             verbose_name=_("unit"),
                             help_text=_("The unit that receives this service's requests; empty: the triage unit."))
    code = models.SlugField(_("service code"), max_length=50)
    name = models.CharField(_("name"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    keywords = models.CharField(_("keywords"), max_length=200, blank=True, help_text=_("Comma-separated."))
    group = models.CharField(_("group"), max_length=100, blank=True)
    metadata = models.BooleanField(
        _("has attributes"), default=False,
        help_text=_("Clients then ask services/{code} for the attributes before submitting."),
    )
    attributes = models.JSONField(
        _("attributes"), default=list, blank=True, validators=[validate_attributes],
        help_text=_('GeoReport v2 attribute definitions: [{"code", "datatype", "required", "description", '
                    '"order", "values": [{"key", "name"}]}]. The attribute "subject" becomes the subject '
                    "of the complaint."),
    )
    is_active = models.BooleanField(_("offered"), default=True,
                                    help_text=_("Withdrawn services are no longer listed or accepted."))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("Open311 service")
        verbose_name_plural = _("Open311 services")
        ordering = ["group", "name"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "code"], name="api_open311service_unique_code_per_unit"),
            models.UniqueConstraint(fields=["code"], condition=models.Q(unit__isnull=True),
                                    name="api_open311service_unique_shared_code"),
        ]

    def __str__(self):
        return f"{self.name} ({self.public_code})"

    @property
    def public_code(self) -> str:
        """The service_code clients see and send: the unit's code, a dot, the code; a shared service's bare code."""
        return f"{self.unit.code}{self.SEPARATOR}{self.code}" if self.unit_id else self.code

    def clean(self):
        if self.attributes and not self.metadata:
            raise ValidationError({"metadata": _("Tick this box, or clients never see the attributes.")})


class Open311Request(models.Model):
    """What an Open311 client sent along with a complaint it submitted, and the token it was given."""

    complaint = models.OneToOneField(Complaint, on_delete=models.CASCADE, related_name="open311_request")
    service_code = models.CharField(_("service code"), max_length=100,
                                    help_text=_("As submitted; the service may have been renamed since."))
    key = models.ForeignKey(Open311Key, on_delete=models.SET_NULL, null=True, blank=True, related_name="requests",
                            verbose_name=_("submitted with key"))
    token = models.CharField(_("token"), max_length=40, unique=True)
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    long = models.FloatField(_("longitude"), null=True, blank=True)
    address_string = models.CharField(_("address"), max_length=300, blank=True)
    attributes = models.JSONField(_("attributes"), default=dict, blank=True)
    media_url = models.URLField(_("media URL"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("Open311 request")
        verbose_name_plural = _("Open311 requests")
        ordering = ["-created_at"]
        indexes = [
            # GET requests.json: the newest requests within a date range (90 days by default).
            models.Index(fields=["-created_at"], name="api_open311request_recent"),
        ]

    def __str__(self):
        return f"{self.service_code}: {self.complaint}"
