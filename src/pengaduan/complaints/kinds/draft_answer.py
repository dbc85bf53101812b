"""Step kind `draft_answer`: the answer to the complainant, drafted from the unit's template for the decision."""

import re
import string
from collections import defaultdict

from django import forms
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from pengaduan.complaints.kinds.base import Sample, StepForm, StepKind
from pengaduan.complaints.kinds.registry import kinds, register
from pengaduan.complaints.models import AnswerTemplate, Complaint, DecisionType
from pengaduan.typesetting import format_date_id


class DraftAnswerForm(StepForm):
    letter_number = forms.CharField(label=_("Letter number"), max_length=100, required=False)
    answer = forms.CharField(label=_("Answer"), widget=forms.Textarea(attrs={"rows": 8}))
    order = forms.CharField(
        label=_("Order to deliver"), widget=forms.Textarea(attrs={"rows": 2}), required=False,
        help_text=_("Instructions for delivering the answer."),
    )


def _decision_output(complaint) -> dict:
    deciding = kinds.names_having("produces_decision")
    run = complaint.step_runs.filter(done_at__isnull=False, step__kind__in=deciding).order_by("-number").first()
    return run.output if run else {}


def answer_template(complaint: Complaint, decision_type: str) -> AnswerTemplate | None:
    """The unit's own template for the decision, else the default one (no unit), else None."""
    if not decision_type:
        return None
    candidates = AnswerTemplate.objects.filter(Q(unit=complaint.unit) | Q(unit__isnull=True),
                                               decision_type=decision_type)
    return min(candidates, key=lambda template: template.unit_id is None, default=None)


class _PlaceholderFormatter(string.Formatter):
    """Plain names only: `{summary}`, never `{summary.__class__}` or `{summary[0]}`."""

    def get_field(self, field_name, args, kwargs):
        if not field_name.isidentifier():
            raise ValueError(f"unsupported placeholder {{{field_name}}}")
        return super().get_field(field_name, args, kwargs)


def placeholders(body: str) -> set[str]:
    """The placeholder names in a template; none when it does not parse."""
    try:
        return {field for _text, field, _spec, _conversion in string.Formatter().parse(body) if field}
    except ValueError:
        return set()


def fill_template(body: str, values: dict[str, str]) -> str:
    """`body` with its placeholders filled; unknown names become empty, and a paragraph whose placeholders
    are all empty (say "{order}" alone, or a sentence naming {forward_to} when nobody was named) is left out.

    A malformed template (an unmatched brace, a positional, attribute or index placeholder, a bad format
    spec) is returned as it stands: the officer edits the draft anyway, and a typo made in the admin must
    not lock the step.
    """
    formatter, mapping = _PlaceholderFormatter(), defaultdict(str, values)
    try:
        filled = [
            (formatter.vformat(paragraph, (), mapping), placeholders(paragraph))
            for paragraph in re.split(r"\n[ \t]*\n", body.strip())
        ]
    except (ValueError, IndexError, KeyError, AttributeError, TypeError):
        return body
    return "\n\n".join(
        text.strip() for text, names in filled
        if text.strip() and not (names and not any(str(mapping[name]).strip() for name in names))
    )


def _template_values(complaint: Complaint, decision: dict) -> dict[str, str]:
    return {
        "register_number": complaint.reference,
        "received_date": format_date_id(complaint.received_at),
        "summary": complaint.summary,
        "forward_to": decision.get("forward_to", ""),
        "order": decision.get("order", ""),
        "unit": complaint.unit.name,
    }


def _fallback_answer(complaint: Complaint, decision: dict) -> list[str]:
    """The draft when no template exists for the decision: a few plain sentences."""
    lines = [gettext(
        "Thank you for your complaint, recorded under number %(number)s. "
        "We have examined it carefully."
    ) % {"number": complaint.register_number}]
    decision_type = decision.get("decision_type")
    if decision_type == DecisionType.FORWARD:
        lines.append(gettext("Your complaint has been forwarded to %(unit)s, which is competent to handle it.")
                     % {"unit": decision.get("forward_to", "")})
    elif decision_type == DecisionType.EXAMINATION:
        lines.append(gettext("Your complaint will be followed up by an examination."))
    elif decision_type == DecisionType.NOT_WITHIN_AUTHORITY:
        lines.append(gettext("The matter you raise is outside our authority; we explain below where it can be handled."))
    return lines


@register
class DraftAnswer(StepKind):
    name = "draft_answer"
    label = _("Draft the answer")
    order = 40
    form_class = DraftAnswerForm
    produces_answer = True
    recognised_by = re.compile(
        r"\b(?:membuat|menyusun|menyiapkan|mengonsep|mengkonsep)\s+(?:\w+\s+){0,2}?jawaban\b", re.I)
    public_stage = _("The answer is prepared")

    def sample_output(self, sample: Sample) -> dict:
        return {"letter_number": f"700/{sample.register_seq:04d}/401.105/{sample.register_year}",
                "answer": "Terima kasih atas pengaduan Saudara. Aduan telah kami tindak lanjuti "
                          "bersama perangkat daerah terkait.",
                "order": "Sampaikan kepada pengadu."}

    def initial(self, complaint):
        decision = _decision_output(complaint)
        decision_type = decision.get("decision_type") or complaint.decision_type
        template = answer_template(complaint, decision_type)
        order = (decision.get("order") or "").strip()
        if template is None:
            lines = _fallback_answer(complaint, decision)
            if order:
                lines.append(order)
            lines.append(gettext("Thank you for your trust and your participation in improving public services."))
            return {"answer": "\n\n".join(lines)}
        answer = fill_template(template.body, _template_values(complaint, decision))
        # The Inspektur's order, for the Sekretaris to work into the letter, unless the template placed it.
        if order and "order" not in placeholders(template.body):
            answer = f"{answer}\n\n{order}"
        return {"answer": answer}
