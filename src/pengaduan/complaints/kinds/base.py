"""What every step kind provides: the form that validates its inputs and what completing it does."""

import copy
from collections.abc import Callable
import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils import formats, timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from pengaduan.complaints.attachments import MAX_FILES_PER_UPLOAD, TOO_MANY, clean_upload, safe_display_name
from pengaduan.complaints.models import Attachment, Complaint, StepRun
from pengaduan.sop.kinds import SopKind


@dataclass
class StepContext:
    """Everything a kind may need while it completes a step."""

    complaint: Complaint
    run: StepRun | None
    actor: Any
    now: datetime


class _SharedFields(dict):
    """A form class's fields that its instances copy shallowly (SharedFieldsMixin)."""

    def __deepcopy__(self, memo):
        return {name: copy.copy(field) for name, field in self.items()}


class SharedFieldsMixin:
    """For a form whose instances never edit a field's widget or choices in place: each instance gets shallow
    copies of the class's fields (its own `required`, `initial`, `label`...) instead of Django's deep copies of
    every field, widget and choice list, which were half the cost of building and validating the public intake
    forms (bench/profile_intake.py). An instance that needs another widget or other choices replaces the field
    (self.fields[name] = ...), never edits it."""

    def __init__(self, *args, **kwargs):
        cls = type(self)
        if not isinstance(cls.__dict__.get("base_fields"), _SharedFields):
            # Wrapped on first use: the class may have rebuilt its fields since (e.g. intake's channel details).
            cls.base_fields = _SharedFields(cls.base_fields)
        super().__init__(*args, **kwargs)

    def _clean_fields(self):
        """Django's, with each value read as BoundField.data and BoundField.initial read it, but without building a
        BoundField per field (its label, ids and prefixes are for rendering): over a third of the CPU of
        validating the public form (bench/profile_intake.py). A field with its own way of reading its bound value
        keeps Django's path."""
        for name, field in self.fields.items():
            try:
                if type(field)._clean_bound_field not in _PLAIN_BOUND_CLEANING:
                    value = field._clean_bound_field(self[name])
                else:
                    value = (self.get_initial_for_field(field, name) if field.disabled
                             else self._widget_data_value(field.widget, self.add_prefix(name)))
                    value = (field.clean(value, self.get_initial_for_field(field, name))
                             if isinstance(field, forms.FileField) else field.clean(value))
                self.cleaned_data[name] = value
                if hasattr(self, f"clean_{name}"):
                    self.cleaned_data[name] = getattr(self, f"clean_{name}")()
            except forms.ValidationError as error:
                self.add_error(name, error)


_PLAIN_BOUND_CLEANING = (forms.Field._clean_bound_field, forms.FileField._clean_bound_field)


class StepForm(forms.Form):
    """Base for step forms: knows the complaint it acts on (for choices and cross-checks)."""

    def __init__(self, *args, complaint: Complaint | None = None, **kwargs):
        self.complaint = complaint
        super().__init__(*args, **kwargs)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class SafeFileField(forms.FileField):
    """One file, checked and cleaned by `clean_upload` (type by content, size, no photo metadata).

    A field validator cannot replace the value, and the cleaned file (re-encoded photo, detected type,
    sanitised name) is what must be stored; so the check runs in `clean`.
    """

    def clean(self, data, initial=None):
        cleaned = super().clean(data, initial)
        if isinstance(cleaned, UploadedFile):
            return clean_upload(cleaned)
        return cleaned


