"""Step kind `intake`: receive a complaint and record it in the Buku Pengaduan."""

import re
from collections.abc import Callable
from datetime import datetime

from django import forms
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pengaduan.complaints import channels
from pengaduan.complaints.attachments import MAX_FILES_PER_UPLOAD
from pengaduan.complaints.channels.base import CLOCK_SKEW, EARLIEST_YEAR, REQUIRED_MESSAGE
from pengaduan.complaints.kinds.base import (
    IDENTITY_FIELDS,
    MultipleFileField,
    Sample,
    SharedFieldsMixin,
    StepContext,
    StepForm,
    StepKind,
)
from pengaduan.complaints.kinds.registry import register
from pengaduan.complaints.errors import StepInputInvalid
from pengaduan.complaints.models import Attachment, Complainant, Complaint, ComplaintType
from pengaduan.complaints.public_forms import check_event_date, clean_notify_by, notify_by_field
from pengaduan.complaints.register import register_allocate
from pengaduan.inserts import insert_new, new, prepare_insert
from pengaduan.phones import normalise_email, normalise_phone, normalised_or_as_given

MAX_EVIDENCE_FILES = MAX_FILES_PER_UPLOAD


def _channel_fields() -> list[str]:
    """The complaint columns the channels' details are stored in (each channel declares its own)."""
    return list(channels.detail_fields())


# Channel details that identify the complainant (the caller's number; the post, which shows the poster): not
# kept for an anonymous complaint (complaints/privacy.py: COMPLAINT_IDENTITY_FIELDS).
ANONYMOUS_DROPS = ("caller_number", "source_link")


class IntakeForm(SharedFieldsMixin, StepForm):
    channel = forms.ChoiceField(label=_("Channel"), choices=channels.choices)
    received_at = forms.DateTimeField(
        label=_("Received at"), required=False,
        help_text=_("When the complaint arrived (for a telephone call: the time of the call). Empty: now."),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
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
    # Empty: not asked (the channel's answer medium, as before the choice existed).
    notify_by = notify_by_field(blank=_("As the channel answers"))
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

    infer_notify_by = False

    def clean_complainant_phone(self):
        # Stored in E.164, so that the same person is recognised on every channel (complaints.history).
        number = self.cleaned_data.get("complainant_phone", "").strip()
        return normalise_phone(number) if number else ""

    def clean_complainant_email(self):
        return normalise_email(self.cleaned_data.get("complainant_email", ""))

    def clean_received_at(self):
        received_at = self.cleaned_data.get("received_at")
        if received_at and received_at > timezone.now() + CLOCK_SKEW:
            raise forms.ValidationError(_("The time of receipt cannot be in the future."))
        if received_at and received_at.year < EARLIEST_YEAR:
            raise forms.ValidationError(_("Check the year of the time of receipt."))
        return received_at

    def clean_event_date(self):
        return check_event_date(self.cleaned_data.get("event_date"))

    def clean(self):
        cleaned = super().clean()
        # What the channel must bring along, so that the case can be traced back to where it came from.
        anonymous = cleaned.get("is_anonymous")
        channel = channels.get(cleaned.get("channel") or "")
        for field in channel.required_details if channel else ():
            if anonymous and field in ANONYMOUS_DROPS:
                continue
            if not cleaned.get(field) and field not in self.errors:
                self.add_error(field, REQUIRED_MESSAGE)
        if anonymous:
            # Anonymous means nothing that identifies the person is kept: the caller's number and the link to
            # the post (which shows the poster) go with the name.
            for field in ("complainant_name", "complainant_phone", "complainant_email", "complainant_address",
                          "notify_by", *ANONYMOUS_DROPS):
                cleaned[field] = ""
                self.errors.pop(field, None)
            cleaned["is_confidential"] = False
        else:
            if not cleaned.get("complainant_name", "").strip():
                self.add_error(
                    "complainant_name", _("Fill in the complainant's name, or mark the complaint as anonymous.")
                )
            clean_notify_by(self, cleaned)
        if cleaned.get("caller_number"):
            # A caller's number is recorded as it came (it may be withheld or a switchboard), in E.164 when it
            # can be read.
            cleaned["caller_number"] = normalised_or_as_given(cleaned["caller_number"])
        return cleaned

    def channel_details(self) -> list[tuple[forms.BoundField, str]]:
        """Each channel detail's field with the codes of the channels that bring it (the page shows it for those)."""
        return [(self[name], " ".join(codes)) for name, codes in channels.detail_channels().items()]


def _add_channel_fields() -> None:
    # The details of every registered channel join the form after the time of receipt; rebuilt when a
    # channel is added, so the API's description of the inputs (read from base_fields) lists them too.
    fields = {name: field for name, field in IntakeForm.base_fields.items() if name not in _CHANNEL_DETAIL_NAMES}
    _CHANNEL_DETAIL_NAMES.clear()
    _CHANNEL_DETAIL_NAMES.update(channels.detail_fields())
    rebuilt = {}
    for name, field in fields.items():
        rebuilt[name] = field
        if name == "received_at":
            rebuilt.update(channels.detail_fields())
    IntakeForm.base_fields = rebuilt


_CHANNEL_DETAIL_NAMES: set[str] = set()
channels.on_change(_add_channel_fields)


def _initial_value(value):
    # Moments are edited in the office's local time, as the datetime-local input shows them.
    return timezone.localtime(value).strftime("%Y-%m-%dT%H:%M") if isinstance(value, datetime) else value


def fill_complaint(complaint: Complaint, cleaned: dict, *, save_complainant: bool = True) -> None:
    """Copy the intake inputs onto the complaint (and its complainant). Does not save the complaint; with
    save_complainant False not a new complainant either (the caller saves it first, in its transaction)."""
    for field in ("channel", "summary", "description", "subject", "event_place", "event_date",
                  "is_anonymous", "is_confidential"):
        setattr(complaint, field, cleaned[field])
    for field in _channel_fields():
        empty = None if Complaint._meta.get_field(field).null else ""
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
        "notify_by": cleaned.get("notify_by") or "",
    }
    if previous is None:
        complaint.complainant = new(Complainant, **identity)
        if save_complainant:
            complaint.complainant.save()
    else:
        for key, value in identity.items():
            setattr(previous, key, value)
        previous.save()


