from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SkmConfig(AppConfig):
    name = "pengaduan.skm"
    label = "skm"
    verbose_name = _("Community satisfaction survey (SKM)")
