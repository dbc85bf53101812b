from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from pengaduan.complaints import channels
from pengaduan.complaints.models import ComplaintType


class InboxFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False,
                        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("number, title, subject, name")}))
    step = forms.IntegerField(label=_("Step"), required=False, min_value=1, max_value=99)
    channel = forms.ChoiceField(label=_("Channel"), required=False, choices=lambda: [("", _("all"))] + channels.choices())
    complaint_type = forms.ChoiceField(label=_("Type"), required=False,
                                       choices=[("", _("all"))] + ComplaintType.choices)
    category = forms.CharField(label=_("Category"), required=False)
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)
    received_from = forms.DateField(label=_("Received from"), required=False,
                                    widget=forms.DateInput(attrs={"type": "date"}))
    received_to = forms.DateField(label=pgettext_lazy("date range", "to"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
