from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpsConfig(AppConfig):
    name = "pengaduan.ops"
    verbose_name = _("Operations")

    def ready(self):
        from django.conf import settings

        if getattr(settings, "SENTRY_DSN", ""):
            from pengaduan.ops.reporting import init_error_reporter

            init_error_reporter(settings.SENTRY_DSN, environment=settings.SENTRY_ENVIRONMENT)
