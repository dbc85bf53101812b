"""The public complaint form: mobile first, safe choices easy, spam held back without outside services."""

from django import forms
from django.core import signing
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pengaduan.complaints.public_forms import ComplaintForm

MIN_FILL_SECONDS = 4
FORM_SALT = "pengaduan.portal.complaint-form"


def form_token() -> str:
    return signing.TimestampSigner(salt=FORM_SALT).sign(str(int(timezone.now().timestamp())))


class PublicComplaintForm(ComplaintForm):
    """The complaint form of the website: the complainant's fields, the privacy notice and the spam guards."""

    privacy_ack = forms.BooleanField(label=_("I have read the privacy notice."))
    # Spam guards: a field people do not see (and bots fill in), and a signed start time.
    website = forms.CharField(required=False, widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}))
    token = forms.CharField(widget=forms.HiddenInput)

    def clean_token(self):
        try:
            started = int(signing.TimestampSigner(salt=FORM_SALT).unsign(self.cleaned_data["token"],
                                                                           max_age=24 * 3600))
        except (signing.BadSignature, ValueError):
            raise forms.ValidationError(_("The form has expired. Please send it again.")) from None
        if timezone.now().timestamp() - started < MIN_FILL_SECONDS:
            raise forms.ValidationError(_("That was very fast. Please check your complaint and send it again."))
        return self.cleaned_data["token"]

    def clean_website(self):
        if self.cleaned_data.get("website"):
            raise forms.ValidationError(_("Please leave this field empty."))
        return ""


class TrackForm(forms.Form):
    code = forms.CharField(label=_("Tracking code"), max_length=40,
                           widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters",
                                                         "spellcheck": "false", "placeholder": "XXXXX-XXXXX-XXXXX"}))
