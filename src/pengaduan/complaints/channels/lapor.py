"""SP4N-LAPOR!, the national complaint portal: its tracking ID is kept for cross-reference.

The ID is unique per install (a constraint on `Complaint.lapor_id`): the bridge (pengaduan.lapor) matches a
report an officer already typed in by this ID, so it is stored in one spelling (`normalize_lapor_id`).
"""

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from pengaduan.complaints.channels.base import Channel, register

_DECORATION = re.compile(r"^(?:tracking\s*id|id|no\.?)\s*[:#]?\s*|^#", re.I)


def normalize_lapor_id(value: str | None) -> str:
    """The stored spelling of a LAPOR! tracking ID: trimmed, without a leading "#" or "Tracking ID:", inner
    spaces removed, upper case ("#1916449 " and "1916449" are one report)."""
    text = (value or "").strip()
    text = _DECORATION.sub("", text).strip()
    return re.sub(r"\s+", "", text).upper()


class LaporIdField(forms.CharField):
    def to_python(self, value):
        return normalize_lapor_id(super().to_python(value))


LAPOR = register(Channel(
    code="lapor", label=_("SP4N-LAPOR!"), arrives_by_itself=True,
    details={"lapor_id": LaporIdField(label=_("SP4N-LAPOR! tracking ID"), max_length=50, required=False,
                                      help_text=_("Kept for cross-reference with the national portal; "
                                                  "one complaint per LAPOR! report."))},
    # Unique per install: the moment of receipt to the second tells the demo's samples apart.
    sample=lambda received, serial: {"lapor_id": f"LAP-{received:%Y%m%d-%H%M%S}{f'-{serial}' if serial else ''}"},
))
