"""Reading SOP time limits ("Waktu") into durations; no database needed."""

import pytest

from pengaduan.workcalendar.durations import Duration, DurationUnit, parse_duration

MINUTES, HOURS = DurationUnit.MINUTES, DurationUnit.HOURS
WORKING_DAYS, CALENDAR_DAYS = DurationUnit.WORKING_DAYS, DurationUnit.CALENDAR_DAYS


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("30 menit", Duration(30, MINUTES)),
        ("1 jam", Duration(1, HOURS)),
        ("maks 10 hari", Duration(10, WORKING_DAYS)),
        ("maksimal 10 hari", Duration(10, WORKING_DAYS)),
        ("paling lama 10 hari", Duration(10, WORKING_DAYS)),
        ("10 hari kerja", Duration(10, WORKING_DAYS)),
        ("3 hari kalender", Duration(3, CALENDAR_DAYS)),
        ("2 x 24 jam", Duration(2, CALENDAR_DAYS)),
        ("2x24 jam", Duration(2, CALENDAR_DAYS)),
        ("1 × 24 jam", Duration(1, CALENDAR_DAYS)),
        ("30 minutes", Duration(30, MINUTES)),
        ("1 hour", Duration(1, HOURS)),
        ("2 hours", Duration(2, HOURS)),
        ("10 working days", Duration(10, WORKING_DAYS)),
        ("10 days", Duration(10, WORKING_DAYS)),
        ("5 calendar days", Duration(5, CALENDAR_DAYS)),
        ("10 business days", Duration(10, WORKING_DAYS)),
    ],
)
def test_it_reads_the_time_limits_found_in_sops(text, expected):
    assert parse_duration(text) == expected


@pytest.mark.parametrize("text", ["MAKS 10 HARI", "Maksimal 10 Hari Kerja", "  paling lama   10   hari.  "])
def test_it_ignores_case_spacing_and_extra_words(text):
    assert parse_duration(text) == Duration(10, WORKING_DAYS)


def test_it_reads_an_amount_spelled_out_in_brackets():
    assert parse_duration("paling lama 14 (empat belas) hari kerja") == Duration(14, WORKING_DAYS)


def test_it_reads_hours_and_minutes_together_as_minutes():
    assert parse_duration("1 jam 30 menit") == Duration(90, MINUTES)


def test_plain_days_are_working_days_unless_calendar_days_are_said():
    assert parse_duration("7 hari").unit is WORKING_DAYS
    assert parse_duration("7 hari (kalender)").unit is CALENDAR_DAYS


@pytest.mark.parametrize("text", ["", "   ", "segera", "secepatnya", "jam kerja", "3-5 hari", "1 hari 2 hari"])
def test_it_refuses_text_without_a_single_duration_and_quotes_it(text):
    with pytest.raises(ValueError) as error:
        parse_duration(text)
    assert repr(text) in str(error.value)


@pytest.mark.parametrize("text", ["0 hari", "-2 jam", "1,5 jam", "1.5 hours"])
def test_the_amount_must_be_a_positive_whole_number(text):
    with pytest.raises(ValueError, match="positive whole number") as error:
        parse_duration(text)
    assert repr(text) in str(error.value)


def test_calendar_hours_are_refused_because_hours_are_office_time():
    with pytest.raises(ValueError, match="office time"):
        parse_duration("5 jam kalender")


@pytest.mark.parametrize(
    ("duration", "indonesian", "english"),
    [
        (Duration(30, MINUTES), "30 menit", "30 minutes"),
        (Duration(1, MINUTES), "1 menit", "1 minute"),
        (Duration(1, HOURS), "1 jam", "1 hour"),
        (Duration(2, HOURS), "2 jam", "2 hours"),
        (Duration(10, WORKING_DAYS), "10 hari kerja", "10 working days"),
        (Duration(1, WORKING_DAYS), "1 hari kerja", "1 working day"),
        (Duration(2, CALENDAR_DAYS), "2 hari kalender", "2 calendar days"),
    ],
)
def test_it_labels_durations_in_indonesian_and_english(duration, indonesian, english):
    assert str(duration) == indonesian
    assert duration.label_en() == english


def test_labels_read_back_to_the_same_duration():
    for duration in (Duration(30, MINUTES), Duration(3, HOURS), Duration(10, WORKING_DAYS), Duration(2, CALENDAR_DAYS)):
        assert parse_duration(str(duration)) == duration
        assert parse_duration(duration.label_en()) == duration


def test_a_unit_stored_as_plain_text_becomes_a_duration_unit():
    assert Duration(3, "working_days").unit is WORKING_DAYS
    assert Duration(3, "working_days") == Duration(3, WORKING_DAYS)
