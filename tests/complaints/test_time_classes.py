"""The SP4N-LAPOR! time classes, counted on the unit calendar, and reported beside the SOP's Mutu Baku.

The case around Idul Fitri 2026: received Tuesday 17 March at 10:00. Then Nyepi (cuti bersama 18, holiday 19),
Idul Fitri (cuti bersama 20, 23 and 24, holidays 21 and 22) and the weekend: the first working day after is
Wednesday 25 March. Three working days are 25, 26 and 27 March; five run to Tuesday 31 March; ten to Wednesday
8 April (Good Friday, 3 April, is a holiday too).
"""

from datetime import date

import pytest
from django.urls import reverse

from pengaduan.complaints import figures, time_classes
from pengaduan.complaints.engine import complaint_receive, complaint_record, step_complete
from pengaduan.complaints.figure_models import TimeClassDay, TimeClassFact
from pengaduan.complaints.models import Complaint
from pengaduan.reports import selectors
from pengaduan.reports.periods import Period
from pengaduan.sop.schema import TimeClasses
from pengaduan.workcalendar.calendar import BusinessCalendar
from factories import PASSWORD, intake_data, wib
from madiun_steps import PERFORMER, STEP_DATA

CALENDAR = BusinessCalendar()
RECEIVED = wib(2026, 3, 17, 10, 0)


def test_the_days_around_idul_fitri_2026_are_cuti_bersama_and_holidays():
    assert [day for day in range(17, 26) if CALENDAR.is_working_day(date(2026, 3, day))] == [17, 25]


def test_it_counts_three_working_days_of_verification_across_cuti_bersama():
    assert time_classes.kept(CALENDAR, RECEIVED, wib(2026, 3, 27, 14, 0), "3 hari kerja")
    assert not time_classes.kept(CALENDAR, RECEIVED, wib(2026, 3, 30, 8, 0), "3 hari kerja")
    # Without the decreed days off the same verification would have been late.
    assert not time_classes.kept(BusinessCalendar(national_holidays=False), RECEIVED, wib(2026, 3, 27, 14, 0),
                                 "3 hari kerja")


def test_it_counts_five_working_days_of_follow_up_across_cuti_bersama():
    assert time_classes.kept(CALENDAR, RECEIVED, wib(2026, 3, 31, 15, 0), "5 hari kerja")
    assert not time_classes.kept(CALENDAR, RECEIVED, wib(2026, 4, 1, 8, 0), "5 hari kerja")


def test_it_leaves_out_the_time_waiting_for_the_complainant():
    # One office day (8.5 hours, Wednesday 1 April) waited for the complainant moves the limit on by as much.
    waited = int(8.5 * 3600)
    assert not time_classes.kept(CALENDAR, RECEIVED, wib(2026, 4, 1, 15, 0), "5 hari kerja")
    assert time_classes.kept(CALENDAR, RECEIVED, wib(2026, 4, 1, 15, 0), "5 hari kerja", waited_seconds=waited)


def test_it_measures_a_case_that_needed_an_examination_against_its_longer_class():
    classes = TimeClasses()
    measured = time_classes.measure(calendar=CALENDAR, classes=classes, received_at=RECEIVED,
                                    recorded_at=wib(2026, 3, 25, 9, 0), ended_at=wib(2026, 5, 20, 9, 0),
                                    answered=True, examined=True)
    assert measured == time_classes.Measured(True, time_classes.FOLLOW_UP_EXAMINATION, True, False)
    plain = time_classes.measure(calendar=CALENDAR, classes=classes, received_at=RECEIVED,
                                 recorded_at=wib(2026, 3, 25, 9, 0), ended_at=wib(2026, 5, 20, 9, 0),
                                 answered=True, examined=False)
    assert plain == time_classes.Measured(True, time_classes.FOLLOW_UP, False, False)


