"""Read-only views of complaints for administrators: changes go through the workflow, never the admin."""

from django.contrib import admin

from pengaduan.complaints.models import Complaint, Event, StepRun


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class StepRunInline(ReadOnlyInline):
    model = StepRun
    fields = ["number", "role", "started_at", "due_at", "done_at", "done_by"]


class EventInline(ReadOnlyInline):
    model = Event
    fields = ["created_at", "kind", "step_number", "actor", "data"]


@admin.register(Complaint)
class ComplaintAdmin(admin.ModelAdmin):
    list_display = ["register_number", "tracking_code", "unit", "channel", "received_at", "status"]
    list_filter = ["unit", "status", "channel", "complaint_type"]
    search_fields = ["register_number", "tracking_code", "summary"]
    date_hierarchy = "received_at"
    inlines = [StepRunInline, EventInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
