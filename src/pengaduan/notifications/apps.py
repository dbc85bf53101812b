from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "pengaduan.notifications"
    verbose_name = _("Notifications")

    def ready(self):
        # The receivers of the engine's events (complaints.domain_events): what is sent on which change.
        from pengaduan.notifications import receivers  # noqa: F401

        from django.db.models.signals import post_delete, post_save

        from pengaduan.notifications.models import MessageTemplate
        from pengaduan.units import stamps

        post_save.connect(stamps.bumper(stamps.TEMPLATES), sender=MessageTemplate, weak=False,
                          dispatch_uid="stamps_save_MessageTemplate")
        post_delete.connect(stamps.bumper(stamps.TEMPLATES), sender=MessageTemplate, weak=False,
                            dispatch_uid="stamps_delete_MessageTemplate")
