"""Letters: an officer records the letter's number and date and attaches the scan as evidence."""

from django import forms
from django.utils.translation import gettext_lazy as _

from pengaduan.complaints.channels.base import Channel, register

LETTER = register(Channel(
    code="letter", label=_("Letter"),
    details={
        "letter_number": forms.CharField(label=_("Letter number"), max_length=100, required=False,
                                         help_text=_("Letters: attach the scanned letter as evidence.")),
        "letter_date": forms.DateField(label=_("Letter date"), required=False,
                                       widget=forms.DateInput(attrs={"type": "date"})),
    },
    sample=lambda received, serial: {"letter_number": f"045/RT05/{received:%m/%Y}",
                                     "letter_date": received.date().isoformat()},
))
