"""Examinations (pemeriksaan) by an Irban: who examines, in how much office time, and the report they hand in.

A decision "examination" does not finish the decision step: the engine (`engine.step_complete`) orders an
examination instead, pauses the decision step's clock, and the case waits; the examiner's report (LHP, a
file, with the findings and recommendations) sends it back to the decision step's performer, who then decides
the answer. The rules come from the SOP's optional `[sop.examination]` block, else from the settings.
"""

from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from pengaduan.complaints.kinds.base import SafeFileField
from pengaduan.complaints.models import Complaint, Examination
from pengaduan.sop.models import Sop
from pengaduan.workcalendar.durations import Duration, parse_duration

DEFAULT_ROLE = "irban"
DEFAULT_TIME_LIMIT = "10 hari kerja"
# The examiner is reminded once this share of the examination's office time is used; at 100 % the
# decision step's performer and the unit's escalation roles are alerted.
REMIND_SHARE = 80


@dataclass(frozen=True)
class ExaminationRules:
    role: str
    time_limit: str

    @property
    def duration(self) -> Duration:
        return parse_duration(self.time_limit)


def rules_for(sop: Sop) -> ExaminationRules:
    configured = (sop.document.get("sop", {}) or {}).get("examination") or {}
    return ExaminationRules(
        role=configured.get("role") or getattr(settings, "EXAMINATION_ROLE", DEFAULT_ROLE),
        time_limit=configured.get("time_limit") or getattr(settings, "EXAMINATION_TIME_LIMIT", DEFAULT_TIME_LIMIT),
    )


def role_title(sop: Sop, role: str) -> str:
    """The examiner's title: the SOP's if it declares the role, else "Irban" for the default role."""
    title = sop.role_title(role)
    return "Irban" if title == role == DEFAULT_ROLE else title


def open_examination(complaint: Complaint) -> Examination | None:
    return complaint.examinations.filter(submitted_at__isnull=True).first()


class ExaminationReportForm(forms.Form):
    """What the examiner hands in: the LHP file (through the same upload checks as every file: type by content,
    size, no photo metadata) and a summary of findings and recommendations."""

    report = SafeFileField(label=_("Examination report (LHP)"), help_text=_("The signed report as a PDF or a scan."))
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Examination.Outcome.choices)
    findings = forms.CharField(label=_("Examination findings"), widget=forms.Textarea(attrs={"rows": 4}))
    recommendations = forms.CharField(label=_("Recommendations"), widget=forms.Textarea(attrs={"rows": 3}),
                                      required=False)
