"""What every step kind provides: the form that validates its inputs and what completing it does."""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

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


class MultipleFileField(forms.FileField):
    """Several files in one field (evidence photos, scans); cleans to a list."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, (list, tuple)):
            return [super(MultipleFileField, self).clean(item, initial) for item in data]
        cleaned = super().clean(data, initial)
        return [cleaned] if cleaned else []


def validate_upload_size(upload):
    if upload and upload.size > settings.ATTACHMENT_MAX_BYTES:
        limit_mb = settings.ATTACHMENT_MAX_BYTES // (1024 * 1024)
        raise forms.ValidationError(_("The file is too large (at most %(mb)s MB).") % {"mb": limit_mb})


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
                    original_name=upload.name[:255],
                    content_type=getattr(upload, "content_type", "") or "",
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
