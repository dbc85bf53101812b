"""Step kind `intake`: receive a complaint and record it in the Buku Pengaduan."""

import re
from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pengaduan.complaints.attachments import MAX_FILES_PER_UPLOAD
from pengaduan.complaints.kinds.base import (
    IDENTITY_FIELDS,
    MultipleFileField,
    Sample,
    StepContext,
    StepForm,
    StepKind,
)
from pengaduan.complaints.kinds.registry import register
from pengaduan.complaints.models import Attachment, Channel, Complainant, Complaint, ComplaintType
from pengaduan.complaints.register import register_allocate

# Clocks of phones and PCs drift; a receipt time a little ahead of the server is not an error.
CLOCK_SKEW = timedelta(minutes=5)
MAX_EVIDENCE_FILES = MAX_FILES_PER_UPLOAD
# Older dates are typing mistakes (and would send deadline arithmetic through the whole calendar).
EARLIEST_YEAR = 1990

# What each channel must bring along, so that the case can be traced back to where it came from.
CHANNEL_REQUIRES = {
    Channel.TELEPHONE: ("caller_number",),
    Channel.LETTER: ("letter_number", "letter_date"),
    Channel.COMPLAINT_BOX: ("box_opened_at",),
    Channel.SOCIAL_MEDIA: ("source_link",),
    Channel.LAPOR: ("lapor_id",),
}
CHANNEL_FIELDS = ("caller_number", "letter_number", "letter_date", "box_opened_at", "source_link", "lapor_id")
NULLABLE_CHANNEL_FIELDS = {"letter_date", "box_opened_at"}


