from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SopConfig(AppConfig):
    name = "pengaduan.sop"
    verbose_name = _("SOPs")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from pengaduan.sop.models import Sop, SopStep
        from pengaduan.units import stamps

        for model in (Sop, SopStep):
            post_save.connect(stamps.bumper(stamps.SOP), sender=model, weak=False,
                              dispatch_uid=f"stamps_save_{model.__name__}")
            post_delete.connect(stamps.bumper(stamps.SOP), sender=model, weak=False,
                                dispatch_uid=f"stamps_delete_{model.__name__}")
