"""Read-only admin for loaded SOP versions.

SOP versions come only from files through the loader (`pengaduan sop load`): a version is never
edited, because complaints already running follow it. The admin therefore only lets staff look.
"""

from django.contrib import admin
from django.http import HttpRequest

from pengaduan.sop.models import Sop, SopStep


class ReadOnlyMixin:
    """No add, change or delete: the view permission alone shows the read-only pages."""

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class SopStepInline(ReadOnlyMixin, admin.TabularInline):
    model = SopStep
    extra = 0
    can_delete = False
    show_change_link = False
    fields = [
        "number",
        "kind",
        "description",
        "performer",
        "coordinators",
        "inputs",
        "time_limit_text",
        "time_limit_amount",
        "time_limit_unit",
        "output",
        "notes",
    ]
    readonly_fields = fields


@admin.register(Sop)
class SopAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["code", "version", "name", "loaded_at"]
    list_filter = ["code"]
    search_fields = ["code", "name"]
    ordering = ["code", "-version"]
    date_hierarchy = "loaded_at"
    fields = ["code", "version", "name", "roles", "source_name", "checksum", "loaded_at", "document", "source"]
    readonly_fields = fields
    inlines = [SopStepInline]