class IntakeForm(StepForm):
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices)
    received_at = forms.DateTimeField(
        label=_("Received at"), required=False,
        help_text=_("When the complaint arrived (for a telephone call: the time of the call). Empty: now."),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    caller_number = forms.CharField(label=_("Caller's number"), max_length=50, required=False,
                                    help_text=_("Telephone complaints."))
    letter_number = forms.CharField(label=_("Letter number"), max_length=100, required=False,
                                    help_text=_("Letters: attach the scanned letter as evidence."))
    letter_date = forms.DateField(label=_("Letter date"), required=False,
                                  widget=forms.DateInput(attrs={"type": "date"}))
    box_opened_at = forms.DateTimeField(
        label=_("Complaint box opened at"), required=False, help_text=_("Complaint box: one record per slip."),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    source_link = forms.URLField(label=_("Link to the post"), max_length=500, required=False, assume_scheme="https",
                                 help_text=_("Social media."))
    lapor_id = forms.CharField(label=_("SP4N-LAPOR! tracking ID"), max_length=50, required=False,
                               help_text=_("Kept for cross-reference with the national portal."))
    complaint_type = forms.ChoiceField(label=_("Type"), choices=ComplaintType.choices, required=False)
    is_anonymous = forms.BooleanField(
        label=_("Anonymous"), required=False, help_text=_("No identity of the complainant is kept at all.")
    )
    is_confidential = forms.BooleanField(
        label=_("Keep identity confidential (rahasia)"), required=False,
        help_text=_("The identity is kept but shown only to the roles that need it."),
    )
    complainant_name = forms.CharField(label=_("Complainant's name"), max_length=200, required=False)
    complainant_phone = forms.CharField(label=_("Telephone / WhatsApp"), max_length=50, required=False)
    complainant_email = forms.EmailField(label=_("E-mail"), required=False)
    complainant_address = forms.CharField(label=_("Address"), max_length=300, required=False)
    summary = forms.CharField(label=_("Summary"), max_length=200)
    description = forms.CharField(label=_("What happened"), widget=forms.Textarea(attrs={"rows": 5}))
    subject = forms.CharField(
        label=_("Subject of the complaint"), max_length=300, help_text=_("The unit, service or official concerned.")
    )
    event_place = forms.CharField(label=_("Place of the event"), max_length=300, required=False)
    event_date = forms.DateField(
        label=_("Date of the event"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    # The field checks the number of files and each file (type by content, size, photo metadata stripped).
    evidence = MultipleFileField(label=_("Evidence (files)"), required=False, max_files=MAX_EVIDENCE_FILES)

    def clean_received_at(self):
        received_at = self.cleaned_data.get("received_at")
        if received_at and received_at > timezone.now() + CLOCK_SKEW:
            raise forms.ValidationError(_("The time of receipt cannot be in the future."))
        if received_at and received_at.year < EARLIEST_YEAR:
            raise forms.ValidationError(_("Check the year of the time of receipt."))
        return received_at

    def clean_event_date(self):
        event_date = self.cleaned_data.get("event_date")
        if event_date and event_date > timezone.localdate() + timedelta(days=1):
            raise forms.ValidationError(_("The date of the event cannot be in the future."))
        if event_date and event_date.year < EARLIEST_YEAR:
            raise forms.ValidationError(_("Check the year of the date of the event."))
        return event_date

    def clean_box_opened_at(self):
        opened = self.cleaned_data.get("box_opened_at")
        if opened and opened > timezone.now() + CLOCK_SKEW:
            raise forms.ValidationError(_("The box cannot have been opened in the future."))
        if opened and opened.year < EARLIEST_YEAR:
            raise forms.ValidationError(_("Check the year when the box was opened."))
        return opened

    def clean(self):
        cleaned = super().clean()
        for field in CHANNEL_REQUIRES.get(cleaned.get("channel"), ()):
            if not cleaned.get(field) and field not in self.errors:
                self.add_error(field, _("Required for complaints received through this channel."))
        if cleaned.get("is_anonymous"):
            for field in ("complainant_name", "complainant_phone", "complainant_email", "complainant_address"):
                cleaned[field] = ""
            cleaned["is_confidential"] = False
        elif not cleaned.get("complainant_name", "").strip():
            self.add_error(
                "complainant_name", _("Fill in the complainant's name, or mark the complaint as anonymous.")
            )
        return cleaned


def fill_complaint(complaint: Complaint, cleaned: dict) -> None:
    """Copy the intake inputs onto the complaint (and its complainant). Does not save the complaint."""
    for field in ("channel", "summary", "description", "subject", "event_place", "event_date",
                  "is_anonymous", "is_confidential"):
        setattr(complaint, field, cleaned[field])
    for field in CHANNEL_FIELDS:
        empty = None if field in NULLABLE_CHANNEL_FIELDS else ""
        setattr(complaint, field, cleaned.get(field) or empty)
    if cleaned.get("complaint_type"):
        complaint.complaint_type = cleaned["complaint_type"]
    if cleaned.get("received_at"):
        complaint.received_at = cleaned["received_at"]
    previous = complaint.complainant
    if cleaned["is_anonymous"]:
        complaint.complainant = None
        if previous is not None:
            # Anonymous means no identity kept at all, not merely hidden.
            complaint._orphaned_complainant = previous
        return
    identity = {
        "name": cleaned["complainant_name"].strip(),
        "phone": cleaned["complainant_phone"].strip(),
        "email": cleaned["complainant_email"].strip(),
        "address": cleaned["complainant_address"].strip(),
    }
    if previous is None:
        complaint.complainant = Complainant.objects.create(**identity)
    else:
        for key, value in identity.items():
            setattr(previous, key, value)
        previous.save()


def save_complaint(complaint: Complaint) -> None:
    complaint.save()
    orphan = getattr(complaint, "_orphaned_complainant", None)
    if orphan is not None and not orphan.complaints.exists():
        orphan.delete()


@register
class Intake(StepKind):
    name = "intake"
    label = _("Record the complaint")
    order = 10
    form_class = IntakeForm
    form_template = "workdesk/_intake_fields.html"
    file_fields = {"evidence": Attachment.Purpose.EVIDENCE}
    records_complaint = True
    identity_fields = IDENTITY_FIELDS  # the performer takes the identity down
    recognised_by = re.compile(r"\b(?:menerima|mencatat|meregistrasi|mengagendakan)\b", re.I)
    public_stage = _("Your complaint is received and recorded")

    def sample_output(self, sample: Sample) -> dict:
        return {"channel": sample.channel, "received_at": sample.received_at, "summary": sample.summary,
                "description": sample.description, "subject": sample.subject, "is_anonymous": sample.is_anonymous,
                "is_confidential": sample.is_confidential, "complaint_type": "pengaduan"}

    def initial(self, complaint):
        person = complaint.complainant
        return {
            "channel": complaint.channel,
            "received_at": timezone.localtime(complaint.received_at).strftime("%Y-%m-%dT%H:%M"),
            "is_anonymous": complaint.is_anonymous,
            "is_confidential": complaint.is_confidential,
            "complainant_name": person.name if person else "",
            "complainant_phone": person.phone if person else "",
            "complainant_email": person.email if person else "",
            "complainant_address": person.address if person else "",
            "summary": complaint.summary,
            "description": complaint.description,
            "subject": complaint.subject,
            "event_place": complaint.event_place,
            "event_date": complaint.event_date,
            "complaint_type": complaint.complaint_type,
            **{field: getattr(complaint, field) for field in CHANNEL_FIELDS},
            "box_opened_at": (timezone.localtime(complaint.box_opened_at).strftime("%Y-%m-%dT%H:%M")
                              if complaint.box_opened_at else None),
        }

    def fill_complaint(self, complaint: Complaint, cleaned: dict) -> None:
        fill_complaint(complaint, cleaned)

    def save_complaint(self, complaint: Complaint) -> None:
        save_complaint(complaint)

    def apply(self, ctx: StepContext, cleaned: dict) -> None:
        complaint = ctx.complaint
        fill_complaint(complaint, cleaned)
        if not complaint.is_recorded:
            register_allocate(complaint=complaint, at=ctx.now)
        save_complaint(complaint)

    def output(self, cleaned: dict) -> dict:
        # Identity lives on the complainant only; the step output must not copy it where masking can't reach.
        output = super().output(cleaned)
        for field in ("complainant_name", "complainant_phone", "complainant_email", "complainant_address"):
            output.pop(field, None)
        return output
