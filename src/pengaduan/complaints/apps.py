from django.apps import AppConfig
from django.db import connections
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _after_migrate(sender, using="default", **kwargs) -> None:
    from pengaduan.complaints.figure_models import ComplaintFigure
    from pengaduan.complaints.figures import rebuild_stats
    from pengaduan.complaints.models import Complaint
    from pengaduan.complaints.search import ensure_index

    # SQLite drops a table's triggers when a migration rebuilds the table: put the search index's back.
    ensure_index(connections[using])
    # A database from before the rollups: fill them once, so the reports are right after the upgrade.
    connection = connections[using]
    if ComplaintFigure._meta.db_table not in connection.introspection.table_names():
        return  # migrated back to before the rollups
    if not ComplaintFigure.objects.using(using).exists() and Complaint.objects.using(using).exists():
        rebuild_stats()


class ComplaintsConfig(AppConfig):
    name = "pengaduan.complaints"
    verbose_name = _("Complaints")

    def ready(self):
        # Every step kind registers itself (and its entry in the SOP layer's table of kinds).
        from pengaduan.complaints.kinds.registry import autodiscover

        autodiscover()
        post_migrate.connect(_after_migrate, sender=self, dispatch_uid="complaints-after-migrate")

        from pengaduan import request_cycle
        from pengaduan.complaints import search

        # SQLite: a process that has written a batch of complaints indexes them once its response has gone out.
        request_cycle.at_finish("similar-case index", search.index_when_due)

        from pengaduan.complaints import appendonly

        # Events and the access log are append-only in the database (see appendonly.py).
        connection_created.connect(appendonly.register_sqlite_function, dispatch_uid="pengaduan_append_only_fn")
        post_migrate.connect(appendonly.install_after_migrate, sender=self, dispatch_uid="pengaduan_append_only")
