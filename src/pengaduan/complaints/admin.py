"""Read-only views of complaints for administrators (changes go through the workflow, never the admin), and the
editable answer templates."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from pengaduan.complaints.models import AnswerTemplate, Complaint, Event, Forward, InboundMessage, StepRun


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
    list_display = ["register_number", "unit", "channel", "received_at", "status"]
    list_filter = ["unit", "status", "channel", "complaint_type"]
    search_fields = ["register_number", "summary"]
    date_hierarchy = "received_at"
    inlines = [StepRunInline, EventInline]
    # The identity is shown by one rule, with a log (complaints.privacy): on the workdesk page, not here.
    exclude = ["complainant", "caller_number", "source_link"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Forward)
class ForwardAdmin(admin.ModelAdmin):
    """Hand-overs between units and to outside bodies, read-only: they move through the workflow."""

    list_display = ["origin", "origin_unit", "target_unit", "outside_body", "state", "forwarded_at", "monitor_due_at"]
    list_filter = ["state", "origin_unit", "target_unit", "decision_type"]
    list_select_related = ["origin", "origin_unit", "target_unit"]
    search_fields = ["origin__register_number", "target__register_number", "outside_body"]
    date_hierarchy = "forwarded_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(InboundMessage)
class InboundMessageAdmin(admin.ModelAdmin):
    """What became of each message that arrived by itself (mailbox, WhatsApp, SMS), read-only. The sender is
    left out: the identity is shown on the workdesk page, by the privacy rule."""

    list_display = ["received_at", "unit", "channel", "outcome", "complaint", "external_id"]
    list_filter = ["outcome", "channel", "unit"]
    list_select_related = ["unit", "complaint"]
    search_fields = ["external_id", "complaint__register_number"]
    date_hierarchy = "received_at"
    exclude = ["sender", "message"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AnswerTemplate)
class AnswerTemplateAdmin(admin.ModelAdmin):
    """The text the answer to a complainant is drafted from, per decision; a unit's own wins over the default."""

    list_display = ["unit_or_default", "decision_type"]
    list_filter = ["decision_type", "unit"]
    list_select_related = ["unit"]
    ordering = ["unit__name", "decision_type"]
    fields = ["unit", "decision_type", "body"]

    @admin.display(description=_("unit"), ordering="unit__name")
    def unit_or_default(self, obj):
        return obj.unit or _("Every unit without its own (default)")
