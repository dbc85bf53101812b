from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UnitsConfig(AppConfig):
    name = "pengaduan.units"
    verbose_name = _("Units and roles")

    def ready(self):
        from pengaduan import inserts, request_cycle
        from pengaduan.units import stamps

        request_cycle.connect()
        inserts.connect()  # the lowest layer has no app of its own: what goes along lives for one request
        stamps.connect()
