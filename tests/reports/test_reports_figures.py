"""Every report figure against a hand-computed expectation on the fixed data set (tests/reports/conftest.py).

Office seconds per finished step, worked out from the office hours (see conftest):
    A: 1: 0; 2: 08:00–08:06 = 360; 3: Mon 2 Nov 08:06–16:00 (24 840) + Tue 27 000 + Wed 07:30–10:00 (9 000)
       = 60 840; 4: 10:00–10:30 = 1 800; 5: 10:30–10:45 = 900.
    B: 1: 09:00–10:00 = 3 600 (late, due 09:30); 2: Tue 10:00–Thu 10:08 gross 54 480 less the pause Tue 10:05–
       Thu 10:00 (17 700 + 27 000 + 9 000 = 53 700) = 780 (late: the deadline moved from Tue 10:10 to Thu 10:05);
       3: Thu 10:08–16:00 (17 520) + Fri 07:30–09:00 (5 400) = 22 920; 4: Fri 09:00–11:00 = 7 200 (late);
       5: Fri 11:00–11:30 + 13:00–13:10 = 2 400 (late, due 11:30).
    C: 1: 0; 2: 600 (done exactly at the deadline: on time); 3: Mon 21 Dec 08:10–16:00 (24 600) + 22 and 23 Dec
       (54 000) + 24–27 Dec closed + Mon 28 Dec 07:30–09:00 (5 400) = 84 000; 4: 1 800; 5: 1 200.
    D: 1: 0; 2: 1 200 (late).
Percentiles interpolate linearly (PostgreSQL's percentile_cont): p of sorted v[0..n-1] is at position p·(n-1).
"""

from datetime import date

import pytest
from django.utils import translation

from factories import wib
from pengaduan.reports import selectors
from pengaduan.reports.models import ComplaintStat, StepRunStat
from pengaduan.reports.periods import Period

pytestmark = pytest.mark.django_db

NOVEMBER = Period.month(2026, 11)
DECEMBER = Period.month(2026, 12)
Q4 = Period.quarter(2026, 4)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def by_step(rows):
    return {row.step.number: (row.done, row.on_time, row.median, row.p90) for row in rows}


def test_it_measures_each_step_in_office_time_net_of_pauses(data_set):
    stats = {(s.complaint_id, s.step_number): (s.office_seconds, s.paused_office_seconds, s.on_time)
             for s in StepRunStat.objects.all()}
    a, b, c, d = data_set.a.pk, data_set.b.pk, data_set.c.pk, data_set.d.pk
    assert stats == {
        (a, 1): (0, 0, True), (a, 2): (360, 0, True), (a, 3): (60840, 0, True), (a, 4): (1800, 0, True),
        (a, 5): (900, 0, True),
        (b, 1): (3600, 0, False), (b, 2): (780, 53700, False), (b, 3): (22920, 0, True), (b, 4): (7200, 0, False),
        (b, 5): (2400, 0, False),
        (c, 1): (0, 0, True), (c, 2): (600, 0, True), (c, 3): (84000, 0, True), (c, 4): (1800, 0, True),
        (c, 5): (1200, 0, True),
        (d, 1): (0, 0, True), (d, 2): (1200, 0, False),
    }


def test_it_allows_each_step_its_sop_time_in_office_time(data_set):
    standard = dict(StepRunStat.objects.filter(complaint=data_set.c).values_list("step_number", "standard_seconds"))
    # Step 3 of C: 10 working days after Mon 21 Dec skip 24–25 Dec, 1 Jan and 5 Jan 2027 (Isra Mikraj): due
    # Fri 8 Jan 15:00. 24 600 + 54 000 + 28–31 Dec 108 000 + 4, 6, 7 Jan 81 000 + Fri 8 Jan 21 600 = 289 200.
    assert standard == {1: 1800, 2: 600, 3: 289200, 4: 3600, 5: 1800}
    # B's step 2: 10 minutes, whatever the pause.
    assert StepRunStat.objects.get(complaint=data_set.b, step_number=2).standard_seconds == 600


def test_it_counts_the_time_to_answer_in_working_days_and_office_time(data_set):
    stats = {s.complaint_id: (s.working_days, s.office_seconds, s.paused_office_seconds, s.within_sop, s.answered_month)
             for s in ComplaintStat.objects.all()}
    assert stats == {
        # Mon 2 Nov 08:00 → Wed 4 Nov 10:45: Tue and Wed; 25 200 + 27 000 + 11 700.
        data_set.a.pk: (2, 63900, 0, True, date(2026, 11, 1)),
        # Tue 3 Nov 09:00 → Fri 6 Nov 13:10: Wed, Thu, Fri; 90 600 less 53 700 waiting; late steps, on time overall.
        data_set.b.pk: (3, 36900, 53700, True, date(2026, 11, 1)),
        # Mon 21 Dec → Mon 28 Dec: 22, 23 and 28 Dec (24–25 Dec closed, 26–27 a weekend).
        data_set.c.pk: (3, 87600, 0, True, date(2026, 12, 1)),
    }
    assert ComplaintStat.objects.get(pk=data_set.b.pk).standard_seconds == 1800 + 600 + 276720 + 3600 + 1800