class MultipleFileField(forms.FileField):
    """Several files in one field (evidence photos, scans); cleans to a list of checked files.

    The number is checked before any file is looked at, so a flood of files costs no decoding.
    """

    def __init__(self, *args, max_files: int = MAX_FILES_PER_UPLOAD, **kwargs):
        self.max_files = max_files
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, (list, tuple)):
            items = [item for item in data if item]
        else:
            items = [data] if data else []
        if len(items) > self.max_files:
            raise forms.ValidationError(TOO_MANY, code="too_many", params={"n": self.max_files})
        if not items:
            # No new file: the plain field decides (required error, or the initial value).
            cleaned = super().clean(None, initial)
            return [cleaned] if cleaned else []
        cleaned, errors = [], []
        for item in items:
            try:
                cleaned.append(self._clean_one(item, initial))
            except forms.ValidationError as error:
                # Every refused file is named, so the sender knows which of several to replace.
                name = safe_display_name(getattr(item, "name", ""))
                errors.extend(
                    forms.ValidationError(f"{name}: {message}", code=detail.code)
                    for detail, message in zip(error.error_list, error.messages)
                )
        if errors:
            raise forms.ValidationError(errors)
        return cleaned

    def _clean_one(self, data, initial):
        cleaned = super().clean(data, initial)
        if isinstance(cleaned, UploadedFile):
            return clean_upload(cleaned)
        return cleaned


@dataclass
class Sample:
    """What the demo/seed generator drew for one complaint; a kind builds its sample output from it."""

    channel: str = ""
    received_at: str = ""  # ISO 8601
    summary: str = ""
    description: str = ""
    subject: str = ""
    is_anonymous: bool = False
    is_confidential: bool = False
    category: str = ""
    decision_type: str = ""
    register_year: int = 0
    register_seq: int = 0


IDENTITY_FIELDS = ("name", "phone", "email", "address")


@dataclass(frozen=True)
class ForwardOrder:
    """A decision that hands the case over: to a unit of this install, or to a body outside it."""

    decision_type: str
    unit: Any = None  # a Unit of this install, or None for an outside body
    outside_body: str = ""
    outside_address: str = ""


