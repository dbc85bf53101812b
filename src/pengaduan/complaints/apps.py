from django.apps import AppConfig
from django.db import connections
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _search_index(sender, using="default", **kwargs) -> None:
    # SQLite drops a table's triggers when a migration rebuilds the table: put the search index's back.
    from pengaduan.complaints.search import ensure_index

    ensure_index(connections[using])


class ComplaintsConfig(AppConfig):
    name = "pengaduan.complaints"
    verbose_name = _("Complaints")

    def ready(self) -> None:
        post_migrate.connect(_search_index, sender=self, dispatch_uid="complaints-search-index")
