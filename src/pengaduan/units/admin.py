from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin

from pengaduan.units.models import Invitation, Membership, Unit


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 1
    autocomplete_fields = ["user"]
    readonly_fields = ["created_at"]


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "sop_code", "register_code", "on_portal", "is_triage", "report_day"]
    search_fields = ["code", "name"]
    inlines = [MembershipInline]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    """Invitations are made on the onboarding pages (the token goes out by e-mail only); here they are looked at."""

    list_display = ["email", "unit", "created_at", "expires_at", "accepted_at", "user"]
    list_filter = ["unit"]
    search_fields = ["email", "name"]
    fields = ["unit", "email", "name", "roles", "invited_by", "created_at", "expires_at", "accepted_at", "user"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "unit", "role", "created_at"]
    list_filter = ["unit", "role"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    autocomplete_fields = ["user"]


class UserMembershipInline(admin.TabularInline):
    model = Membership
    fk_name = "user"
    extra = 1
    readonly_fields = ["created_at"]


# Roles are given where users are managed: the user page lists the user's roles in every unit.
User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class UserWithRolesAdmin(UserAdmin):
    inlines = [*UserAdmin.inlines, UserMembershipInline]
