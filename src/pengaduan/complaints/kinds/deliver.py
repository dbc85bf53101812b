"""Step kind `deliver`: hand the answer to the complainant and document it with proof."""

import re
from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pengaduan.complaints.kinds.base import IDENTITY_FIELDS, SafeFileField, Sample, StepForm, StepKind
from pengaduan.complaints.kinds.registry import register
from pengaduan.complaints.models import Attachment



DELIVERY_METHODS = [
    ("in_person", _("In person")),
    ("post", _("Letter by post")),
    ("email", _("E-mail")),
    ("sms_whatsapp", _("SMS / WhatsApp")),
    ("telephone", _("Telephone")),
    ("portal", _("Tracking page / portal")),
]


class DeliverForm(StepForm):
    method = forms.ChoiceField(label=_("Delivered by"), choices=DELIVERY_METHODS)
    delivered_at = forms.DateTimeField(
        label=_("Delivered at"), required=False, help_text=_("Empty: now."),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    # Not prefilled from the identity: the form would show a confidential name to whoever delivers (and it is
    # whoever really received the answer that counts). An identity field: masked and logged like the name.
    recipient = forms.CharField(label=_("Received by"), max_length=200, required=False,
                                help_text=_("Not recorded for anonymous complaints."))
    proof = SafeFileField(
        label=_("Proof (receipt, photo, screenshot)"), required=False
    )
    documentation = forms.CharField(
        label=_("Documentation"), widget=forms.Textarea(attrs={"rows": 3}), required=False,
        help_text=_("How the delivery went; required when no proof file is attached."),
    )

    def clean(self):
        cleaned = super().clean()
        if self.complaint is not None and self.complaint.is_anonymous:
            # Anonymous keeps nothing that identifies the person, not even who picked the answer up.
            cleaned["recipient"] = ""
        elif not cleaned.get("recipient", "").strip() and "recipient" not in self.errors:
            self.add_error("recipient", _("This field is required."))
        delivered_at = cleaned.get("delivered_at")
        if delivered_at and delivered_at > timezone.now() + timedelta(minutes=5):
            self.add_error("delivered_at", _("The delivery time cannot be in the future."))
        if not cleaned.get("proof") and not cleaned.get("documentation", "").strip():
            self.add_error("documentation", _("Attach a proof of delivery or describe how it was delivered."))
        return cleaned


@register
class Deliver(StepKind):
    name = "deliver"
    label = _("Deliver the answer")
    order = 50
    form_class = DeliverForm
    file_fields = {"proof": Attachment.Purpose.PROOF}
    identity_fields = IDENTITY_FIELDS  # the answer goes to the complainant's address
    recognised_by = re.compile(r"\b(?:menyampaikan|mengirim(?:kan)?|menyerahkan)\s+(?:\w+\s+){0,2}?jawaban\b", re.I)
    public_stage = _("The answer is delivered to you")

    def sample_output(self, sample: Sample) -> dict:
        method = "portal" if sample.is_anonymous else "in_person"
        output = {"method": method, "documentation": "Jawaban diserahkan dan diterima."}
        if not sample.is_anonymous:  # an anonymous complaint keeps no name of whoever received the answer
            output["recipient"] = "Pengadu"
        return output

    def initial(self, complaint):
        return {}
