"""SP4N-LAPOR!, the national complaint portal: its tracking ID is kept for cross-reference."""

from django import forms
from django.utils.translation import gettext_lazy as _

from pengaduan.complaints.channels.base import Channel, register

LAPOR = register(Channel(
    code="lapor", label=_("SP4N-LAPOR!"), arrives_by_itself=True,
    details={"lapor_id": forms.CharField(label=_("SP4N-LAPOR! tracking ID"), max_length=50, required=False,
                                         help_text=_("Kept for cross-reference with the national portal."))},
    sample=lambda received, serial: {"lapor_id": f"LAP-{received:%Y%m%d}-{serial or 42:04d}"},
))
