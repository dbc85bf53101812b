"""The public complaint form: mobile first, safe choices easy, spam held back without outside services."""

import copy
import hashlib

from django import forms
from django.core import signing
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from pengaduan.complaints.public_forms import ComplaintForm
from pengaduan.units import stamps
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
            choices = tuple((unit.code, unit.name) for unit in units)
            triage_name = triage.name if triage else ""
            # Built once per language and list of units (every public POST builds this form): each form takes a
            # shallow copy, as of its other fields (SharedFieldsMixin).
            field = _unit_fields.get((get_language(), choices, triage_name),
                                     lambda: _unit_field(choices, triage_name))
            self.fields["unit"] = copy.copy(field)

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


_unit_fields = stamps.StampedCache(stamps.UNITS)


def _unit_field(choices: tuple[tuple[str, str], ...], triage_name: str) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=_("Which unit should handle it?"), required=False,
        choices=[(DONT_KNOW, _("I don't know"))] + list(choices),
        help_text=(_("Not sure? Choose “I don't know”: %(unit)s passes your complaint to the competent unit.")
                   % {"unit": triage_name}) if triage_name else "",
    )


class TrackForm(forms.Form):
    code = forms.CharField(label=_("Tracking code"), max_length=40,
                           widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters",
                                                         "spellcheck": "false", "placeholder": "XXXXX-XXXXX-XXXXX"}))


VERIFY_MAX_BYTES = 20 * 1024 * 1024  # our letters are a few hundred kilobytes; a scan-sized PDF at most


class VerifyForm(forms.Form):
    """A copy of a document to compare with the one issued: the PDF itself, or its SHA-256 pasted."""

    document = forms.FileField(label=_("The PDF you received"), required=False,
                               help_text=_("It is read to compute its hash and is not kept."))
    sha256 = forms.CharField(label=_("Or paste its SHA-256 hash"), required=False, max_length=80,
                             widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}))

    def clean_document(self):
        upload = self.cleaned_data.get("document")
        if upload and upload.size > VERIFY_MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than any document we issue."))
        return upload

    def clean_sha256(self):
        value = "".join((self.cleaned_data.get("sha256") or "").split()).lower()
        if value and (len(value) != 64 or any(ch not in "0123456789abcdef" for ch in value)):
            raise forms.ValidationError(_("A SHA-256 hash is 64 characters, digits 0-9 and letters a-f."))
        return value

    def clean(self):
        data = super().clean()
        if not self.errors and not data.get("document") and not data.get("sha256"):
            raise forms.ValidationError(_("Choose the PDF file, or paste its hash."))
        return data

    def digest(self) -> str:
        """The SHA-256 of the uploaded PDF (read in chunks), else the pasted one."""
        upload = self.cleaned_data.get("document")
        if not upload:
            return self.cleaned_data["sha256"]
        digest = hashlib.sha256()
        for chunk in upload.chunks():
            digest.update(chunk)
        return digest.hexdigest()