class StepKind:
    """Everything about one kind of step. Subclass it in a module of `pengaduan.complaints.kinds` (or an app's
    `step_kinds` module) and decorate the class with `@register`; see docs/extending.md "Add a step kind".

    The rest of the code never spells a kind's name: it asks the registry for a kind by what it does
    (the flags below), or asks the step's kind to show its output.
    """

    name: str = ""
    label = ""
    # Position in workflow order (error messages, docs, the SOP format's list of kinds).
    order: int = 100
    form_class: type[StepForm] = StepForm
    # The workdesk template that lays out the form (it receives `form`).
    form_template = "workdesk/_form.html"
    # Attachment purpose for each file field of the form.
    file_fields: dict[str, str] = {}

    # -- what the kind does, asked for by the rest of the code instead of its name --
    # Records the complaint in the Buku Pengaduan: an SOP's first step has this kind; complaints that arrive by
    # themselves wait at it (and may be set aside there); the complainant's own files are stored by it.
    records_complaint = False
    # Produces the follow-up decision (decision_type, forward_to): the register's follow-up column and the portal.
    produces_decision = False
    # Produces the answer to the complainant (output "answer", "letter_number"): the answer letter and the portal.
    produces_answer = False
    # The complainant's identity fields its performer needs to do the step (a confidential identity is shown to
    # the roles performing such steps unless the SOP names the roles itself).
    identity_fields: tuple[str, ...] = ()
    # The demo/seed generator lets some complaints wait at this kind for the complainant's answer.
    may_wait_for_complainant = False

    # -- how the SOP layer sees it (see pengaduan.sop.kinds) --
    flowchart_shape = "process"  # or "decision": a diamond on the SOP print
    recognised_by: re.Pattern | None = None  # the verbs of a sheet's step description that mean this kind
    fallback = False  # the generic kind for a step the importer cannot place

    # -- how its output is shown --
    # What the step means to a complainant, in plain words (portal: service standard and tracking page).
    public_stage = _("Your complaint is being processed")
    # Buku Pengaduan columns read from this kind's stored output: {column name: output key}.
    register_columns: dict[str, str] = {}

    def fill_complaint(self, complaint: Complaint, cleaned: dict, *, save_complainant: bool = True) -> None:
        """A kind that records the complaint: copy its inputs onto a new (unsaved) complaint. With
        save_complainant False a new complainant is attached unsaved too (the caller saves it first)."""
        raise NotImplementedError(f"step kind {self.name!r} does not record complaints")

    def save_complaint(self, complaint: Complaint) -> None:
        """A kind that records the complaint: save what `fill_complaint` prepared."""
        complaint.save()

    def prepare_save_complaint(self, complaint: Complaint) -> Callable[[], None]:
        """`save_complaint` for a new complaint in two halves: what can be computed now (before the write
        transaction), and the function that writes it, called inside the transaction."""
        return lambda: self.save_complaint(complaint)

    def sop_kind(self) -> SopKind:
        return SopKind(name=self.name, order=self.order, first=self.records_complaint,
                       flowchart_shape=self.flowchart_shape, recognised_by=self.recognised_by, fallback=self.fallback)

    def output_rows(self, output: dict) -> list[tuple[str, Any]]:
        """The stored output as (label, value) pairs in the order of the form: the workdesk's step timeline."""
        rows = []
        for name, field in self.form_class.base_fields.items():
            if name not in output:
                continue
            value = output[name]
            choices = dict(getattr(field, "choices", []) or [])
            if value in choices:
                value = choices[value]
            elif isinstance(value, bool):
                value = gettext("yes") if value else gettext("no")
            elif isinstance(field, forms.DateTimeField) and isinstance(value, str) and parse_datetime(value):
                # Stored as ISO 8601 (JSON); shown as the office's local time.
                value = formats.date_format(timezone.localtime(parse_datetime(value)), "SHORT_DATETIME_FORMAT")
            rows.append((field.label, value))
        return rows

    def api_output(self, output: dict) -> dict:
        """The stored output as the JSON API shows it."""
        return dict(output)

    def sample_output(self, sample: Sample) -> dict:
        """A plausible output for demo and benchmark data (`pengaduan seed`)."""
        return {}

    def sample_complaint_fields(self, sample: Sample) -> dict:
        """The complaint fields this kind's `apply` sets, as the seed generator writes them directly."""
        return {}

    def initial(self, complaint: Complaint) -> dict:
        """Values to pre-fill the form with (e.g. the answer drafted from the decision)."""
        return {}

    def orders_examination(self, cleaned: dict) -> bool:
        """Whether these inputs order an examination instead of completing the step (the step then waits for
        the examiner's report, see complaints/examinations.py)."""
        return False

    def forward_order(self, cleaned: dict) -> "ForwardOrder | None":
        """A kind whose step may hand the case over says so here, from its cleaned inputs; None: no hand-over."""
        return None

    def check_ready(self, ctx: StepContext) -> None:
        """Raise WorkflowError when the step cannot be completed yet (e.g. an open coordination request)."""

    def apply(self, ctx: StepContext, cleaned: dict) -> None:
        """Side effects on the complaint beyond storing the output (register number, classification...)."""

    def output(self, cleaned: dict) -> dict:
        """The step's output record as stored on the step run: the cleaned inputs, JSON-safe, files apart."""
        return {
            key: _json_safe(value)
            for key, value in cleaned.items()
            if key not in self.file_fields and value not in (None, "")
        }

    def save_files(self, ctx: StepContext, cleaned: dict) -> list[int]:
        ids = []
        for field, purpose in self.file_fields.items():
            uploads = cleaned.get(field) or []
            for upload in uploads if isinstance(uploads, list) else [uploads]:
                attachment = Attachment.objects.create(
                    complaint=ctx.complaint,
                    step_run=ctx.run,
                    purpose=purpose,
                    file=upload,
                    # The upload was cleaned by its field: the name is sanitised, the type detected from the content.
                    original_name=safe_display_name(upload.name),
                    content_type=(getattr(upload, "content_type", "") or "")[:100],
                    size=upload.size,
                    uploaded_by=ctx.actor,
                    uploaded_at=ctx.now,
                )
                ids.append(attachment.pk)
        return ids


def _json_safe(value):
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [_json_safe(item) for item in value]
    return value
