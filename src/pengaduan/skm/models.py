"""One filled SKM questionnaire per closed complaint, kept without the respondent's identity."""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from pengaduan.skm import regulation
from pengaduan.units.models import Unit


def _answer(element: regulation.Element) -> models.PositiveSmallIntegerField:
    return models.PositiveSmallIntegerField(
        format_lazy("{} {}", element.code, element.name), choices=[(n, str(n)) for n in regulation.SCALE],
    )


class SurveyResponse(models.Model):
    """The nine answers (1–4), a free comment and the optional profile of one respondent.

    Not linked to the complaint or the complainant: `complaint_key` (a keyed hash of the complaint's id,
    skm/services.py) keeps one response per complaint, and nobody reading the table can tell whose answers they
    are. The day, not the time, is kept: a time could be matched against the complaint's events.
    """

    complaint_key = models.CharField(_("complaint (keyed hash)"), max_length=64, unique=True, editable=False)
    # The unit whose service is rated: the one that answered the complaint (skm/services.py).
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="survey_responses", verbose_name=_("unit"))
    answered_on = models.DateField(_("answered on"), default=timezone.localdate)
    u1 = _answer(regulation.ELEMENTS[0])
    u2 = _answer(regulation.ELEMENTS[1])
    u3 = _answer(regulation.ELEMENTS[2])
    u4 = _answer(regulation.ELEMENTS[3])
    u5 = _answer(regulation.ELEMENTS[4])
    u6 = _answer(regulation.ELEMENTS[5])
    u7 = _answer(regulation.ELEMENTS[6])
    u8 = _answer(regulation.ELEMENTS[7])
    u9 = _answer(regulation.ELEMENTS[8])
    comment = models.TextField(_("comment or suggestion"), blank=True)
    age_group = models.CharField(_("age"), max_length=10, choices=regulation.AGE_GROUPS, blank=True)
    sex = models.CharField(_("sex"), max_length=10, choices=regulation.SEXES, blank=True)
    education = models.CharField(_("education"), max_length=10, choices=regulation.EDUCATION, blank=True)
    occupation = models.CharField(_("occupation"), max_length=15, choices=regulation.OCCUPATIONS, blank=True)

    class Meta:
        verbose_name = _("SKM response")
        verbose_name_plural = _("SKM responses")
        ordering = ["-answered_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(u1__gte=1, u1__lte=4, u2__gte=1, u2__lte=4, u3__gte=1, u3__lte=4, u4__gte=1, u4__lte=4,
                            u5__gte=1, u5__lte=4, u6__gte=1, u6__lte=4, u7__gte=1, u7__lte=4, u8__gte=1, u8__lte=4,
                            u9__gte=1, u9__lte=4),
                name="skm_surveyresponse_answers_1_to_4",
            ),
        ]
        indexes = [
            # reports/skm.py `skm_summary`: one unit's responses in a period (and the public page's years).
            models.Index(fields=["unit", "answered_on"], name="skm_response_unit_day"),
            # The whole Pemda's summary: every response in a period.
            models.Index(fields=["answered_on"], name="skm_response_day"),
        ]

    def __str__(self):
        return f"SKM {self.unit_id} {self.answered_on}"

    def answers(self) -> tuple[int, ...]:
        return tuple(getattr(self, field) for field in regulation.FIELDS)
