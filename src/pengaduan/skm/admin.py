from django.contrib import admin

from pengaduan.skm.models import SurveyResponse


@admin.register(SurveyResponse)
class SurveyResponseAdmin(admin.ModelAdmin):
    """Read only: answers are the respondent's, and the report sums them (reports/skm.py)."""

    list_display = ("answered_on", "unit", "u1", "u2", "u3", "u4", "u5", "u6", "u7", "u8", "u9")
    list_filter = ("unit", "answered_on")
    date_hierarchy = "answered_on"
    exclude = ("complaint_key",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
