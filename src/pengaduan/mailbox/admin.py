"""Each unit's mailboxes are set here (the password is written, never shown); the mail taken in is read-only."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from pengaduan.mailbox.models import Mailbox, MailboxMessage


class MailboxForm(forms.ModelForm):
    # Never sent back to the browser; left empty on a change, the stored password stays.
    password = forms.CharField(label=_("password"), required=False, strip=False,
                               widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
                               help_text=_("Leave empty to keep the stored password."))

    class Meta:
        model = Mailbox
        fields = ["unit", "host", "port", "security", "username", "password", "folder", "done_folder", "is_active"]

    def clean_password(self):
        password = self.cleaned_data.get("password") or ""
        if password:
            return password
        if self.instance.pk and self.instance.password:
            return self.instance.password
        raise forms.ValidationError(_("Enter the mailbox's password."))


@admin.register(Mailbox)
class MailboxAdmin(admin.ModelAdmin):
    form = MailboxForm
    list_display = ["unit", "username", "host", "folder", "is_active", "last_fetched_at", "last_error"]
    list_filter = ["is_active", "unit"]
    search_fields = ["username", "host", "unit__name", "unit__code"]
    readonly_fields = ["last_fetched_at", "last_error"]


@admin.register(MailboxMessage)
class MailboxMessageAdmin(admin.ModelAdmin):
    list_display = ["processed_at", "unit", "mailbox", "uid", "outcome", "complaint", "outbox_message", "detail"]
    list_filter = ["outcome", "unit"]
    search_fields = ["message_id", "mailbox"]
    date_hierarchy = "processed_at"
    list_select_related = ["unit", "complaint", "outbox_message"]
    fields = ["mailbox", "uidvalidity", "uid", "unit", "message_id", "outcome", "complaint", "outbox_message",
              "detail", "processed_at"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
