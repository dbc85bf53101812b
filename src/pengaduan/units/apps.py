from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UnitsConfig(AppConfig):
    name = "pengaduan.units"
    verbose_name = _("Units and roles")

    def ready(self):
        from pengaduan.units import stamps

        stamps.connect()
