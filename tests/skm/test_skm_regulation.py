"""The SKM arithmetic of PermenPANRB 14/2017: mean per element, equal weights, the index ×25 and its category."""

from decimal import Decimal
from fractions import Fraction

import pytest
from django.test import SimpleTestCase

from pengaduan.skm import regulation
from pengaduan.skm.regulation import category, index, rounded


class WorkedExamples(SimpleTestCase):
    def test_it_has_the_nine_elements_of_the_regulation_in_its_order(self):
        self.assertEqual([element.code for element in regulation.ELEMENTS], [f"U{n}" for n in range(1, 10)])
        self.assertEqual(str(regulation.ELEMENTS[7].name), "Penanganan pengaduan, saran dan masukan")
        self.assertEqual(regulation.WEIGHT, Fraction(1, 9))

    def test_it_reproduces_the_published_processing_of_one_questionnaire(self):
        # A Pemda's published "pengolahan data per responden dan per unsur" (Tulang Bawang Barat, 2023 semester 1):
        # one respondent, 4 on every element: NRR 4, NRR tertimbang 0,44 each, IKM 100, "Sangat Baik".
        result = index([4] * 9, 1)
        self.assertEqual([rounded(mean) for mean in result.means], [Decimal("4.00")] * 9)
        self.assertEqual([rounded(w) for w in result.weighted], [Decimal("0.44")] * 9)
        self.assertEqual(result.value, 4)
        self.assertEqual(result.ikm, 100)
        self.assertEqual((result.category.grade, str(result.category.label)), ("A", "Sangat baik"))

    def test_it_reproduces_a_worked_example_of_twenty_nine_respondents(self):
        # Totals per element U1..U9 over 29 questionnaires (a unit's worked example of the annex's processing).
        totals = [105, 101, 100, 116, 102, 105, 106, 105, 115]
        result = index(totals, 29)
        self.assertEqual([rounded(mean, Decimal("0.0001")) for mean in result.means],
                         [Decimal(v) for v in ("3.6207", "3.4828", "3.4483", "4.0000", "3.5172", "3.6207", "3.6552",
                                               "3.6207", "3.9655")])
        # Σ NRR tertimbang = Σ NRR / 9 = 955 / 261
        self.assertEqual(result.value, Fraction(955, 261))
        self.assertEqual(rounded(result.value, Decimal("0.0001")), Decimal("3.6590"))
        self.assertEqual(rounded(result.ikm), Decimal("91.48"))
        self.assertEqual(result.category.grade, "A")

    def test_it_keeps_the_exact_weight_where_the_annex_prints_it_rounded(self):
        # "1/9 = 0,11": with the rounded weight an all-4 survey would read 99, not the 100 the scale promises.
        self.assertEqual(index([4] * 9, 1, weight=Fraction(11, 100)).ikm, 99)
        self.assertEqual(index([4] * 9, 1).ikm, 100)

    def test_it_spans_25_to_100(self):
        self.assertEqual(index([7] * 9, 7).ikm, 25)
        self.assertEqual(index([7] * 9, 7).category.grade, "D")
        self.assertIsNone(index([0] * 9, 0))

    def test_it_refuses_totals_that_answers_of_one_to_four_cannot_give(self):
        with self.assertRaises(ValueError):
            index([41] * 9, 10)
        with self.assertRaises(ValueError):
            index([4] * 8, 1)


@pytest.mark.parametrize("ikm, grade", [
    ("25.00", "D"), ("64.99", "D"), ("64.994", "D"),
    ("64.995", "C"), ("65.00", "C"), ("76.60", "C"), ("76.604", "C"),
    ("76.605", "B"), ("76.61", "B"), ("88.30", "B"),
    ("88.305", "A"), ("88.31", "A"), ("100", "A"),
])
def test_it_puts_every_ikm_in_the_category_of_the_regulations_table(ikm, grade):
    assert category(Decimal(ikm)).grade == grade


@pytest.mark.parametrize("ikm", ["24.99", "100.01"])
def test_it_refuses_an_ikm_outside_25_to_100(ikm):
    with pytest.raises(ValueError):
        category(Decimal(ikm))


def test_it_matches_the_tables_two_columns():
    # NIK = NI × 25 at every bound the table prints (2,5996 × 25 = 64,99; 3,064 × 25 = 76,60; 3,532 × 25 = 88,30).
    for row in regulation.CATEGORIES:
        assert rounded(row.value_low * 25) == row.ikm_low
        assert rounded(row.value_high * 25) == row.ikm_high
    assert [(row.grade, str(row.label)) for row in regulation.CATEGORIES] == [
        ("D", "Tidak baik"), ("C", "Kurang baik"), ("B", "Baik"), ("A", "Sangat baik")]