def test_it_reports_compliance_per_step_for_a_month(data_set):
    rows = selectors.compliance_by_step(unit=data_set.unit, period=NOVEMBER)
    assert [row.step.standard for row in rows] == ["30 menit", "10 menit", "maks 10 hari", "1 jam", "30 menit"]
    assert by_step(rows) == {
        1: (3, 2, 0, pytest.approx(2880)),        # [0, 0, 3600]: p90 at 1.8 → 0 + 0.8 · 3600
        2: (3, 1, 780, pytest.approx(1116)),      # [360, 780, 1200]: 780 + 0.8 · 420
        3: (2, 2, 41880, pytest.approx(57048)),   # [22 920, 60 840]: halfway; 22 920 + 0.9 · 37 920
        4: (2, 1, 4500, pytest.approx(6660)),     # [1 800, 7 200]
        5: (2, 1, 1650, pytest.approx(2250)),     # [900, 2 400]
    }
    assert rows[1].paused == 53700 and rows[1].on_time_share == pytest.approx(100 / 3)
    assert rows[0].standard_median == 1800


def test_it_reports_compliance_per_step_for_a_quarter(data_set):
    rows = selectors.compliance_by_step(unit=data_set.unit, period=Q4)
    assert by_step(rows) == {
        1: (4, 3, 0, pytest.approx(2520)),        # [0, 0, 0, 3600]: p90 at 2.7
        2: (4, 2, 690, pytest.approx(1074)),      # [360, 600, 780, 1200]: median at 1.5
        3: (3, 3, 60840, pytest.approx(79368)),   # [22 920, 60 840, 84 000]
        4: (3, 2, 1800, pytest.approx(6120)),     # [1 800, 1 800, 7 200]
        5: (3, 2, 1200, pytest.approx(2160)),     # [900, 1 200, 2 400]
    }


def test_it_reports_compliance_per_officer(data_set):
    rows = selectors.compliance_by_officer(unit=data_set.unit, period=NOVEMBER)
    assert [(row.name, row.step.number, row.done, row.on_time, row.median) for row in rows] == [
        ("Inspektur", 3, 2, 2, 41880),
        ("Jfu", 1, 3, 2, 0),
        ("Jfu", 5, 2, 1, 1650),
        ("Sekretaris", 2, 3, 1, 780),
        ("Sekretaris", 4, 2, 1, 4500),
    ]


def test_it_reports_the_monthly_trend(data_set):
    rows = selectors.compliance_by_month(unit=data_set.unit, period=Q4)
    assert [(row.month, row.steps_done, row.steps_on_time, row.answered, row.within_sop, row.median_working_days)
            for row in rows] == [
        (date(2026, 10, 1), 0, 0, 0, 0, None),
        (date(2026, 11, 1), 12, 7, 2, 2, 2.5),
        (date(2026, 12, 1), 5, 5, 1, 1, 3),
    ]


def test_it_finds_where_cases_wait_longest(data_set):
    now = wib(2026, 12, 29, 10, 0)
    waiting = {row.step.number: (row.open, row.overdue, row.oldest_started_at)
               for row in selectors.waiting_by_step(unit=data_set.unit, now=now)}
    assert waiting == {1: (1, 1, wib(2026, 11, 30, 15, 0)), 2: (0, 0, None), 3: (1, 1, wib(2026, 11, 23, 9, 20)),
                       4: (0, 0, None), 5: (0, 0, None)}
    longest = selectors.waiting_longest(unit=data_set.unit, now=now)
    assert [(case.run.complaint_id, case.step.number, case.working_days, case.overdue) for case in longest] == [
        (data_set.d.pk, 3, 24, True),   # 24 Nov–29 Dec: 26 weekdays less 24 and 25 Dec
        (data_set.e.pk, 1, 19, True),
    ]
    # E: Mon 30 Nov 15:00–16:00, 1–23 Dec (12 Mon–Thu, 3 Fri, and Mon–Wed 21–23), Mon 28, Tue 29 to 10:00.
    assert longest[1].office_seconds == 3600 + 81000 + 21600 + 108000 + 21600 + 108000 + 21600 + 81000 + 27000 + 9000


