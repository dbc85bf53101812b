"""The SKM (Survei Kepuasan Masyarakat) as PermenPANRB 14/2017 lays it out: its nine elements, the four-point
scale with the wording of each answer, the respondent's profile, the index (IKM) and its quality categories.

Sources (see docs/skm.md for what each figure rests on):
- Peraturan Menteri PANRB Nomor 14 Tahun 2017 tentang Pedoman Penyusunan Survei Kepuasan Masyarakat Unit
  Penyelenggara Pelayanan Publik, Pasal 1: every service provider runs the survey at least once a year.
- Its annex (Lampiran): the nine elements (ruang lingkup a–i), the sample questionnaire (the questions and the
  words of the four answers, scored 1 to 4), the processing: mean per element (NRR = sum of the answers /
  number of filled questionnaires), each element weighted equally (1 / number of elements, "1/9 = 0,11"),
  the index = sum of the weighted means, shown ×25 so it reads from 25 to 100; and the table of perception
  value, interval (NI), converted interval (NIK), quality (mutu A–D) and unit performance.
  We read the annex through copies published by units that apply it (the corpora held no official PDF): the
  figures below are those every copy agrees on.

Pure arithmetic on counts, no database: the report (reports/skm.py) sums the answers in SQL and calls `index`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

SCALE = (1, 2, 3, 4)
# "Untuk memudahkan interpretasi … dikonversikan dengan nilai dasar 25": 1..4 becomes 25..100.
CONVERSION = 25
TWO_PLACES = Decimal("0.01")


@dataclass(frozen=True)
class Element:
    """One element (unsur) of the survey: its number U1..U9, name, question and the words of answers 1 to 4."""

    number: int
    name: str
    question: str
    answers: tuple[str, str, str, str]

    @property
    def field(self) -> str:
        return f"u{self.number}"

    @property
    def code(self) -> str:
        return f"U{self.number}"


# The annex's ruang lingkup, in its order (a–i). Its sample questionnaire asks about facilities before complaint
# handling, so some units' reports number them U8/U9 the other way round: the columns are named in every export.
ELEMENTS: tuple[Element, ...] = (
    Element(1, _("Requirements"),
            _("How appropriate do you find the requirements of the service for the kind of service?"),
            (_("Not appropriate"), _("Less appropriate"), _("Appropriate"), _("Very appropriate"))),
    Element(2, _("System, mechanism and procedure"),
            _("How easy do you find the service procedure of this unit?"),
            (_("Not easy"), _("Less easy"), _("Easy"), _("Very easy"))),
    Element(3, _("Completion time"),
            _("How fast was the service given to you?"),
            (_("Not fast"), _("Less fast"), _("Fast"), _("Very fast"))),
    Element(4, _("Cost/tariff"),
            _("How reasonable was the cost or tariff of the service?"),
            (_("Very expensive"), _("Rather expensive"), _("Cheap"), _("Free of charge"))),
    Element(5, _("Product specification of the kind of service"),
            _("How well does the result you received match what the service standard promises?"),
            (_("Not appropriate"), _("Less appropriate"), _("Appropriate"), _("Very appropriate"))),
    Element(6, _("Competence of the officers"),
            _("How competent were the officers who served you?"),
            (_("Not competent"), _("Less competent"), _("Competent"), _("Very competent"))),
    Element(7, _("Behaviour of the officers"),
            _("How polite and friendly were the officers who served you?"),
            (_("Not polite and friendly"), _("Less polite and friendly"), _("Polite and friendly"),
             _("Very polite and friendly"))),
    Element(8, _("Handling of complaints, suggestions and input"),
            _("How are complaints of service users handled?"),
            (_("Not available"), _("Available but not working"), _("Working, but not fully"),
             _("Well managed"))),
    Element(9, _("Facilities and infrastructure"),
            _("How good are the facilities and infrastructure?"),
            (_("Poor"), _("Fair"), _("Good"), _("Very good"))),
)
FIELDS = tuple(element.field for element in ELEMENTS)
# "Bobot nilai rata-rata tertimbang = jumlah bobot / jumlah unsur": every element weighs the same. The annex
# writes the result rounded ("1/9 = 0,11"); we keep the exact fraction, so an all-4 survey is 100, not 99.
WEIGHT = Fraction(1, len(ELEMENTS))


# The respondent's profile the sample questionnaire asks for (optional here, never tied to a person). The
# questionnaire asks the age in years; we keep only a group, so that age, sex and schooling together name no one.
AGE_GROUPS = (
    ("under_20", _("under 20")),
    ("20_29", _("20–29")),
    ("30_39", _("30–39")),
    ("40_49", _("40–49")),
    ("50_59", _("50–59")),
    ("60_plus", _("60 or older")),
)
SEXES = (
    ("male", pgettext_lazy("sex", "Male")),
    ("female", pgettext_lazy("sex", "Female")),
)
EDUCATION = (
    ("sd", _("Primary school (SD) or less")),
    ("smp", _("Junior high school (SMP)")),
    ("sma", _("Senior high school (SMA/SMK)")),
    ("diploma", _("Diploma (D1–D4)")),
    ("s1", _("Bachelor (S1)")),
    ("s2", _("Master (S2)")),
    ("s3", _("Doctorate (S3)")),
)
OCCUPATIONS = (
    ("pns", _("Civil servant (PNS)")),
    ("tni", _("Armed forces (TNI)")),
    ("polri", _("Police (POLRI)")),
    ("private", _("Private employee")),
    ("entrepreneur", _("Self-employed")),
    ("other", _("Other")),
)
PROFILE = (
    ("age_group", _("Age"), AGE_GROUPS),
    ("sex", _("Sex"), SEXES),
    ("education", _("Education"), EDUCATION),
    ("occupation", _("Occupation"), OCCUPATIONS),
)


@dataclass(frozen=True)
class Category:
    """A row of the annex's table: perception value, interval (NI), converted interval (NIK), quality (mutu),
    performance of the unit. Bounds are inclusive, as printed."""

    perception: int
    value_low: Decimal
    value_high: Decimal
    ikm_low: Decimal
    ikm_high: Decimal
    grade: str
    label: str


CATEGORIES: tuple[Category, ...] = (
    Category(1, Decimal("1.00"), Decimal("2.5996"), Decimal("25.00"), Decimal("64.99"), "D", _("Not good")),
    Category(2, Decimal("2.60"), Decimal("3.064"), Decimal("65.00"), Decimal("76.60"), "C", _("Less than good")),
    Category(3, Decimal("3.0644"), Decimal("3.532"), Decimal("76.61"), Decimal("88.30"), "B", _("Good")),
    Category(4, Decimal("3.5324"), Decimal("4.00"), Decimal("88.31"), Decimal("100.00"), "A", _("Very good")),
)


def rounded(value: Fraction | Decimal | int, places: Decimal = TWO_PLACES) -> Decimal:
    """Half up, as the reports print it (Python's round() would round half to even)."""
    if isinstance(value, Fraction):
        value = Decimal(value.numerator) / Decimal(value.denominator)
    return Decimal(value).quantize(places, rounding=ROUND_HALF_UP)


def category(ikm: Fraction | Decimal) -> Category:
    """The quality category of an IKM (25..100). The table's intervals are printed to two decimals with gaps
    between them (64,99 | 65,00): the IKM is rounded to two decimals first, as it is published, so every value
    falls in exactly one row."""
    value = rounded(ikm)
    if not CATEGORIES[0].ikm_low <= value <= CATEGORIES[-1].ikm_high:
        raise ValueError(f"An IKM lies between 25 and 100, not {value}")
    return next(row for row in reversed(CATEGORIES) if value >= row.ikm_low)


@dataclass(frozen=True)
class Index:
    """The survey's figures, exact (fractions); `rounded()` them to print."""

    respondents: int
    means: tuple[Fraction, ...]  # NRR per element, 1..4
    weighted: tuple[Fraction, ...]  # NRR tertimbang per element (NRR × weight)
    value: Fraction  # the index on the 1..4 scale: the sum of the weighted means
    ikm: Fraction  # value × 25
    category: Category


def index(totals: Sequence[int], respondents: int, *, weight: Fraction = WEIGHT) -> Index | None:
    """The index from the sum of the answers to each element (U1..U9, in ELEMENTS' order) over `respondents`
    filled questionnaires; None without respondents. Every answer is required, so each element has
    `respondents` answers."""
    if len(totals) != len(ELEMENTS):
        raise ValueError(f"{len(ELEMENTS)} element totals expected, got {len(totals)}")
    if respondents <= 0:
        return None
    for total in totals:
        if not respondents * SCALE[0] <= total <= respondents * SCALE[-1]:
            raise ValueError(f"An element's total {total} cannot come from {respondents} answers of 1 to 4")
    means = tuple(Fraction(total, respondents) for total in totals)
    weighted = tuple(mean * weight for mean in means)
    value = sum(weighted, Fraction(0))
    ikm = value * CONVERSION
    return Index(respondents, means, weighted, value, ikm, category(ikm))
