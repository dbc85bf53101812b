"""Units (Inspektorat, Dinas, OPD) and who holds which SOP role in each."""

from pathlib import PurePosixPath

from django.conf import settings
from django.core.validators import RegexValidator
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

DEFAULT_REGISTER_FORMAT = "{number:04d}/PGD/{unit}/{year}"

role_code_validator = RegexValidator(
    r"^[a-z][a-z0-9_]*$", _("Use lower-case letters, digits and underscores, starting with a letter.")
)


def logo_path(instance, filename: str) -> str:
    # The content decides the extension (the upload was checked and re-encoded); the code keeps units apart.
    return f"units/logos/{instance.code}{PurePosixPath(filename).suffix.lower()}"


class Unit(models.Model):
    class Kind(models.TextChoices):
        INSPEKTORAT = "inspektorat", _("Inspektorat")
        DINAS = "dinas", _("Dinas")
        BADAN = "badan", _("Badan")
        KANTOR = "kantor", _("Kantor / Satuan")
        KECAMATAN = "kecamatan", _("Kecamatan")
        KELURAHAN = "kelurahan", _("Kelurahan / Desa")
        OTHER = "other", _("Other unit")

    code = models.SlugField(_("code"), max_length=32, unique=True, help_text=_("Short code, e.g. INSP."))
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind of unit"), max_length=20, choices=Kind.choices, blank=True)
    logo = models.FileField(_("logo"), upload_to=logo_path, blank=True,
                            help_text=_("PNG or JPEG, printed on the letterhead."))
    parent_name = models.CharField(
        _("government"), max_length=200, blank=True, help_text=_("e.g. Pemerintah Kota Madiun")
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    phone = models.CharField(_("telephone"), max_length=50, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    sop_code = models.CharField(
        _("SOP number"),
        max_length=50,
        help_text=_("New complaints follow the newest loaded version of this SOP."),
    )
    website = models.URLField(_("website"), blank=True)
    head_title = models.CharField(_("head's title"), max_length=100, blank=True,
                                  help_text=_("Signs answer letters, e.g. Inspektur Kota Madiun."))
    head_name = models.CharField(_("head's name"), max_length=200, blank=True)
    head_rank = models.CharField(_("head's rank"), max_length=100, blank=True, help_text=_("e.g. Pembina Utama Muda"))
    head_nip = models.CharField(_("head's NIP"), max_length=30, blank=True)
    escalation_roles = models.JSONField(
        _("escalation roles"), default=list, blank=True,
        help_text=_('Who is alerted, in order, when a step passes its deadline, e.g. ["sekretaris", "inspektur"].'),
    )
    register_code = models.CharField(
        _("register code"), max_length=20, help_text=_("Used in register numbers, e.g. INSP.")
    )
    register_format = models.CharField(
        _("register number format"),
        max_length=100,
        default=DEFAULT_REGISTER_FORMAT,
        help_text=_("Placeholders: {number}, {unit}, {year}, {month}. Default: 0042/PGD/INSP/2026."),
    )
    # The Pemda's portal: which units it lists, what each handles, and where "I don't know" goes.
    services = models.TextField(
        _("what it handles"), blank=True,
        help_text=_("In plain words for the public portal, e.g. complaints about health centres and hospitals."),
    )
    on_portal = models.BooleanField(
        _("listed on the portal"), default=True,
        help_text=_("Citizens may choose this unit on the public portal and in the public API."),
    )
    is_triage = models.BooleanField(
        _("triage unit"), default=False,
        help_text=_("Receives the complaints of citizens who do not know the competent unit, and distributes "
                    "them. One unit at most; the setting PORTAL_TRIAGE_UNIT wins over this flag."),
    )
    # Office hours: the unit's own OfficeHours rows, or (this flag, no rows) the Pemda's calendar. The flag records
    # that an administrator chose it, which the onboarding checklist needs to tell "decided" from "forgotten".
    office_hours_from_pemda = models.BooleanField(_("office hours as the Pemda calendar"), default=False)
    # The public service standard (reports/standard.py) and the periodic reports on schedule (reports/schedule.py).
    maklumat = models.TextField(
        _("service pledge (maklumat pelayanan)"), blank=True,
        help_text=_("The unit's public pledge, shown on its service standard page. Empty: a standard text "
                    "in the unit's name."),
    )
    complaint_officer = models.CharField(
        _("complaint officer"), max_length=200, blank=True,
        help_text=_("Who handles complaints, named on the service standard, e.g. Ani Rahayu (JFU), 0351-123456. "
                    "Empty: the performer of the SOP's first step, with the unit's telephone and e-mail."),
    )
    head_role = models.CharField(
        _("unit head's role"), max_length=32, blank=True, validators=[role_code_validator],
        help_text=_("The role of the unit's head (e.g. inspektur, kepala_dinas): receives the periodic reports "
                    "and may download the evidence pack. Empty: the last of the escalation roles."),
    )
    report_day = models.PositiveSmallIntegerField(
        _("periodic reports sent on day"), default=5, validators=[MaxValueValidator(28)],
        help_text=_("The monthly, quarterly and yearly reports are sent to the unit's head and the oversight "
                    "role on this day of the month after the period (1-28); 0: not sent."),
    )

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["name"]
        # The Pemda-wide oversight role (units/oversight.py): read-only, every unit, identities masked.
        permissions = [
            ("onboard_unit", _("Can bring a new unit on board (create it, load its SOP, invite officers)")),
            ("oversee_units", _("May oversee every unit's complaints (read-only, identities masked)")),
        ]
        constraints = [
            models.UniqueConstraint(fields=["is_triage"], condition=models.Q(is_triage=True),
                                    name="units_unit_one_triage_unit"),
            models.CheckConstraint(condition=models.Q(report_day__lte=28), name="units_unit_report_day_in_month"),
        ]

    def __str__(self):
        return self.name

    def format_register_number(self, *, number: int, year: int, month: int) -> str:
        return self.register_format.format(number=number, unit=self.register_code, year=year, month=month)


class Membership(models.Model):
    """A user holds a role (an SOP performer code such as `jfu`) in a unit."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("user")
    )
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("unit"))
    role = models.CharField(_("role"), max_length=32, validators=[role_code_validator])
    # Since when the user holds the role (the evidence pack lists it); empty for roles given before it was kept.
    created_at = models.DateTimeField(_("since"), null=True, blank=True, default=timezone.now)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "unit", "role"], name="units_membership_unique_role"),
        ]
        # The role check on every step action: "does this user hold role R in unit U?"
        indexes = [models.Index(fields=["unit", "role"], name="units_membership_unit_role")]

    def __str__(self):
        return f"{self.user} · {self.role} · {self.unit.code}"


class Invitation(models.Model):
    """An officer invited by e-mail to hold roles in a unit: the link (a one-time token) lets them set a password.

    Only a hash of the token is stored, so the database alone gives no working link. A token works once
    (`accepted_at`) and until `expires_at`.
    """

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("unit"))
    email = models.EmailField(_("e-mail"))
    name = models.CharField(_("name"), max_length=200, blank=True)
    roles = models.JSONField(_("roles"), default=list)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("invited by"))
    created_at = models.DateTimeField(_("invited at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="invitations", verbose_name=_("account"))

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=models.Q(expires_at__gt=models.F("created_at")),
                                   name="units_invitation_expires_after_created"),
        ]
        indexes = [models.Index(fields=["unit", "accepted_at"], name="units_invitation_unit_accepted")]

    def __str__(self):
        return f"{self.email} · {self.unit.code}"


class Stamp(models.Model):
    """One row per kind of rarely changed configuration (units, roles, SOP versions, the calendar, message
    templates) whose value changes with every change of its rows, in the same transaction (units.stamps.bump).
    Each app server keeps what it built from those rows under the stamps it read, and one read of this small
    table tells it whether that is still right. A fresh random value, not a counter: a value once used never
    comes back with other rows behind it (a counter would, after a rolled-back change)."""

    name = models.CharField(_("name"), max_length=32, primary_key=True)
    value = models.CharField(_("value"), max_length=32)

    class Meta:
        verbose_name = _("configuration stamp")
        verbose_name_plural = _("configuration stamps")

    def __str__(self):
        return f"{self.name}: {self.value}"
