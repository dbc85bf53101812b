"""The public complaint form: mobile first, safe choices easy, spam held back without outside services."""

from django import forms
from django.core import signing
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pengaduan.complaints.kinds.base import MultipleFileInput
from pengaduan.complaints.models import ComplaintType

MIN_FILL_SECONDS = 4
FORM_SALT = "pengaduan.portal.complaint-form"


def form_token() -> str:
    return signing.TimestampSigner(salt=FORM_SALT).sign(str(int(timezone.now().timestamp())))


class PublicComplaintForm(forms.Form):
    complaint_type = forms.ChoiceField(label=_("What do you want to send?"), choices=ComplaintType.choices,
                                       initial=ComplaintType.COMPLAINT, widget=forms.RadioSelect)
    summary = forms.CharField(label=_("Title"), max_length=200,
                              help_text=_("In a few words, e.g. “Extra fee asked for an ID card”."))
    description = forms.CharField(label=_("What happened?"), max_length=10000,
                                  widget=forms.Textarea(attrs={"rows": 6}),
                                  help_text=_("What, who, when and where. The clearer, the faster we can act."))
    subject = forms.CharField(label=_("Which office, service or official is it about?"), max_length=300)
    event_date = forms.DateField(label=_("When did it happen?"), required=False,
                                 widget=forms.DateInput(attrs={"type": "date"}))
    event_place = forms.CharField(label=_("Where did it happen?"), max_length=300, required=False)
    # Only shown here: the engine's intake form checks the files (type by content, size, location stripped),
    # once, and its errors come back onto this field.
    evidence = forms.Field(label=_("Evidence (photos, documents; optional)"), required=False,
                           widget=MultipleFileInput(),
                           help_text=_("Up to 10 files, 10 MB each: JPEG, PNG, PDF, Word, Excel, audio or video."))
    is_anonymous = forms.BooleanField(
        label=_("Send anonymously"), required=False,
        help_text=_("We keep no name or contact at all. You follow your complaint only with the tracking code."))
    complainant_name = forms.CharField(label=_("Your name"), max_length=200, required=False)
    complainant_phone = forms.CharField(label=_("Telephone / WhatsApp"), max_length=50, required=False)
    complainant_email = forms.EmailField(label=_("E-mail"), required=False,
                                         help_text=_("We send the receipt and updates here."))
    complainant_address = forms.CharField(label=_("Address (optional)"), max_length=300, required=False)
    is_confidential = forms.BooleanField(
        label=_("Keep my identity confidential (rahasia)"), required=False, initial=True,
        help_text=_("Only the officers who need it see your name; it is never published or shown to the "
                    "person you complain about."))
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

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("is_anonymous"):
            cleaned["is_confidential"] = False
            for field in ("complainant_name", "complainant_phone", "complainant_email", "complainant_address"):
                cleaned[field] = ""
            return cleaned
        if not cleaned.get("complainant_name", "").strip():
            self.add_error("complainant_name", _("Please write your name, or choose to send anonymously."))
        if not cleaned.get("complainant_phone", "").strip() and not cleaned.get("complainant_email"):
            self.add_error("complainant_phone", _("Give a telephone number or an e-mail address so that we can "
                                                  "send you the answer, or choose to send anonymously."))
        return cleaned

    def intake_data(self) -> dict:
        """The engine's intake inputs for a complaint that came through this website."""
        data = {key: value for key, value in self.cleaned_data.items()
                if key not in {"privacy_ack", "website", "token", "evidence"}}
        data["channel"] = "web"
        for key in ("is_anonymous", "is_confidential"):
            data[key] = "on" if data[key] else ""
        if data.get("event_date"):
            data["event_date"] = data["event_date"].isoformat()
        return {key: value for key, value in data.items() if value not in (None,)}


class TrackForm(forms.Form):
    code = forms.CharField(label=_("Tracking code"), max_length=40,
                           widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters",
                                                         "spellcheck": "false", "placeholder": "XXXXX-XXXXX-XXXXX"}))
