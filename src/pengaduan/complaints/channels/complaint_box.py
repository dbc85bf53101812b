"""The complaint box at the office: opened every working day, one record per slip."""

from django import forms
from django.utils.translation import gettext_lazy as _

from pengaduan.complaints.channels.base import Channel, not_in_future, register

COMPLAINT_BOX = register(Channel(
    code="complaint_box", label=_("Complaint box"),
    details={"box_opened_at": forms.DateTimeField(
        label=_("Complaint box opened at"), required=False, help_text=_("Complaint box: one record per slip."),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        validators=[not_in_future(_("The box cannot have been opened in the future."),
                                  _("Check the year when the box was opened."))],
    )},
    sample=lambda received, serial: {"box_opened_at": received.strftime("%Y-%m-%dT%H:%M")},
))