def test_it_counts_a_case_closed_without_reply_as_such_not_as_followed_up():
    measured = time_classes.measure(calendar=CALENDAR, classes=TimeClasses(), received_at=RECEIVED,
                                    recorded_at=wib(2026, 3, 17, 11, 0), ended_at=wib(2026, 4, 9, 9, 0),
                                    answered=False, examined=False)
    assert measured == time_classes.Measured(True, "", None, True)


# -- the figures and the report ----------------------------------------------------------------------------------

@pytest.mark.django_db
def test_it_records_the_classes_of_an_answered_case_in_the_rollup(unit, staff):
    complaint = complaint_receive(unit=unit, data=intake_data(channel="web"), now=RECEIVED)
    step_complete(complaint=complaint, actor=staff["jfu"], step_number=1, data=intake_data(channel="web"),
                  now=wib(2026, 3, 26, 9, 0))  # verified on the second working day after the holidays
    for number, day in zip(range(2, 6), (26, 27, 30, 31)):
        step_complete(complaint=complaint, actor=staff[PERFORMER[number]], step_number=number,
                      data=STEP_DATA[number], now=wib(2026, 3, day, 14, 0))
    complaint.refresh_from_db()
    assert complaint.status == Complaint.Status.CLOSED
    fact = TimeClassFact.objects.get(pk=complaint.pk)
    assert (fact.verified_within, fact.follow_up_class, fact.followed_up_within, fact.no_reply) == (
        True, "follow_up", True, False)
    rows = set(TimeClassDay.objects.values_list("measure", "day", "n", "within"))
    assert rows == {("verification", date(2026, 3, 31), 1, 1), ("follow_up", date(2026, 3, 31), 1, 1)}
    # Counting it again (a repair) replaces its figures instead of adding them twice.
    figures.time_classes_counted(complaint)
    assert set(TimeClassDay.objects.values_list("measure", "day", "n", "within")) == rows
    figures.rebuild_stats(everything=True)
    assert set(TimeClassDay.objects.values_list("measure", "day", "n", "within")) == rows


@pytest.mark.django_db
def test_the_compliance_report_shows_the_classes_beside_the_mutu_baku(client, unit, staff):
    complaint = complaint_record(unit=unit, actor=staff["jfu"], data=intake_data(), now=RECEIVED)
    for number in range(2, 6):  # answered 6 April: past the 5 working days of the follow-up class
        step_complete(complaint=complaint, actor=staff[PERFORMER[number]], step_number=number,
                      data=STEP_DATA[number], now=wib(2026, 4, 1 + number, 14, 0))
    client.login(username="inspektur", password=PASSWORD)
    page = client.get(reverse("reports:compliance"), {"kind": "year", "year": 2026}).text
    assert "SP4N-LAPOR!" in page and "kelas-waktu" in page
    assert "3 hari kerja" in page and "5 hari kerja" in page and "60 hari kerja" in page
    rows = {row.measure: row for row in selectors.time_class_figures(unit=unit, period=Period.year(2026))}
    assert (rows["verification"].measured, rows["verification"].within) == (1, 1)
    assert (rows["follow_up"].measured, rows["follow_up"].within) == (1, 0)  # 6 April: past 31 March
    # Beside it the SOP's own: step 1 done at once (on time), the answer within the steps' Mutu Baku.
    assert (rows["verification"].sop_measured, rows["verification"].sop_within) == (1, 1)
    assert rows["follow_up"].sop_measured == 1


def test_every_time_class_fits_the_columns_that_store_it():
    # SQLite does not enforce a CharField's length; PostgreSQL refuses a longer value when the case ends.
    from pengaduan.complaints.figure_models import TimeClassDay, TimeClassFact
    from pengaduan.complaints.time_classes import MEASURES

    longest = max(len(measure) for measure in MEASURES)
    assert longest <= TimeClassFact._meta.get_field("follow_up_class").max_length
    assert longest <= TimeClassDay._meta.get_field("measure").max_length
