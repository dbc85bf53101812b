from django.contrib import admin

from pengaduan.jobs.models import Job, JobRun


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    """Read-only: the jobs write their own state."""

    list_display = ["name", "last_ok_at", "last_started_at", "failures_in_row", "last_error"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(JobRun)
class JobRunAdmin(admin.ModelAdmin):
    list_display = ["job", "started_at", "ended_at", "outcome", "counts", "error"]
    list_filter = ["job", "outcome"]
    date_hierarchy = "started_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
