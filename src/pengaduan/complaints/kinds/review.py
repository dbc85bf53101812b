"""Step kind `review`: a generic step that records its performer's notes, for SOPs beyond the five kinds."""

from django import forms
from django.utils.translation import gettext_lazy as _

from pengaduan.complaints.kinds.base import Sample, StepForm, StepKind
from pengaduan.complaints.kinds.registry import register


class ReviewForm(StepForm):
    notes = forms.CharField(label=_("Notes"), widget=forms.Textarea(attrs={"rows": 4}))


@register
class Review(StepKind):
    name = "review"
    label = _("Review")
    order = 90
    form_class = ReviewForm
    fallback = True  # what the importer sets when a description fits no kind, or several
    may_wait_for_complainant = True
    public_stage = _("Your complaint is being processed")

    def sample_output(self, sample: Sample) -> dict:
        return {"notes": "Sudah diperiksa dan ditindaklanjuti."}

    def sample_complaint_fields(self, sample: Sample) -> dict:
        return {"category": sample.category}
