"""Step kind `clarify`: identify, verify and classify the complaint, coordinating where needed."""

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from pengaduan.complaints.errors import WorkflowError
from pengaduan.complaints.kinds.base import IDENTITY_FIELDS, Sample, StepContext, StepForm, StepKind
from pengaduan.complaints.kinds.registry import register
from pengaduan.complaints.models import ComplaintType


class ClarifyForm(StepForm):
    notes = forms.CharField(
        label=_("Clarification notes"), widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What was identified and verified, and with whom."),
    )
    complaint_type = forms.ChoiceField(label=_("Type"), choices=ComplaintType.choices)
    category = forms.CharField(label=_("Category"), max_length=100, required=False)
    report = forms.CharField(
        label=_("Report to the next performer"), widget=forms.Textarea(attrs={"rows": 3}), required=False,
        help_text=_("The result of the clarification as reported onward (e.g. to the Inspektur)."),
    )


@register
class Clarify(StepKind):
    name = "clarify"
    label = _("Clarify the complaint")
    order = 20
    form_class = ClarifyForm
    identity_fields = IDENTITY_FIELDS  # the performer contacts the complainant to verify
    may_wait_for_complainant = True
    recognised_by = re.compile(r"\b(?:mengidentifikasi|mengklarifikasi|memverifikasi|klarifikasi)\b", re.I)
    public_stage = _("Your complaint is checked and clarified")

    def sample_output(self, sample: Sample) -> dict:
        return {"notes": "Pengadu dihubungi; kronologi dan data pendukung sudah lengkap.",
                "complaint_type": "pengaduan", "category": sample.category,
                "report": "Aduan jelas dan layak ditindaklanjuti."}

    def sample_complaint_fields(self, sample: Sample) -> dict:
        return {"category": sample.category}

    def initial(self, complaint):
        return {"complaint_type": complaint.complaint_type, "category": complaint.category}

    def check_ready(self, ctx: StepContext) -> None:
        if ctx.run.coordination_requests.filter(answered_at__isnull=True).exists():
            raise WorkflowError(_("A coordination request is still waiting for its answer."))

    def apply(self, ctx: StepContext, cleaned: dict) -> None:
        ctx.complaint.complaint_type = cleaned["complaint_type"]
        ctx.complaint.category = cleaned["category"]
        ctx.complaint.save(update_fields=["complaint_type", "category"])
