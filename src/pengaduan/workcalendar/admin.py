"""Admin screens where the office corrects its calendar: office hours and decreed exceptions."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from pengaduan.workcalendar.models import CalendarException, OfficeHours


@admin.register(OfficeHours)
class OfficeHoursAdmin(admin.ModelAdmin):
    list_display = ("unit", "weekday", "opens", "closes")
    list_filter = ("unit", "weekday")
    list_select_related = ("unit",)
    ordering = ("unit", "weekday", "opens")
    # A row without a unit is the Pemda's office week; say so instead of showing a dash.
    empty_value_display = _("all units")


@admin.register(CalendarException)
class CalendarExceptionAdmin(admin.ModelAdmin):
    list_display = ("date", "kind", "name", "unit")
    list_filter = ("kind", "unit")
    list_select_related = ("unit",)
    date_hierarchy = "date"
    search_fields = ("name",)
    ordering = ("-date",)
    # A row without a unit applies to every unit; say so instead of showing a dash.
    empty_value_display = _("all units")
