"""The counting rules of the office calendar; pure, no database.

Default week: Mon-Thu 07:30-12:00 + 13:00-16:00, Fri 07:30-11:30 + 13:00-15:00, Sat/Sun closed.
"""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from pengaduan.workcalendar.calendar import DEFAULT_WEEK, BusinessCalendar, indonesian_holidays
from pengaduan.workcalendar.durations import Duration, DurationUnit, parse_duration

WIB = ZoneInfo("Asia/Jakarta")
CALENDAR = BusinessCalendar()


def wib(*args) -> datetime:
    return datetime(*args, tzinfo=WIB)


def due(start: datetime, text: str, calendar: BusinessCalendar = CALENDAR) -> datetime:
    return calendar.add(start, parse_duration(text))


# -- the default week and the holiday table ---------------------------------------------------------


def test_the_default_week_is_the_pemkot_schedule_with_a_short_friday():
    monday_to_thursday = ((time(7, 30), time(12, 0)), (time(13, 0), time(16, 0)))
    assert [DEFAULT_WEEK[weekday] for weekday in range(4)] == [monday_to_thursday] * 4
    assert DEFAULT_WEEK[4] == ((time(7, 30), time(11, 30)), (time(13, 0), time(15, 0)))
    assert DEFAULT_WEEK[5] == DEFAULT_WEEK[6] == ()
    assert CALENDAR.closed_weekdays == (5, 6)
    assert CALENDAR.tz.key == "Asia/Jakarta"


def test_the_holidays_package_knows_nyepi_and_idul_fitri_2026_with_their_cuti_bersama():
    # The fixture of the headline test below; if the package changes its table, that test is void.
    table = indonesian_holidays(2026)
    assert table[date(2026, 3, 18)] == "Cuti Bersama Hari Suci Nyepi"
    assert table[date(2026, 3, 19)] == "Hari Suci Nyepi"
    assert table[date(2026, 3, 20)] == "Cuti Bersama Hari Raya Idul Fitri"
    assert table[date(2026, 3, 21)] == "Hari Raya Idul Fitri"
    assert "Idul Fitri" in table[date(2026, 3, 22)]
    assert table[date(2026, 3, 23)] == table[date(2026, 3, 24)] == "Cuti Bersama Hari Raya Idul Fitri"
    assert table[date(2026, 4, 3)] == "Wafat Yesus Kristus"
    assert date(2026, 3, 25) not in table


def test_holidays_and_cuti_bersama_are_not_working_days_but_ordinary_days_are():
    assert not CALENDAR.is_working_day(date(2026, 3, 19))  # Nyepi, a Thursday
    assert not CALENDAR.is_working_day(date(2026, 3, 23))  # cuti bersama, a Monday
    assert not CALENDAR.is_working_day(date(2026, 3, 28))  # an ordinary Saturday
    assert CALENDAR.is_working_day(date(2026, 3, 25))
    assert BusinessCalendar(national_holidays=False).is_working_day(date(2026, 3, 19))


def test_office_periods_are_aware_datetimes_and_empty_on_days_off():
    assert CALENDAR.office_periods(date(2026, 4, 10)) == [  # a Friday
        (wib(2026, 4, 10, 7, 30), wib(2026, 4, 10, 11, 30)),
        (wib(2026, 4, 10, 13, 0), wib(2026, 4, 10, 15, 0)),
    ]
    assert CALENDAR.office_periods(date(2026, 4, 11)) == []  # Saturday
    assert CALENDAR.office_periods(date(2026, 12, 25)) == []  # Natal


def test_non_working_days_lists_holidays_even_on_weekends_but_not_ordinary_weekends():
    days = dict(CALENDAR.non_working_days(2026))
    assert days[date(2026, 3, 19)] == "Hari Suci Nyepi"
    assert days[date(2026, 3, 21)] == "Hari Raya Idul Fitri"  # a Saturday
    assert date(2026, 3, 28) not in days  # an ordinary Saturday
    assert list(days) == sorted(days)
    assert all(day.year == 2026 for day in days)


# -- working days -------------------------------------------------------------------------------------


