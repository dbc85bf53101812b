"""The public complaint form as the API takes it: the portal's fields and rules, without the browser's spam guards.

Both build on `complaints.public_forms.ComplaintForm`. The portal's form adds a honeypot field, a signed start time
and a privacy-notice tick box, all of which only make sense in a browser. An API client is held back by the same
per-address rate limit instead.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from pengaduan.complaints.models import ComplaintType
from pengaduan.complaints.public_forms import ComplaintForm
from pengaduan.sop.selectors import portal_units_with_loaded_sop
from pengaduan.units.selectors import portal_unit_by_code


class ApiComplaintForm(ComplaintForm):
    complaint_type = forms.ChoiceField(label=_("What do you want to send?"), choices=ComplaintType.choices,
                                       required=False, help_text=_("Empty: a complaint."))
    unit = forms.CharField(label=_("Unit code"), max_length=32, required=False,
                           help_text=_("The unit that should handle it, e.g. DINKES (the portal lists them). Empty: "
                                       "the Pemda's triage unit, which passes it to the competent unit."))

    def clean_unit(self):
        """The chosen unit, or None for the triage unit; a code no unit of the portal has is refused."""
        code = self.cleaned_data.get("unit", "").strip()
        if not code:
            return None
        unit = portal_unit_by_code(code, portal_units_with_loaded_sop())
        if unit is None:
            raise forms.ValidationError(_("No unit with the code %(code)s receives complaints here.")
                                        % {"code": code})
        return unit

    def __init__(self, data=None, files=None, **kwargs):
        # As on the portal, where the box starts ticked: confidential unless the complainant says otherwise.
        if data is not None and "is_confidential" not in data:
            data = data.copy()
            data["is_confidential"] = "true"
        super().__init__(data, files, **kwargs)

    def clean_complaint_type(self):
        return self.cleaned_data.get("complaint_type") or ComplaintType.COMPLAINT
