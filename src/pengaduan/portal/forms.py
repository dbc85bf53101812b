"""The public complaint form: mobile first, safe choices easy, spam held back without outside services."""

from django import forms
from django.core import signing
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pengaduan.complaints.public_forms import ComplaintForm
from pengaduan.units.selectors import portal_unit_by_code

DONT_KNOW = ""  # the unit choice "Saya tidak tahu": the triage unit receives it

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

    def __init__(self, *args, units=(), triage=None, **kwargs):
        """`units`: the units a citizen may choose; with more than one, the form asks which (or "I don't know")."""
        super().__init__(*args, **kwargs)
        self.units = units
        units = list(units)
        if len(units) > 1:
            self.fields["unit"] = forms.ChoiceField(
                label=_("Which unit should handle it?"), required=False,
                choices=[(DONT_KNOW, _("I don't know"))] + [(unit.code, unit.name) for unit in units],
                help_text=(_("Not sure? Choose “I don't know”: %(unit)s passes your complaint to the competent "
                             "unit.") % {"unit": triage.name}) if triage else "",
            )

    def clean_unit(self):
        """The chosen unit, or None when the citizen does not know (the triage unit receives it)."""
        code = self.cleaned_data.get("unit") or DONT_KNOW
        return portal_unit_by_code(code, self.units) if code != DONT_KNOW else None

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