def test_it_counts_ten_working_days_across_nyepi_and_idul_fitri():
    # Start Wed 2026-03-18 15:00 WIB, itself cuti bersama Nyepi; the start day never counts anyway.
    # Closed: 19 Nyepi, 20 cuti bersama Idul Fitri, 21-22 Idul Fitri (weekend), 23-24 cuti bersama.
    # Working days: 25 Wed (1), 26 Thu (2), 27 Fri (3), 30 Mon (4), 31 Tue (5), Apr 1 Wed (6),
    # Apr 2 Thu (7), [Apr 3 Fri Wafat Yesus Kristus, Apr 4-5 weekend], Apr 6 Mon (8), Apr 7 Tue (9),
    # Apr 8 Wed (10) -> due at Wednesday's closing time, 16:00.
    start = wib(2026, 3, 18, 15, 0)
    assert due(start, "maks 10 hari") == wib(2026, 4, 8, 16, 0)
    assert CALENDAR.working_days_between(start, wib(2026, 4, 8, 16, 0)) == 10


def test_the_start_day_does_not_count_even_when_the_step_starts_at_opening_time():
    assert due(wib(2026, 4, 13, 7, 30), "1 hari kerja") == wib(2026, 4, 14, 16, 0)  # Mon -> Tue close
    assert due(wib(2026, 4, 13, 23, 59), "1 hari kerja") == wib(2026, 4, 14, 16, 0)


def test_working_days_end_at_fridays_earlier_closing_time():
    assert due(wib(2026, 4, 9, 10, 0), "1 hari kerja") == wib(2026, 4, 10, 15, 0)  # Thu -> Fri 15:00


def test_a_working_day_step_started_on_saturday_ends_on_monday():
    assert due(wib(2026, 4, 11, 10, 0), "1 hari kerja") == wib(2026, 4, 13, 16, 0)


def test_working_days_cross_the_year_end_holidays():
    # Wed 2026-12-23: 28 Mon (1), 29 (2), 30 (3), 31 Thu (4), [Jan 1 2027 Fri holiday, 2-3 weekend],
    # Mon 2027-01-04 (5). Dec 24 (cuti bersama) and 25 (Natal) were skipped before the 28th.
    assert due(wib(2026, 12, 23, 9, 0), "5 hari kerja") == wib(2027, 1, 4, 16, 0)


# -- minutes and hours --------------------------------------------------------------------------------


def test_a_thirty_minute_step_started_at_15_45_on_thursday_ends_at_07_45_next_working_day():
    # 15 minutes until Thursday's 16:00 close, 15 more from Friday's 07:30 opening.
    assert due(wib(2026, 3, 26, 15, 45), "30 menit") == wib(2026, 3, 27, 7, 45)


def test_a_step_started_on_saturday_starts_its_clock_on_monday_at_07_30():
    assert due(wib(2026, 4, 11, 10, 0), "30 menit") == wib(2026, 4, 13, 8, 0)
    assert CALENDAR.next_opening(wib(2026, 4, 11, 10, 0)) == wib(2026, 4, 13, 7, 30)


def test_a_step_started_before_opening_starts_at_opening():
    assert due(wib(2026, 4, 13, 6, 0), "1 jam") == wib(2026, 4, 13, 8, 30)


def test_office_time_skips_the_lunch_break():
    assert due(wib(2026, 4, 13, 11, 30), "1 jam") == wib(2026, 4, 13, 13, 30)
    assert due(wib(2026, 4, 13, 12, 30), "30 menit") == wib(2026, 4, 13, 13, 30)  # started during the break


def test_a_duration_ending_exactly_at_closing_time_ends_at_closing_time():
    assert due(wib(2026, 4, 13, 11, 0), "1 jam") == wib(2026, 4, 13, 12, 0)  # not 13:00
    assert due(wib(2026, 4, 13, 15, 0), "1 jam") == wib(2026, 4, 13, 16, 0)  # not Tuesday 07:30


def test_a_step_started_exactly_at_closing_time_starts_at_the_next_opening():
    assert due(wib(2026, 4, 13, 16, 0), "30 menit") == wib(2026, 4, 14, 8, 0)


def test_friday_short_hours_are_respected():
    # Friday 11:00: 30 minutes until 11:30, the break lasts until 13:00, 30 more minutes.
    assert due(wib(2026, 4, 10, 11, 0), "1 jam") == wib(2026, 4, 10, 13, 30)
    # Friday 14:30: 30 minutes until the 15:00 close, then Monday 07:30 + 30 minutes.
    assert due(wib(2026, 4, 10, 14, 30), "1 jam") == wib(2026, 4, 13, 8, 0)


