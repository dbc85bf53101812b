from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkcalendarConfig(AppConfig):
    name = "pengaduan.workcalendar"
    verbose_name = _("Office calendar")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from pengaduan.workcalendar.models import CalendarException, OfficeHours
        from pengaduan.workcalendar.services import calendar_changed

        for model in (OfficeHours, CalendarException):
            post_save.connect(calendar_changed, sender=model, dispatch_uid=f"calendar_changed_save_{model.__name__}")
            post_delete.connect(calendar_changed, sender=model, dispatch_uid=f"calendar_changed_delete_{model.__name__}")
