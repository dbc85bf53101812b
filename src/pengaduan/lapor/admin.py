from django import forms
from django.contrib import admin

from pengaduan.lapor.models import LaporAccount, LaporPush


class LaporAccountForm(forms.ModelForm):
    # The token is a credential: never shown again once saved; left empty, the saved one is kept.
    token = forms.CharField(required=False, max_length=300, strip=True,
                            widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
                            help_text=LaporAccount._meta.get_field("token").help_text)

    class Meta:
        model = LaporAccount
        fields = ("unit", "institution_id", "enabled", "base_url", "token")

    def clean_token(self):
        return self.cleaned_data["token"] or (self.instance.token if self.instance.pk else "")


@admin.register(LaporAccount)
class LaporAccountAdmin(admin.ModelAdmin):
    form = LaporAccountForm
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
