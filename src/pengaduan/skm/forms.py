"""The SKM questionnaire as a form: nine required questions on the four-point scale, the rest optional."""

from django import forms
from django.utils.translation import gettext_lazy as _

from pengaduan.skm import regulation

COMMENT_MAX = 2000


class SurveyForm(forms.Form):
    comment = forms.CharField(
        label=_("Comments or suggestions (optional)"), required=False, max_length=COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Please do not write your name or contact details here."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for element in regulation.ELEMENTS:
            self.fields[element.field] = forms.TypedChoiceField(
                label=element.question, coerce=int, widget=forms.RadioSelect,
                choices=[(score, text) for score, text in zip(regulation.SCALE, element.answers)],
                error_messages={"required": _("Please choose one answer to this question."),
                                "invalid_choice": _("Please choose one of the four answers.")},
            )
            self.fields[element.field].element = element
        for name, label, choices in regulation.PROFILE:
            self.fields[name] = forms.ChoiceField(
                label=label, required=False, choices=[("", _("I prefer not to say")), *choices],
            )
        # The questions first, then the comment, then the profile: the order the page shows them in.
        order = [*regulation.FIELDS, "comment", *(name for name, _label, _choices in regulation.PROFILE)]
        self.order_fields(order)

    @staticmethod
    def answer_fields() -> tuple[str, ...]:
        return regulation.FIELDS

    @staticmethod
    def profile_fields() -> tuple[str, ...]:
        return tuple(name for name, _label, _choices in regulation.PROFILE)

    def questions(self):
        return [self[field] for field in regulation.FIELDS]

    def profile(self):
        return [self[name] for name, _label, _choices in regulation.PROFILE]
