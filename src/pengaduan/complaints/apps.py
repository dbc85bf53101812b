from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    name = "pengaduan.complaints"
    verbose_name = _("Complaints")

    def ready(self):
        # Every step kind registers itself (and its entry in the SOP layer's table of kinds).
        from pengaduan.complaints.kinds.registry import autodiscover

        autodiscover()

        from pengaduan.complaints import appendonly

        # Events and the access log are append-only in the database (see appendonly.py).
        connection_created.connect(appendonly.register_sqlite_function, dispatch_uid="pengaduan_append_only_fn")
        post_migrate.connect(appendonly.install_after_migrate, sender=self, dispatch_uid="pengaduan_append_only")
