from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "pengaduan.reports"
    verbose_name = _("Reports")

    def ready(self):
        # The scheduled periodic reports: the outbox attaches their stored PDF; `pengaduan remind` runs them.
        from pengaduan.notifications import remind_tasks
        from pengaduan.reports import schedule

        schedule.register_attachment()
        remind_tasks.register("periodic_reports", lambda now: schedule.periodic_reports_send(now=now))
