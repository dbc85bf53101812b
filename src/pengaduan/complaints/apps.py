from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    name = "pengaduan.complaints"
    verbose_name = _("Complaints")

    def ready(self):
        # Every step kind registers itself (and its entry in the SOP layer's table of kinds).
        from pengaduan.complaints.kinds.registry import autodiscover

        autodiscover()