def test_office_hours_cross_the_2026_to_2027_year_end():
    # Wed 2026-12-23 15:00: one hour until 16:00; Dec 24 cuti bersama, 25 Natal, 26-27 weekend;
    # Mon Dec 28 07:30 + 1 hour.
    assert due(wib(2026, 12, 23, 15, 0), "2 jam") == wib(2026, 12, 28, 8, 30)
    # Thu 2026-12-31 15:30: 30 minutes until 16:00; Jan 1 2027 holiday, 2-3 weekend; Mon Jan 4 08:00.
    assert due(wib(2026, 12, 31, 15, 30), "1 jam") == wib(2027, 1, 4, 8, 0)


def test_many_hours_span_many_days():
    # A full Mon-Thu day holds 7.5 office hours, Friday 6; a plain week (Apr 13-17, 2026) holds 36.
    assert due(wib(2026, 4, 13, 7, 30), "36 jam") == wib(2026, 4, 17, 15, 0)
    assert due(wib(2026, 4, 13, 7, 30), "37 jam") == wib(2026, 4, 20, 8, 30)


# -- calendar days ------------------------------------------------------------------------------------


def test_calendar_days_are_exact_multiples_of_24_hours_even_over_weekends_and_holidays():
    assert due(wib(2026, 4, 10, 15, 0), "2 x 24 jam") == wib(2026, 4, 12, 15, 0)
    assert due(wib(2026, 3, 18, 15, 0), "3 hari kalender") == wib(2026, 3, 21, 15, 0)


# -- exceptions decreed by the admin -------------------------------------------------------------------


def test_an_extra_day_off_closes_a_working_day():
    calendar = BusinessCalendar(days_off={date(2026, 4, 13): "Hari Jadi Kota"})
    assert not calendar.is_working_day(date(2026, 4, 13))
    assert due(wib(2026, 4, 10, 10, 0), "1 hari kerja", calendar) == wib(2026, 4, 14, 16, 0)  # Fri -> Tue
    assert due(wib(2026, 4, 10, 14, 30), "1 jam", calendar) == wib(2026, 4, 14, 8, 0)
    assert (date(2026, 4, 13), "Hari Jadi Kota") in calendar.non_working_days(2026)


def test_an_extra_working_day_opens_a_holiday_with_that_weekdays_hours():
    friday_cuti_bersama = date(2026, 3, 20)
    calendar = BusinessCalendar(extra_working_days={friday_cuti_bersama: "Cuti bersama dibatalkan"})
    assert calendar.office_periods(friday_cuti_bersama)[-1][1] == wib(2026, 3, 20, 15, 0)
    assert due(wib(2026, 3, 18, 15, 0), "1 hari kerja", calendar) == wib(2026, 3, 20, 15, 0)
    assert friday_cuti_bersama not in dict(calendar.non_working_days(2026))


def test_an_extra_working_day_on_a_saturday_uses_mondays_hours():
    saturday = date(2026, 4, 11)
    calendar = BusinessCalendar(extra_working_days={saturday: "Pelayanan keliling"})
    assert calendar.office_periods(saturday) == [
        (wib(2026, 4, 11, 7, 30), wib(2026, 4, 11, 12, 0)),
        (wib(2026, 4, 11, 13, 0), wib(2026, 4, 11, 16, 0)),
    ]
    assert due(wib(2026, 4, 10, 14, 30), "1 jam", calendar) == wib(2026, 4, 11, 8, 0)


def test_an_extra_day_off_wins_over_an_extra_working_day_on_the_same_date():
    day = date(2026, 4, 11)
    calendar = BusinessCalendar(days_off={day: "libur"}, extra_working_days={day: "masuk"})
    assert not calendar.is_working_day(day)


def test_a_unit_week_replaces_the_default_week():
    saturday_service = BusinessCalendar(week={5: ((time(8, 0), time(12, 0)),)}, national_holidays=False)
    assert saturday_service.closed_weekdays == (0, 1, 2, 3, 4, 6)
    assert due(wib(2026, 4, 13, 9, 0), "1 hari kerja", saturday_service) == wib(2026, 4, 18, 12, 0)


