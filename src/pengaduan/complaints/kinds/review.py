"""Step kind `review`: a generic step that records its performer's notes, for SOPs beyond the five kinds."""

from django import forms
from django.utils.translation import gettext_lazy as _

from pengaduan.complaints.kinds.base import StepForm, StepKind


class ReviewForm(StepForm):
    notes = forms.CharField(label=_("Notes"), widget=forms.Textarea(attrs={"rows": 4}))


class Review(StepKind):
    name = "review"
    label = _("Review")
    form_class = ReviewForm
