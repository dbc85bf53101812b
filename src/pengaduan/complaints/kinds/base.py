"""What every step kind provides: the form that validates its inputs and what completing it does."""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile

from pengaduan.complaints.attachments import MAX_FILES_PER_UPLOAD, TOO_MANY, clean_upload, safe_display_name
from pengaduan.complaints.models import Attachment, Complaint, StepRun


@dataclass
class StepContext:
    """Everything a kind may need while it completes a step."""

    complaint: Complaint
    run: StepRun | None
    actor: Any
    now: datetime


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


class StepKind:
    name: str = ""
    label = ""
    form_class: type[StepForm] = StepForm
    # Attachment purpose for each file field of the form.
    file_fields: dict[str, str] = {}

    def initial(self, complaint: Complaint) -> dict:
        """Values to pre-fill the form with (e.g. the answer drafted from the decision)."""
        return {}

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
