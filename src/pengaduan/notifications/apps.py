from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "pengaduan.notifications"
    verbose_name = _("Notifications")

    def ready(self):
        # The receivers of the engine's events (complaints.domain_events): what is sent on which change.
        from pengaduan.notifications import receivers  # noqa: F401
