"""Step kind `draft_answer`: the answer to the complainant, built from the decision."""

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from pengaduan.complaints.kinds.base import StepForm, StepKind
from pengaduan.complaints.models import DecisionType


class DraftAnswerForm(StepForm):
    letter_number = forms.CharField(label=_("Letter number"), max_length=100, required=False)
    answer = forms.CharField(label=_("Answer"), widget=forms.Textarea(attrs={"rows": 8}))
    order = forms.CharField(
        label=_("Order to deliver"), widget=forms.Textarea(attrs={"rows": 2}), required=False,
        help_text=_("Instructions for delivering the answer."),
    )


def _decision_output(complaint) -> dict:
    run = complaint.step_runs.filter(done_at__isnull=False, step__kind="decide").order_by("-number").first()
    return run.output if run else {}


class DraftAnswer(StepKind):
    name = "draft_answer"
    label = _("Draft the answer")
    form_class = DraftAnswerForm

    def initial(self, complaint):
        decision = _decision_output(complaint)
        opening = gettext(
            "Thank you for your complaint, recorded under number %(number)s. "
            "We have examined it carefully."
        ) % {"number": complaint.register_number}
        lines = [opening]
        decision_type = decision.get("decision_type")
        if decision_type == DecisionType.FORWARD:
            lines.append(gettext("Your complaint has been forwarded to %(unit)s, which is competent to handle it.")
                         % {"unit": decision.get("forward_to", "")})
        elif decision_type == DecisionType.EXAMINATION:
            lines.append(gettext("Your complaint will be followed up by an examination."))
        elif decision_type == DecisionType.NOT_WITHIN_AUTHORITY:
            lines.append(gettext("The matter you raise is outside our authority; we explain below where it can be handled."))
        if decision.get("order"):
            lines.append(decision["order"])
        lines.append(gettext("Thank you for your trust and your participation in improving public services."))
        return {"answer": "\n\n".join(lines)}
