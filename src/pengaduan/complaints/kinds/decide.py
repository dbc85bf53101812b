"""Step kind `decide`: analyse, meet if needed (SOP Penyelenggaraan Rapat Dinas), decide the follow-up."""

import re

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pengaduan.complaints import examinations
from pengaduan.complaints.kinds.base import ForwardOrder, SafeFileField, Sample, StepContext, StepForm, StepKind
from pengaduan.complaints.kinds.registry import register
from pengaduan.complaints.models import Attachment, DecisionType
from pengaduan.units.models import Unit
from pengaduan.units.selectors import unit_names

HANDING_OVER = (DecisionType.FORWARD, DecisionType.NOT_WITHIN_AUTHORITY)
WHEN_HANDING_OVER = {"data-show-when": "decision_type=forward,not_within_authority"}


# Meeting details are asked for only when a meeting was held (see static/pengaduan/intake.js).
WHEN_MEETING = {"data-show-when": "meeting_held"}


class DecideForm(StepForm):
    analysis = forms.CharField(label=_("Analysis"), widget=forms.Textarea(attrs={"rows": 4}))
    meeting_held = forms.BooleanField(label=_("A meeting was held"), required=False)
    meeting_date = forms.DateTimeField(
        label=_("Meeting date and time"), required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local", **WHEN_MEETING}, format="%Y-%m-%dT%H:%M"),
    )
    meeting_place = forms.CharField(label=_("Meeting place"), max_length=200, required=False,
                                    widget=forms.TextInput(attrs=WHEN_MEETING))
    meeting_attendees = forms.CharField(
        label=_("Attendees"), widget=forms.Textarea(attrs={"rows": 3, **WHEN_MEETING}), required=False,
        help_text=_("One per line."),
    )
    meeting_minutes = forms.CharField(label=_("Minutes"), widget=forms.Textarea(attrs={"rows": 3, **WHEN_MEETING}),
                                      required=False)
    meeting_minutes_file = SafeFileField(label=_("Minutes (notulen) file"), required=False,
                                         widget=forms.ClearableFileInput(attrs=WHEN_MEETING))
    decision_type = forms.ChoiceField(label=_("Follow-up decision"), choices=DecisionType.choices)
    # A unit code (the API sends it in any case); the workdesk offers the other units as a list. Not a
    # ChoiceField: the units are rows, read when a form is made, not when the API's schema is built.
    forward_to_unit = forms.CharField(
        label=_("Forward to a unit of this Pemda"), required=False, max_length=32,
        help_text=_("The competent unit (its code): it receives the complaint in its own inbox and register."),
        widget=forms.Select(attrs=WHEN_HANDING_OVER),
    )
    examination_brief = forms.CharField(
        label=_("What to examine"), required=False,
        help_text=_("The examiner's assignment; the decision on the answer is taken when the report (LHP) is in."),
        widget=forms.Textarea(attrs={"rows": 3, "data-show-when": "decision_type=examination"}),
    )
    examiner = forms.ModelChoiceField(
        label=_("Examiner"), queryset=get_user_model().objects.none(), required=False,
        empty_label=_("Any examiner of the unit"),
        widget=forms.Select(attrs={"data-show-when": "decision_type=examination"}),
    )
    forward_to = forms.CharField(
        label=_("Or forward to a body outside this Pemda"), max_length=200, required=False,
        help_text=_("Its name, when the competent body is not a unit of this install: a forwarding letter "
                    "(surat pelimpahan) is made for it."),
        widget=forms.TextInput(attrs=WHEN_HANDING_OVER),
    )
    forward_address = forms.CharField(label=_("Address of the outside body"), max_length=300, required=False,
                                      widget=forms.TextInput(attrs=WHEN_HANDING_OVER))
    reasoning = forms.CharField(label=_("Reasoning"), widget=forms.Textarea(attrs={"rows": 3}))
    order = forms.CharField(
        label=_("Order to draft the answer"), widget=forms.Textarea(attrs={"rows": 2}), required=False,
        help_text=_("What the answer must say."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.complaint is not None:
            role = examinations.rules_for(self.complaint.sop).role
            self.fields["examiner"].queryset = get_user_model().objects.filter(
                is_active=True, memberships__unit_id=self.complaint.unit_id, memberships__role=role,
            ).order_by("username").distinct()
        own = self.complaint.unit_id if self.complaint is not None else None
        self.fields["forward_to_unit"].widget.choices = [("", "---------")] + [
            (code, f"{name} ({code})") for pk, code, name in unit_names() if pk != own]

    def examination_reported(self) -> bool:
        """An examination ordered in this (open) decision step has reported."""
        return self.complaint is not None and self.complaint.examinations.filter(
            submitted_at__isnull=False, step_run__done_at__isnull=True).exists()

    def clean_forward_to_unit(self):
        code = (self.cleaned_data.get("forward_to_unit") or "").strip()
        if not code:
            return ""
        unit = Unit.objects.filter(code__iexact=code).only("pk", "code").first()
        if unit is None:
            raise forms.ValidationError(_("No unit of this install has the code %(code)s.") % {"code": code})
        if self.complaint is not None and unit.pk == self.complaint.unit_id:
            raise forms.ValidationError(_("A complaint cannot be forwarded to its own unit."))
        return unit.code

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("meeting_held"):
            for field in ("meeting_date", "meeting_place", "meeting_attendees", "meeting_minutes"):
                if not cleaned.get(field):
                    self.add_error(field, _("Required when a meeting was held."))
            meeting_date = cleaned.get("meeting_date")
            if meeting_date and meeting_date > timezone.now():
                self.add_error("meeting_date", _("Record the meeting after it has taken place."))
        else:
            for field in ("meeting_date", "meeting_place", "meeting_attendees", "meeting_minutes",
                          "meeting_minutes_file"):
                cleaned[field] = None
        decision_type = cleaned.get("decision_type")
        unit_code = cleaned.get("forward_to_unit") or ""
        outside = (cleaned.get("forward_to") or "").strip()
        if decision_type not in HANDING_OVER:
            for field in ("forward_to_unit", "forward_to", "forward_address"):
                cleaned[field] = ""
        elif unit_code and outside:
            self.add_error("forward_to", _("Choose a unit of this Pemda or name an outside body, not both."))
        elif decision_type == DecisionType.FORWARD and not unit_code and not outside and \
                "forward_to_unit" not in self.errors:
            self.add_error("forward_to_unit", _("Choose the unit the complaint is forwarded to, or name the outside "
                                                "body."))
        elif unit_code:
            # The unit's name, as the register's follow-up column and the answer templates read it.
            unit = Unit.objects.filter(code=unit_code).only("name").first()
            cleaned["forward_to"] = unit.name if unit else ""
            cleaned["forward_address"] = ""
        # The first decision "examination" orders one (the step then waits for its report); once its report is
        # in, "examination" is the follow-up the answer reports, and the step completes like any decision.
        cleaned["order_examination"] = (cleaned.get("decision_type") == DecisionType.EXAMINATION
                                        and not self.examination_reported())
        if cleaned["order_examination"]:
            if not (cleaned.get("examination_brief") or "").strip():
                self.add_error("examination_brief", _("Say what the examiner is to examine."))
        else:
            cleaned["examination_brief"], cleaned["examiner"] = None, None
            if not (cleaned.get("order") or "").strip():
                self.add_error("order", _("This field is required."))
        return cleaned


@register
class Decide(StepKind):
    name = "decide"
    label = _("Decide the follow-up")
    order = 30
    form_class = DecideForm
    file_fields = {"meeting_minutes_file": Attachment.Purpose.MINUTES}
    produces_decision = True
    flowchart_shape = "decision"
    # A question in the description ("apakah ...?", "jika tidak ...", "kembali ke langkah ...") is a decision too.
    recognised_by = re.compile(
        r"\b(?:memutuskan|keputusan)\b|\bapakah\b[^?]*\?|\bjika\s+(?:tidak|ya|belum|tidak\s+lengkap)\b"
        r"|\bkembali\s+ke\s+(?:langkah|nomor|no\.?)\b",
        re.I,
    )
    public_stage = _("The head of the office decides the follow-up")
    register_columns = {"forward_to": "forward_to"}

    def sample_output(self, sample: Sample) -> dict:
        forwarded = sample.decision_type in (DecisionType.FORWARD, DecisionType.NOT_WITHIN_AUTHORITY)
        return {"analysis": "Aduan berkaitan dengan tugas dan fungsi perangkat daerah terkait.",
                "meeting_held": False, "decision_type": sample.decision_type,
                **({"forward_to": "Polres Madiun Kota"} if forwarded else {}),
                "reasoning": "Sesuai kewenangan dan tugas pokok.", "order": "Siapkan jawaban tertulis kepada pengadu."}

    def sample_complaint_fields(self, sample: Sample) -> dict:
        return {"decision_type": sample.decision_type}

    def orders_examination(self, cleaned: dict) -> bool:
        return bool(cleaned.get("order_examination"))

    def output(self, cleaned: dict) -> dict:
        # The examiner is a user and the ordering a flag: the stored output keeps the decision's own values
        # (the examination row names the examiner).
        return super().output({key: value for key, value in cleaned.items()
                               if key not in ("examiner", "order_examination")})

    def output_rows(self, output: dict) -> list:
        rows = super().output_rows(output)
        if output.get("forward_to_unit"):
            # A unit of this install: its name and code on one line, not as an "outside body".
            outside_label = DecideForm.base_fields["forward_to"].label
            unit_label = DecideForm.base_fields["forward_to_unit"].label
            rows = [(label, f"{output.get('forward_to', '')} ({value})" if label == unit_label else value)
                    for label, value in rows if label != outside_label]
        return rows

    def forward_order(self, cleaned: dict) -> ForwardOrder | None:
        if cleaned.get("decision_type") not in HANDING_OVER:
            return None
        if cleaned.get("forward_to_unit"):
            return ForwardOrder(cleaned["decision_type"], unit=Unit.objects.get(code=cleaned["forward_to_unit"]))
        if (cleaned.get("forward_to") or "").strip():
            return ForwardOrder(cleaned["decision_type"], outside_body=cleaned["forward_to"].strip(),
                                outside_address=(cleaned.get("forward_address") or "").strip())
        return None  # "not within our authority" naming nobody: the answer explains where it belongs

    def apply(self, ctx: StepContext, cleaned: dict) -> None:
        ctx.complaint.decision_type = cleaned["decision_type"]
        ctx.complaint.save(update_fields=["decision_type"])
