from django.contrib import admin

from pengaduan.lapor.models import LaporAccount, LaporPush


@admin.register(LaporAccount)
class LaporAccountAdmin(admin.ModelAdmin):
    list_display = ("unit", "institution_id", "enabled", "pulled_at", "pushed_at", "last_error")
    list_filter = ("enabled",)
    readonly_fields = ("cursor", "pulled_at", "pushed_at", "last_error")
    fields = ("unit", "institution_id", "enabled", "base_url", "token", *readonly_fields)


@admin.register(LaporPush)
class LaporPushAdmin(admin.ModelAdmin):
    list_display = ("lapor_id", "key", "complaint", "created_at", "sent_at", "attempts", "last_error")
    list_filter = ("is_final",)
    search_fields = ("lapor_id",)
    readonly_fields = [field.name for field in LaporPush._meta.fields]

    def has_add_permission(self, request):
        return False
