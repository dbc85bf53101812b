"""Telephone: an officer takes the call down, with the caller's number."""

from django import forms
from django.utils.translation import gettext_lazy as _

from pengaduan.complaints.channels.base import Channel, register

TELEPHONE = register(Channel(
    code="telephone", label=_("Telephone"),
    details={"caller_number": forms.CharField(label=_("Caller's number"), max_length=50, required=False,
                                              help_text=_("Telephone complaints."))},
    answer_medium="sms",
    sample=lambda received, serial: {"caller_number": "0813 5566 7788"},
))
