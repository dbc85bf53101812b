from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LaporConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "pengaduan.lapor"
    verbose_name = _("SP4N-LAPOR! bridge")
