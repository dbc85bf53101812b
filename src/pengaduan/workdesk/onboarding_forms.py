"""Forms of the onboarding pages: the unit and its letterhead, office hours, the SOP review, invitations."""

from __future__ import annotations

import re
from datetime import time

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pengaduan.complaints.attachments import clean_upload
from pengaduan.complaints.kinds import get_kind
from pengaduan.sop import kinds as sop_kinds
from pengaduan.units.models import Unit
from pengaduan.workcalendar.durations import parse_duration
from pengaduan.workcalendar.models import Weekday

LOGO_TYPES = frozenset({"image/png", "image/jpeg"})


class UnitForm(forms.ModelForm):
    """Who the unit is, how it numbers its register, and its letterhead (logo through the upload checks)."""

    logo_upload = forms.FileField(label=gettext_lazy("Logo"), required=False,
                                  help_text=gettext_lazy("PNG or JPEG, printed on the letterhead."))

    class Meta:
        model = Unit
        fields = ["name", "code", "kind", "parent_name", "register_code", "register_format", "address", "phone",
                  "email", "head_title", "head_name", "head_rank", "head_nip", "head_role", "report_day",
                  "complaint_officer", "maklumat"]
        widgets = {"maklumat": forms.Textarea(attrs={"rows": 4})}
        labels = {"head_title": gettext_lazy("Signer's title"), "head_name": gettext_lazy("Signer's name")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["code"].disabled = True  # register numbers and logins refer to it
        self.fields["kind"].required = True
        # Added after the first units were set up: left empty, the unit keeps what it has (by default the 5th).
        self.fields["report_day"].required = False

    def clean_report_day(self):
        value = self.cleaned_data.get("report_day")
        return self.instance.report_day if value is None else value

    def clean_register_format(self):
        value = self.cleaned_data["register_format"]
        try:
            sample = value.format(number=42, unit="X", year=2026, month=1)
        except (KeyError, IndexError, ValueError, AttributeError):
            raise ValidationError(_("Use only the placeholders {number}, {unit}, {year} and {month}.")) from None
        if "42" not in sample:
            raise ValidationError(_("The format must contain {number}."))
        return value

    def clean_logo_upload(self):
        upload = self.cleaned_data.get("logo_upload")
        if not upload:
            return None
        cleaned = clean_upload(upload)  # the attachments' checks: content type, size, pixels, re-encoding
        if cleaned.content_type not in LOGO_TYPES:
            raise ValidationError(_("The logo must be a PNG or JPEG image."))
        return cleaned

    def save(self, commit=True):
        unit = super().save(commit=False)
        logo = self.cleaned_data.get("logo_upload")
        if logo:
            unit.logo.save(logo.name, logo, save=False)
        if commit:
            unit.save()
        return unit


PERIOD = re.compile(r"^\s*(\d{1,2})[.:](\d{2})\s*[-–]\s*(\d{1,2})[.:](\d{2})\s*$")


def parse_periods(text: str) -> list[tuple[time, time]]:
    """"07.30-12.00, 13.00-16.00" → two periods in order; empty text: closed. ValueError says what is wrong."""
    periods = []
    for part in filter(None, (piece.strip() for piece in (text or "").split(","))):
        match = PERIOD.match(part)
        if not match:
            raise ValueError(_("Write periods as 07.30-12.00, separated by commas (%(part)s)") % {"part": part})
        h1, m1, h2, m2 = (int(group) for group in match.groups())
        try:
            opens, closes = time(h1, m1), time(h2, m2)
        except ValueError:
            raise ValueError(_("%(part)s is not a time of day") % {"part": part}) from None
        if opens >= closes:
            raise ValueError(_("%(part)s closes before it opens") % {"part": part})
        periods.append((opens, closes))
    periods.sort()
    for (_o1, c1), (o2, _c2) in zip(periods, periods[1:]):
        if o2 < c1:
            raise ValueError(_("the periods overlap"))
    return periods


def format_periods(periods: list[tuple[time, time]]) -> str:
    return ", ".join(f"{opens:%H.%M}-{closes:%H.%M}" for opens, closes in periods)


class OfficeHoursForm(forms.Form):
    """One line per weekday ("07.30-12.00, 13.00-16.00"; empty: closed), or the Pemda calendar."""

    from_pemda = forms.BooleanField(label=gettext_lazy("As the Pemda calendar"), required=False,
                                    help_text=gettext_lazy("The unit keeps the office hours of the Pemda."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for weekday, label in Weekday.choices:
            self.fields[f"day_{weekday}"] = forms.CharField(
                label=label, required=False, max_length=100,
                help_text=gettext_lazy("e.g. 07.30-12.00, 13.00-16.00; empty: closed") if weekday == 0 else "")

    def clean(self):
        data = super().clean()
        week = {}
        for weekday, _label in Weekday.choices:
            try:
                periods = parse_periods(data.get(f"day_{weekday}", ""))
            except ValueError as error:
                self.add_error(f"day_{weekday}", str(error))
                continue
            if periods:
                week[weekday] = periods
        if not data.get("from_pemda") and not week and not self.errors:
            raise ValidationError(_("Give the office hours of at least one day, or choose the Pemda calendar."))
        data["week"] = None if data.get("from_pemda") else week
        return data


class DraftForm(forms.Form):
    """The draft (editable as a whole for what the step form does not cover) and what the review shows again."""

    document = forms.CharField(
        label=gettext_lazy("Draft SOP file (TOML)"), strip=False,
        widget=forms.Textarea(attrs={"rows": 20, "spellcheck": "false", "wrap": "off", "class": "sop-draft"}),
    )
    source_text = forms.CharField(required=False, strip=False, widget=forms.HiddenInput)
    source_name = forms.CharField(required=False, widget=forms.HiddenInput)
    warnings = forms.CharField(required=False, widget=forms.HiddenInput)


def kind_choices() -> list[tuple[str, str]]:
    choices = []
    for name in sop_kinds.known_kinds():
        try:
            label = str(get_kind(name).label) or name
        except LookupError:
            label = name
        choices.append((name, label))
    return choices


class StepCorrectionForm(forms.Form):
    """One step of the draft: who performs it, its time limit and its kind (from the registry's table)."""

    kind = forms.ChoiceField(label=gettext_lazy("Kind"))
    performer = forms.ChoiceField(label=gettext_lazy("Performer"))
    time_limit = forms.CharField(label=gettext_lazy("Time limit"), max_length=100)

    def __init__(self, *args, roles: list[tuple[str, str]] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = kind_choices()
        self.fields["performer"].choices = list(roles)

    def clean_time_limit(self):
        value = self.cleaned_data["time_limit"].strip()
        try:
            parse_duration(value)  # the SOP schema's own parser
        except ValueError:
            raise ValidationError(_("Cannot read this time limit; write e.g. \"30 menit\", \"2 hari kerja\" or "
                                    "\"2 x 24 jam\".")) from None
        return value


class BaseStepFormSet(forms.BaseFormSet):
    def __init__(self, *args, roles=(), **kwargs):
        self.roles = list(roles)
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "roles": self.roles}


StepFormSet = forms.formset_factory(StepCorrectionForm, formset=BaseStepFormSet, extra=0, max_num=100,
                                    validate_max=True)


class InviteForm(forms.Form):
    email = forms.EmailField(label=gettext_lazy("E-mail"))
    name = forms.CharField(label=gettext_lazy("Name"), max_length=200, required=False)
    roles = forms.MultipleChoiceField(label=gettext_lazy("Roles in the unit"), widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, roles: list[tuple[str, str]] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["roles"].choices = list(roles)


class AcceptInvitationForm(forms.Form):
    username = forms.CharField(label=gettext_lazy("User name"), max_length=150)
    password1 = forms.CharField(label=gettext_lazy("Password"), strip=False,
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    password2 = forms.CharField(label=gettext_lazy("Password again"), strip=False,
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))

    def clean(self):
        data = super().clean()
        if data.get("password1") and data.get("password2") and data["password1"] != data["password2"]:
            self.add_error("password2", _("The two passwords differ."))
        return data