LAPOR_ID_TAKEN = _("SP4N-LAPOR! report %(id)s is already complaint %(reference)s of %(unit)s.")
LAPOR_ID_CONSTRAINT = "complaints_complaint_unique_lapor_id"


def lapor_id_taken_error(complaint: Complaint) -> StepInputInvalid | None:
    """The error for a LAPOR! tracking ID another complaint of this install carries already (None when free)."""
    if not complaint.lapor_id:
        return None
    other = (Complaint.objects.filter(lapor_id=complaint.lapor_id).exclude(pk=complaint.pk)
             .select_related("unit").only("pk", "register_number", "unit__name").first())
    if other is None:
        return None
    return _lapor_error(complaint.lapor_id, other)


def _lapor_error(lapor_id: str, other: Complaint | None) -> StepInputInvalid:
    message = LAPOR_ID_TAKEN % {"id": lapor_id, "reference": other.reference if other else "",
                                "unit": other.unit.name if other else ""}
    return StepInputInvalid(_("Please correct the marked fields."), {"lapor_id": [str(message)]})


def save_complaint(complaint: Complaint) -> None:
    """Save the recorded complaint; a LAPOR! ID another complaint carries is a form error on that field (checked
    first for the message, and by the unique constraint against two officers saving at the same moment)."""
    if not complaint.lapor_id:
        # The common case (and the public form's write path) stays one plain insert: no read, no savepoint.
        _save(complaint)
        return
    if error := lapor_id_taken_error(complaint):
        raise error
    try:
        with transaction.atomic():
            _save(complaint)
    except IntegrityError as integrity:
        if LAPOR_ID_CONSTRAINT not in str(integrity) and "lapor_id" not in str(integrity):
            raise
        raise lapor_id_taken_error(complaint) or _lapor_error(complaint.lapor_id, None) from integrity


def prepare_save_complaint(complaint: Complaint) -> Callable[[], None]:
    """save_complaint for a new complaint: the INSERT's values computed now, outside the write transaction. A LAPOR!
    ID is checked (a read, and its clash turned into a form error) inside the transaction, by save_complaint."""
    if complaint.lapor_id or not complaint._state.adding or complaint.pk is not None \
            or getattr(complaint, "_orphaned_complainant", None) is not None:
        return lambda: save_complaint(complaint)
    return prepare_insert([complaint]).run


def _save(complaint: Complaint) -> None:
    if complaint._state.adding:  # new, its key made by the database or given before (inserts.reserve_keys)
        insert_new([complaint])  # one INSERT compiled once per process (pengaduan.inserts)
    else:
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
            "notify_by": person.notify_by if person else "",
            "summary": complaint.summary,
            "description": complaint.description,
            "subject": complaint.subject,
            "event_place": complaint.event_place,
            "event_date": complaint.event_date,
            "complaint_type": complaint.complaint_type,
            **{field: _initial_value(getattr(complaint, field)) for field in _channel_fields()},
        }

    def fill_complaint(self, complaint: Complaint, cleaned: dict, *, save_complainant: bool = True) -> None:
        fill_complaint(complaint, cleaned, save_complainant=save_complainant)

    def save_complaint(self, complaint: Complaint) -> None:
        save_complaint(complaint)

    def prepare_save_complaint(self, complaint: Complaint) -> Callable[[], None]:
        return prepare_save_complaint(complaint)

    def apply(self, ctx: StepContext, cleaned: dict) -> None:
        complaint = ctx.complaint
        fill_complaint(complaint, cleaned)
        if not complaint.is_recorded:
            register_allocate(complaint=complaint, at=ctx.now)
        save_complaint(complaint)

    def output(self, cleaned: dict) -> dict:
        # Identity lives on the complainant only; the step output must not copy it where masking can't reach.
        output = super().output(cleaned)
        for field in ("complainant_name", "complainant_phone", "complainant_email", "complainant_address",
                      "notify_by"):
            output.pop(field, None)
        return output
