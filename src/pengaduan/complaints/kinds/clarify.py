"""Step kind `clarify`: identify, verify and classify the complaint, coordinating where needed."""

from django import forms
from django.utils.translation import gettext_lazy as _

from pengaduan.complaints.errors import WorkflowError
from pengaduan.complaints.kinds.base import StepContext, StepForm, StepKind
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


class Clarify(StepKind):
    name = "clarify"
    label = _("Clarify the complaint")
    form_class = ClarifyForm

    def initial(self, complaint):
        return {"complaint_type": complaint.complaint_type, "category": complaint.category}

    def check_ready(self, ctx: StepContext) -> None:
        if ctx.run.coordination_requests.filter(answered_at__isnull=True).exists():
            raise WorkflowError(_("A coordination request is still waiting for its answer."))

    def apply(self, ctx: StepContext, cleaned: dict) -> None:
        ctx.complaint.complaint_type = cleaned["complaint_type"]
        ctx.complaint.category = cleaned["category"]
        ctx.complaint.save(update_fields=["complaint_type", "category"])
