"""Forms of what a complainant sends: the complaint itself (web and API), replies to questions, the rating."""

from datetime import date, timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pengaduan.complaints.channels.base import EARLIEST_YEAR
from pengaduan.complaints.kinds.base import MultipleFileField, MultipleFileInput, SharedFieldsMixin
from pengaduan.complaints.models import ComplaintType, NotifyBy
from pengaduan.phones import normalise_email, normalise_phone


def clean_notify_by(form: forms.Form, cleaned: dict) -> None:
    """The complainant's choice of how to be told needs the address for it; not chosen: e-mail when they gave an
    address, WhatsApp when they gave only a number, else the tracking page."""
    chosen = cleaned.get("notify_by") or ""
    phone, email = cleaned.get("complainant_phone", ""), cleaned.get("complainant_email", "")
    if not chosen and form.infer_notify_by:
        chosen = NotifyBy.EMAIL if email else NotifyBy.WHATSAPP if phone else NotifyBy.PAGE
    if chosen in (NotifyBy.WHATSAPP, NotifyBy.SMS) and not phone and "complainant_phone" not in form.errors:
        form.add_error("notify_by", _("Give a telephone number to be told by WhatsApp or SMS."))
    if chosen == NotifyBy.EMAIL and not email and "complainant_email" not in form.errors:
        form.add_error("notify_by", _("Give an e-mail address to be told by e-mail."))
    cleaned["notify_by"] = chosen


def check_event_date(event_date: date | None) -> date | None:
    """The date of the event: not in the future (a day of grace for time zones), not before EARLIEST_YEAR."""
    if event_date and event_date > timezone.localdate() + timedelta(days=1):
        raise forms.ValidationError(_("The date of the event cannot be in the future."))
    if event_date and event_date.year < EARLIEST_YEAR:
        raise forms.ValidationError(_("Check the year of the date of the event."))
    return event_date


def notify_by_field(*, blank: str | None = None, widget=None) -> forms.ChoiceField:
    choices = ([("", blank)] if blank else []) + list(NotifyBy.choices)
    return forms.ChoiceField(
        label=_("How should we tell you about your complaint?"), choices=choices, required=False,
        widget=widget or forms.Select,
        help_text=_("We send the receipt, questions and the answer this way; you can always follow the complaint "
                    "on the tracking page. Every e-mail has a link to stop them."))


class ComplaintForm(SharedFieldsMixin, forms.Form):
    """The complaint as the complainant writes it: the portal's form and the API take these fields and rules."""

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
    notify_by = notify_by_field(widget=forms.RadioSelect)
    is_confidential = forms.BooleanField(
        label=_("Keep my identity confidential (rahasia)"), required=False, initial=True,
        help_text=_("Only the officers who need it see your name; it is never published or shown to the "
                    "person you complain about."))
    infer_notify_by = True

    def clean_complainant_phone(self):
        number = self.cleaned_data.get("complainant_phone", "").strip()
        return normalise_phone(number) if number else ""

    def clean_complainant_email(self):
        return normalise_email(self.cleaned_data.get("complainant_email", ""))

    def clean_event_date(self):
        return check_event_date(self.cleaned_data.get("event_date"))

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("is_anonymous"):
            cleaned["is_confidential"] = False
            for field in ("complainant_name", "complainant_phone", "complainant_email", "complainant_address",
                          "notify_by"):
                cleaned[field] = ""
                self.errors.pop(field, None)
            return cleaned
        if not cleaned.get("complainant_name", "").strip():
            self.add_error("complainant_name", _("Please write your name, or choose to send anonymously."))
        if not cleaned.get("complainant_phone", "").strip() and not cleaned.get("complainant_email"):
            self.add_error("complainant_phone", _("Give a telephone number or an e-mail address so that we can "
                                                  "send you the answer, or choose to send anonymously."))
        clean_notify_by(self, cleaned)
        return cleaned

    def intake_cleaned(self) -> dict:
        """The engine's intake inputs for a complaint sent with this form, as the engine's own intake form would
        clean them: this form's rules include all of that form's for the fields it has, so a complaint from the
        website or the public API is validated once (engine.complaint_receive(form=...); the engine still checks
        the files). tests/complaints/test_public_forms.py proves that both forms agree."""
        cleaned = self.cleaned_data
        intake = {key: cleaned[key] for key in INTAKE_KEYS}
        intake.update(channel="web", received_at=None, evidence=[])
        return intake


# What the public form gives the engine's intake form (the rest of that form is for officers: the channel, its
# details, the time of receipt).
INTAKE_KEYS = ("complaint_type", "summary", "description", "subject", "event_date", "event_place", "is_anonymous",
               "complainant_name", "complainant_phone", "complainant_email", "complainant_address", "notify_by",
               "is_confidential")


class ReplyForm(forms.Form):
    reply = forms.CharField(label=_("Your answer"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4}))
    evidence = MultipleFileField(label=_("Files (optional)"), required=False)


class RatingForm(forms.Form):
    score = forms.TypedChoiceField(
        label=_("How satisfied are you with the handling of your complaint?"), coerce=int,
        choices=[(5, _("5 — very satisfied")), (4, _("4 — satisfied")), (3, _("3 — fair")),
                 (2, _("2 — dissatisfied")), (1, _("1 — very dissatisfied"))],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(label=_("Comment (optional)"), max_length=2000, required=False,
                              widget=forms.Textarea(attrs={"rows": 3}))
