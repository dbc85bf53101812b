"""API credentials and the Open311 catalogue in the admin.

A new token or key is shown once, in the message after saving it; only its digest is kept, so a lost secret is
revoked and replaced, never recovered.
"""

from django.contrib import admin, messages
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from pengaduan.api.models import ApiToken, Open311Key, Open311Request, Open311Service
from pengaduan.api.services import credentials_revoke


@admin.action(description=_("Revoke the selected credentials"))
def revoke(modeladmin, request, queryset):
    count = credentials_revoke(queryset)
    modeladmin.message_user(request, gettext("Revoked: %(count)d.") % {"count": count}, messages.SUCCESS)


class CredentialAdmin(admin.ModelAdmin):
    actions = [revoke]
    readonly_fields = ["prefix", "created_at", "last_used_at", "revoked_at"]

    @admin.display(boolean=True, description=_("active"))
    def active(self, obj):
        return obj.is_active

    def save_model(self, request, obj, form, change):
        secret = None if change else obj.fill_secret()
        super().save_model(request, obj, form, change)
        if secret:
            self.message_user(request, gettext(
                "Copy the secret now, it is shown only this once: %(secret)s") % {"secret": secret}, messages.WARNING)


@admin.register(ApiToken)
class ApiTokenAdmin(CredentialAdmin):
    list_display = ["name", "user", "prefix", "active", "created_at", "last_used_at", "expires_at"]
    list_filter = ["revoked_at"]
    search_fields = ["name", "user__username", "prefix"]
    autocomplete_fields = ["user"]
    fields = ["user", "name", "expires_at", "prefix", "created_at", "last_used_at", "revoked_at"]

    def get_readonly_fields(self, request, obj=None):
        # A token keeps its user: handing a token to someone else would hand them another person's roles.
        return [*self.readonly_fields, "user"] if obj else self.readonly_fields


@admin.register(Open311Key)
class Open311KeyAdmin(CredentialAdmin):
    list_display = ["name", "prefix", "active", "contact", "created_at", "last_used_at", "expires_at"]
    search_fields = ["name", "prefix", "contact"]
    fields = ["name", "contact", "expires_at", "prefix", "created_at", "last_used_at", "revoked_at"]


@admin.register(Open311Service)
class Open311ServiceAdmin(admin.ModelAdmin):
    list_display = ["code", "unit", "name", "group", "metadata", "is_active", "updated_at"]
    list_filter = ["unit", "is_active", "group", "metadata"]
    search_fields = ["code", "name", "keywords"]


@admin.register(Open311Request)
class Open311RequestAdmin(admin.ModelAdmin):
    """Read-only: what Open311 clients sent along with their complaints."""

    list_display = ["complaint", "service_code", "key", "created_at"]
    list_filter = ["service_code", "key"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
