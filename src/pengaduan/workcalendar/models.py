"""What admins may correct of a unit's calendar: office hours, extra days off, extra working days."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from pengaduan.units.models import Unit


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class OfficeHours(models.Model):
    """One open period of a weekday. A day with a break has two rows (07:30-12:00, 13:00-16:00).

    Rows without a unit are the Pemda's office week, for every unit; a unit with rows of its own keeps its
    own week instead. Without any row, the default Pemkot schedule (workcalendar.calendar.DEFAULT_WEEK).
    """

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, null=True, blank=True, related_name="office_hours",
                             verbose_name=_("unit"), help_text=_("Empty: the Pemda's office hours, for every unit "
                                                                 "without hours of its own."))
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    opens = models.TimeField(_("opens"))
    closes = models.TimeField(_("closes"))

    class Meta:
        verbose_name = _("office hours")
        verbose_name_plural = _("office hours")
        ordering = ["unit", "weekday", "opens"]
        constraints = [
            models.CheckConstraint(condition=Q(opens__lt=models.F("closes")), name="workcalendar_officehours_opens_before_closes"),
            models.UniqueConstraint(fields=["unit", "weekday", "opens"], name="workcalendar_officehours_unique_period"),
            models.UniqueConstraint(fields=["weekday", "opens"], condition=Q(unit__isnull=True),
                                    name="workcalendar_officehours_unique_pemda_period"),
        ]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.opens:%H:%M}–{self.closes:%H:%M}"


class CalendarException(models.Model):
    """A decree that changes a day: an extra day off (e.g. a new cuti bersama) or an extra working day.

    Without a unit it applies to every unit.
    """

    class Kind(models.TextChoices):
        DAY_OFF = "day_off", _("day off")
        WORKING_DAY = "working_day", _("working day")

    unit = models.ForeignKey(
        Unit, on_delete=models.CASCADE, null=True, blank=True, related_name="calendar_exceptions", verbose_name=_("unit")
    )
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=200, help_text=_("e.g. the decree or the holiday's name"))

    class Meta:
        verbose_name = _("calendar exception")
        verbose_name_plural = _("calendar exceptions")
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "date"], name="workcalendar_exception_unique_day"),
            models.UniqueConstraint(
                fields=["date"], condition=Q(unit__isnull=True), name="workcalendar_exception_unique_global_day"
            ),
        ]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.get_kind_display()}: {self.name}"