def test_an_invalid_week_is_refused():
    with pytest.raises(ValueError, match="open before it closes"):
        BusinessCalendar(week={0: ((time(16, 0), time(7, 30)),)})
    with pytest.raises(ValueError, match="overlap"):
        BusinessCalendar(week={0: ((time(7, 30), time(12, 0)), (time(11, 0), time(16, 0)))})
    with pytest.raises(ValueError, match="Weekdays"):
        BusinessCalendar(week={7: ()})


def test_a_calendar_without_any_working_day_fails_instead_of_looping_forever():
    never_open = BusinessCalendar(week={}, national_holidays=False)
    with pytest.raises(ValueError, match="no working day"):
        due(wib(2026, 4, 13, 9, 0), "1 hari kerja", never_open)
    with pytest.raises(ValueError, match="no office hours"):
        due(wib(2026, 4, 13, 9, 0), "30 menit", never_open)


# -- time zones and odd input ---------------------------------------------------------------------


def test_a_naive_start_is_refused():
    with pytest.raises(ValueError, match="timezone-aware"):
        CALENDAR.add(datetime(2026, 4, 13, 9, 0), Duration(1, DurationUnit.HOURS))


def test_a_start_in_another_time_zone_is_converted_and_the_result_is_in_the_calendar_zone():
    start_utc = datetime(2026, 4, 13, 2, 0, tzinfo=UTC)  # 09:00 WIB
    deadline = CALENDAR.add(start_utc, Duration(1, DurationUnit.HOURS))
    assert deadline == wib(2026, 4, 13, 10, 0)
    assert deadline.tzinfo == WIB


def test_a_zero_duration_ends_where_it_starts_and_a_negative_one_is_refused():
    start = wib(2026, 4, 11, 10, 0)
    assert CALENDAR.add(start, Duration(0, DurationUnit.HOURS)) == start
    with pytest.raises(ValueError, match="negative"):
        CALENDAR.add(start, Duration(-1, DurationUnit.HOURS))


# -- measuring elapsed office time ------------------------------------------------------------------


def test_office_time_between_counts_only_office_periods():
    # Monday 07:00 (before opening) to Tuesday 08:30: Monday's 4.5 h + 3 h, Tuesday's first hour.
    elapsed = CALENDAR.office_time_between(wib(2026, 4, 13, 7, 0), wib(2026, 4, 14, 8, 30))
    assert elapsed == timedelta(hours=8, minutes=30)
    # Friday 14:00 to Monday 08:00: one hour on Friday, half an hour on Monday.
    elapsed = CALENDAR.office_time_between(wib(2026, 4, 10, 14, 0), wib(2026, 4, 13, 8, 0))
    assert elapsed == timedelta(hours=1, minutes=30)
    # Over Natal 2026: nothing between Thursday Dec 24 and Sunday Dec 27.
    assert CALENDAR.office_time_between(wib(2026, 12, 24, 0, 0), wib(2026, 12, 28, 0, 0)) == timedelta(0)


def test_office_time_between_is_zero_when_the_end_is_not_after_the_start():
    moment = wib(2026, 4, 13, 9, 0)
    assert CALENDAR.office_time_between(moment, moment) == timedelta(0)
    assert CALENDAR.office_time_between(moment, moment - timedelta(hours=2)) == timedelta(0)


@pytest.mark.parametrize(
    "start",
    [wib(2026, 3, 26, 15, 45), wib(2026, 4, 10, 11, 15), wib(2026, 12, 23, 9, 0), wib(2026, 4, 11, 10, 0)],
)
def test_office_time_between_measures_back_what_add_added(start):
    clock_start = CALENDAR.next_opening(start)
    for minutes in (1, 30, 90, 600, 6000):
        deadline = CALENDAR.add(start, Duration(minutes, DurationUnit.MINUTES))
        assert CALENDAR.office_time_between(clock_start, deadline) == timedelta(minutes=minutes)


def test_working_days_between_counts_days_after_the_start_day():
    assert CALENDAR.working_days_between(wib(2026, 4, 13, 9, 0), wib(2026, 4, 13, 15, 0)) == 0
    assert CALENDAR.working_days_between(wib(2026, 4, 10, 9, 0), wib(2026, 4, 13, 8, 0)) == 1  # Fri -> Mon
    assert CALENDAR.working_days_between(wib(2026, 4, 13, 9, 0), wib(2026, 4, 10, 9, 0)) == 0
