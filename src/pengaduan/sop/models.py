"""Versioned SOPs as loaded from their files. A complaint points at the version it started under."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class SopQuerySet(models.QuerySet):
    def current(self, code: str) -> "Sop":
        """The newest loaded version of an SOP: the one new complaints start under."""
        return self.filter(code=code).latest("version")


class Sop(models.Model):
    code = models.CharField(_("SOP number"), max_length=50)
    version = models.PositiveIntegerField(_("version"))
    name = models.CharField(_("name"), max_length=300)
    document = models.JSONField(
        _("document"), help_text=_("The whole validated SOP file: identity block, legal basis, equipment, ...")
    )
    roles = models.JSONField(_("performer roles"), help_text=_("[{code, title}] in the order of the Pelaksana columns"))
    source = models.TextField(_("source file text"))
    source_name = models.CharField(_("source file name"), max_length=300, blank=True)
    checksum = models.CharField(_("SHA-256 of the source"), max_length=64)
    loaded_at = models.DateTimeField(_("loaded at"), auto_now_add=True)

    objects = SopQuerySet.as_manager()

    class Meta:
        verbose_name = _("SOP")
        verbose_name_plural = _("SOPs")
        ordering = ["code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="sop_sop_unique_version"),
            models.UniqueConstraint(fields=["code", "checksum"], name="sop_sop_unique_content"),
            models.CheckConstraint(condition=Q(version__gte=1), name="sop_sop_version_positive"),
        ]

    def __str__(self):
        return f"SOP {self.code} v{self.version} — {self.name}"

    def role_title(self, code: str) -> str:
        return next((role["title"] for role in self.roles if role["code"] == code), code)


class SopStep(models.Model):
    class TimeUnit(models.TextChoices):
        MINUTES = "minutes", _("minutes (office time)")
        HOURS = "hours", _("hours (office time)")
        WORKING_DAYS = "working_days", _("working days")
        CALENDAR_DAYS = "calendar_days", _("calendar days")

    sop = models.ForeignKey(Sop, on_delete=models.CASCADE, related_name="steps", verbose_name=_("SOP"))
    number = models.PositiveSmallIntegerField(_("number"))
    kind = models.CharField(_("step kind"), max_length=32)
    description = models.TextField(_("description (Uraian Prosedur)"))
    performer = models.CharField(_("performer (Pelaksana)"), max_length=32)
    coordinators = models.JSONField(_("coordinating roles"), default=list, blank=True)
    inputs = models.TextField(_("inputs (Kelengkapan)"))
    time_limit_text = models.CharField(_("time limit (Waktu)"), max_length=100)
    time_limit_amount = models.PositiveIntegerField(_("time limit amount"))
    time_limit_unit = models.CharField(_("time limit unit"), max_length=16, choices=TimeUnit.choices)
    output = models.TextField(_("output"))
    notes = models.TextField(_("notes (Keterangan)"), blank=True)

    class Meta:
        verbose_name = _("SOP step")
        verbose_name_plural = _("SOP steps")
        ordering = ["sop", "number"]
        constraints = [
            models.UniqueConstraint(fields=["sop", "number"], name="sop_sopstep_unique_number"),
            models.CheckConstraint(condition=Q(number__gte=1), name="sop_sopstep_number_positive"),
        ]

    def __str__(self):
        return f"{self.sop.code} v{self.sop.version} #{self.number} ({self.kind})"

    @property
    def duration(self):
        from pengaduan.workcalendar.durations import Duration, DurationUnit

        return Duration(self.time_limit_amount, DurationUnit(self.time_limit_unit))
