"""Message templates are edited here; the outbox is read-only, apart from putting messages back in line."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from pengaduan.notifications.models import MessageTemplate, MessagingNumber, OptOut, OutboxMessage
from pengaduan.notifications.services import retry_now


@admin.register(MessageTemplate)
class MessageTemplateAdmin(admin.ModelAdmin):
    list_display = ["key", "subject", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["key", "subject", "body"]
    fieldsets = [
        (None, {"fields": ["key", "description", "subject", "body", "is_active"]}),
        (_("WhatsApp outside the 24-hour window"), {
            "fields": ["whatsapp_template", "whatsapp_language", "whatsapp_parameters"],
            "description": _("WhatsApp delivers this message as free text only within 24 hours of the complainant's "
                             "last WhatsApp message; otherwise only a template approved by Meta in the WhatsApp "
                             "Manager. Name that template and give its body parameters in order."),
        }),
    ]

    def get_readonly_fields(self, request, obj=None):
        # The software looks templates up by key: renaming one would silently stop its messages.
        return ["key", "description"] if obj is not None else []


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = ["created_at", "template_key", "medium", "address", "subject", "status", "delivery", "route_note",
                    "attempts", "next_attempt_at", "sent_at"]
    list_filter = ["status", "medium", "delivery", "template_key"]
    search_fields = ["address", "subject"]
    date_hierarchy = "created_at"
    list_select_related = ["complaint"]
    fields = ["template_key", "medium", "address", "reply_to", "subject", "body", "attachments", "complaint", "dedupe_key",
              "status", "route_note", "attempts", "last_error", "created_at", "next_attempt_at", "sent_at", "external_id",
              "segments", "medium_data", "delivery", "delivery_at", "headers"]
    readonly_fields = fields
    actions = ["retry"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_retry_permission(self, request):
        return request.user.has_perm("notifications.change_outboxmessage")

    @admin.action(description=_("Retry now"), permissions=["retry"])
    def retry(self, request, queryset):
        counts = retry_now(messages=queryset)
        self.message_user(
            request,
            ngettext("%(queued)d message put back in line; %(sent)d sent now, the rest wait for the next run.",
                     "%(queued)d messages put back in line; %(sent)d sent now, the rest wait for the next run.",
                     counts["queued"]) % counts,
            messages.SUCCESS,
        )


@admin.register(OptOut)
class OptOutAdmin(admin.ModelAdmin):
    """Who asked for no more messages on which medium, when and how (read-only: the person opts in again from
    the link in their e-mail, or by writing START)."""

    list_display = ["medium", "address", "opted_out_at", "source", "opted_in_at", "opted_in_source"]
    list_filter = ["medium", "source"]
    search_fields = ["address"]
    readonly_fields = list_display

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(MessagingNumber)
class MessagingNumberAdmin(admin.ModelAdmin):
    """Each unit's WhatsApp number (its phone number id at Meta) and SMS gateway number: where messages arrive."""

    list_display = ["unit", "medium", "identifier", "display_number"]
    list_filter = ["medium", "unit"]
    search_fields = ["identifier", "display_number", "unit__name"]
    fields = ["unit", "medium", "identifier", "display_number"]