def test_it_reports_the_answers_of_a_month_and_of_a_year(data_set):
    november = selectors.answer_figures(unit=data_set.unit, period=NOVEMBER)
    assert (november.answered, november.within_sop, november.average_working_days, november.median_working_days,
            november.longest_working_days, november.average_office_seconds, november.longest_office_seconds) == (
        2, 2, 2.5, 2.5, 3, 50400, 63900)
    year = selectors.answer_figures(unit=data_set.unit, period=Period.year(2026))
    assert (year.answered, year.within_sop, year.longest_working_days, year.longest_office_seconds) == (3, 3, 3, 87600)
    assert year.average_working_days == pytest.approx(8 / 3) and year.average_office_seconds == pytest.approx(62800)
    assert year.within_sop_share == 100


def test_it_builds_the_periodic_figures(data_set):
    figures = selectors.periodic_figures(unit=data_set.unit, period=NOVEMBER)
    assert (figures.received, figures.set_aside, figures.answered_of_received, figures.open_of_received) == (4, 1, 2, 2)
    breakdowns = {b.title: b.rows for b in figures.breakdowns}
    assert breakdowns == {
        "Channel": [("Website", 2), ("Letter", 1), ("Complaint room (in person)", 1)],
        "Type": [("Complaint", 4)],
        "Category": [("Pungutan liar", 2), ("(not categorised yet)", 1), ("Administrasi kependudukan", 1)],
        "Subject of the complaint": [("Dinas Kependudukan dan Pencatatan Sipil", 1), ("Dinas Perhubungan", 1),
                                     ("Kelurahan Manguharjo", 1), ("Kelurahan Taman", 1)],
        "Follow-up decision": [("(not decided yet)", 2), ("Answer directly", 1),
                               ("Not within our authority", 1)],
        "Outcome (today)": [("Answered", 2), ("In progress", 2)],
    }
    assert (figures.ratings.count, figures.ratings.average, figures.ratings.by_score) == (
        2, 4.5, {5: 1, 4: 1, 3: 0, 2: 0, 1: 0})
    # End of November: D waits at step 3 (due 7 Dec), E at step 1 (due 30 Nov 15:30): one overdue.
    assert (figures.end.open, figures.end.overdue) == (2, 1)
    assert figures.months == [] and figures.received_by_month == []


def test_it_counts_open_and_overdue_cases_at_the_end_of_each_period(data_set):
    unit = data_set.unit
    assert selectors.at_period_end(unit=unit, period=DECEMBER) == selectors.PeriodEnd(open=2, overdue=2)
    # At the end of 3 November A was at step 3 (due 16 Nov) and B waited for the complainant in step 2, whose
    # deadline (Tue 10:10) had passed: both open, neither overdue.
    assert selectors.at_period_end(unit=unit, period=Period.days(date(2026, 11, 1), date(2026, 11, 3))) == (
        selectors.PeriodEnd(open=2, overdue=0))
    assert selectors.at_period_end(unit=unit, period=Period.month(2026, 10)) == selectors.PeriodEnd(0, 0)


def test_it_adds_the_months_to_a_quarterly_report(data_set):
    figures = selectors.periodic_figures(unit=data_set.unit, period=Q4)
    assert figures.received == 5 and figures.received_by_month == [0, 4, 1]
    assert [(row.answered, row.within_sop) for row in figures.months] == [(0, 0), (2, 2), (1, 1)]
    assert (figures.ratings.count, figures.ratings.average) == (3, 4)


def test_it_gives_the_public_statistics_of_a_year(data_set):
    stats = selectors.public_statistics(unit=data_set.unit, year=2026)
    assert stats.received == 5
    assert stats.received_by_month == [0] * 10 + [4, 1]
    assert stats.answered_by_month == [0] * 10 + [2, 1]
    assert (stats.answers.answered, stats.answers.within_sop_share) == (3, 100)
    assert stats.answers.average_working_days == pytest.approx(8 / 3)
    assert stats.categories.rows == [("Pungutan liar", 2), ("(not categorised yet)", 1),
                                     ("Administrasi kependudukan", 1), ("Perizinan", 1)]


def test_it_compares_this_month_with_the_last(data_set):
    december, november = selectors.month_comparison(unit=data_set.unit, month=DECEMBER)
    assert (december.period, december.received, december.answers.answered) == (DECEMBER, 1, 1)
    assert (november.period, november.received, november.answers.answered) == (NOVEMBER, 4, 2)
    received, shares = selectors.trend(unit=data_set.unit, months=Q4.months())
    assert received == [0, 4, 1] and shares == [None, 100, 100]


def test_it_leaves_other_units_out(data_set, outsider):
    other = outsider.memberships.first().unit
    assert selectors.periodic_figures(unit=other, period=Q4).received == 0
    assert [row.done for row in selectors.compliance_by_step(unit=other, period=Q4)] == [0, 0, 0, 0, 0]
    assert selectors.answer_figures(unit=other, period=Q4).answered == 0
