"""Forms of what a complainant sends after the complaint itself: replies to questions, the rating."""

from django import forms
from django.utils.translation import gettext_lazy as _

from pengaduan.complaints.kinds.base import MultipleFileField


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
