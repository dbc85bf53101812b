from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkdeskConfig(AppConfig):
    name = "pengaduan.workdesk"
    verbose_name = _("Staff workdesk")
