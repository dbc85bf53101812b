from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpsConfig(AppConfig):
    name = "pengaduan.ops"
    verbose_name = _("Operations")

    def ready(self):
        from django.conf import settings

        import pengaduan.middleware  # noqa: F401 - registers Django's deploy checks for SitePoliciesMiddleware
        from pengaduan.notifications import remind_tasks
        from pengaduan.ops.housekeeping import housekeeping

        remind_tasks.register("housekeeping", housekeeping)

        if getattr(settings, "LOG_FORMAT", "text") == "json" and not getattr(settings, "LOGGING", None):
            # Not in settings.py, which imports no app: LOG_FORMAT=json outside `serve --production`
            # (commands, runserver) gets the same JSON lines here.
            import logging.config

            from pengaduan.ops.logs import logging_config

            logging.config.dictConfig(logging_config(json_lines=True, level=settings.LOG_LEVEL))

        if getattr(settings, "SENTRY_DSN", ""):
            from pengaduan.ops.reporting import init_error_reporter

            init_error_reporter(settings.SENTRY_DSN, environment=settings.SENTRY_ENVIRONMENT)
