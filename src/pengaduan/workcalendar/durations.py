"""Time limits of SOP steps, as written in the SOP's "Waktu" column.

SOP tables are typed by people, so the same limit shows up as "maks 10 hari", "10 hari kerja",
"paling lama 10 (sepuluh) hari" or "10 working days". `parse_duration` reads all of them into one
`Duration`, so the rest of the system never has to guess again. Plain "hari"/"days" count as
WORKING days, as in Indonesian administrative practice, unless calendar days are said
("hari kalender", "calendar days", "2 x 24 jam").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum


class DurationUnit(StrEnum):
    MINUTES = "minutes"
    HOURS = "hours"
    WORKING_DAYS = "working_days"
    CALENDAR_DAYS = "calendar_days"


_LABEL_ID: dict[DurationUnit, str] = {
    DurationUnit.MINUTES: "menit",
    DurationUnit.HOURS: "jam",
    DurationUnit.WORKING_DAYS: "hari kerja",
    DurationUnit.CALENDAR_DAYS: "hari kalender",
}

_LABEL_EN: dict[DurationUnit, tuple[str, str]] = {
    DurationUnit.MINUTES: ("minute", "minutes"),
    DurationUnit.HOURS: ("hour", "hours"),
    DurationUnit.WORKING_DAYS: ("working day", "working days"),
    DurationUnit.CALENDAR_DAYS: ("calendar day", "calendar days"),
}


@dataclass(frozen=True)
class Duration:
    """A step's time limit. Minutes and hours are office time; see workcalendar.calendar for the rules."""

    amount: int
    unit: DurationUnit

    def __post_init__(self) -> None:
        # Values often come from the database as plain strings; normalise so `is` comparisons work.
        if not isinstance(self.unit, DurationUnit):
            object.__setattr__(self, "unit", DurationUnit(self.unit))

    def __str__(self) -> str:
        """Short Indonesian label, as shown to officers: "30 menit", "10 hari kerja"."""
        return f"{self.amount} {_LABEL_ID[self.unit]}"

    def label_en(self) -> str:
        """Short English label: "30 minutes", "1 working day"."""
        singular, plural = _LABEL_EN[self.unit]
        return f"{self.amount} {singular if self.amount == 1 else plural}"


_EXAMPLES = "e.g. '30 menit', '1 jam', '10 hari kerja', '3 hari kalender', '2 x 24 jam' or '10 working days'"

# A number not glued to a word, a dot, a comma or a dash (so "3-5 hari" and "v1.2 jam" are not read).
_NUMBER = r"(?<![\w.,\-])(?P<sign>[-+])?(?P<amount>\d+(?:[.,]\d+)?)"

# "2 x 24 jam", "2x24 jam", "1×24 hours": Indonesian for whole calendar days.
_TIMES_24 = re.compile(_NUMBER + r"\s*[x×]\s*24\s*(?:jam|hours?)\b", re.IGNORECASE)

_QUALIFIER = r"working|business|calendar|kerja|kalender"
_AMOUNT_AND_UNIT = re.compile(
    _NUMBER
    + r"\s*(?:\([^)]*\)\s*)?"  # "10 (sepuluh) hari"
    + rf"(?:(?P<before>{_QUALIFIER})\s+)?"  # "10 working days"
    + r"(?P<unit>menit|minutes?|mins?|jam|hours?|hrs?|hari|days?)\b"
    + rf"(?:\s*\(?\s*(?P<after>{_QUALIFIER})\b)?",  # "10 hari kerja", "10 hari (kalender)"
    re.IGNORECASE,
)

_OFFICE_TIME_UNITS: dict[str, DurationUnit] = {
    "menit": DurationUnit.MINUTES,
    "minute": DurationUnit.MINUTES,
    "minutes": DurationUnit.MINUTES,
    "min": DurationUnit.MINUTES,
    "mins": DurationUnit.MINUTES,
    "jam": DurationUnit.HOURS,
    "hour": DurationUnit.HOURS,
    "hours": DurationUnit.HOURS,
    "hr": DurationUnit.HOURS,
    "hrs": DurationUnit.HOURS,
}


def _whole_amount(match: re.Match[str], text: str) -> int:
    if match["sign"] == "-" or not match["amount"].isdigit() or int(match["amount"]) == 0:
        raise ValueError(f"The amount in {text!r} must be a positive whole number ({_EXAMPLES})")
    return int(match["amount"])


def _read_match(match: re.Match[str], text: str) -> Duration:
    amount = _whole_amount(match, text)
    unit_word = match["unit"].lower()
    qualifiers = {q.lower() for q in (match["before"], match["after"]) if q}
    calendar = bool(qualifiers & {"calendar", "kalender"})
    working = bool(qualifiers & {"working", "business", "kerja"})
    if calendar and working:
        raise ValueError(f"{text!r} says both working and calendar days; say only one")
    if unit_word in _OFFICE_TIME_UNITS:
        if calendar:
            raise ValueError(
                f"Cannot read {text!r}: minutes and hours always count office time; "
                "for calendar time write calendar days, e.g. '2 x 24 jam' or '2 hari kalender'"
            )
        return Duration(amount, _OFFICE_TIME_UNITS[unit_word])
    return Duration(amount, DurationUnit.CALENDAR_DAYS if calendar else DurationUnit.WORKING_DAYS)


def parse_duration(text: str) -> Duration:
    """Read an SOP time limit such as "maks 10 hari" or "30 minutes" (case-insensitive, extra words ignored).

    "1 jam 30 menit" is read as 90 minutes. Raises ValueError, quoting the text, when no single
    positive whole amount with a unit can be found.
    """
    if not isinstance(text, str) or not text.strip():
        raise ValueError(f"Cannot read a duration from {text!r}: it is empty ({_EXAMPLES})")

    times_24 = list(_TIMES_24.finditer(text))
    rest = text
    for match in times_24:  # blank it out so its "24 jam" is not read a second time
        rest = rest[: match.start()] + " " * (match.end() - match.start()) + rest[match.end() :]
    positioned = [(m.start(), Duration(_whole_amount(m, text), DurationUnit.CALENDAR_DAYS)) for m in times_24]
    positioned += [(m.start(), _read_match(m, text)) for m in _AMOUNT_AND_UNIT.finditer(rest)]
    found = [duration for _, duration in sorted(positioned, key=lambda pair: pair[0])]  # reading order

    if not found:
        raise ValueError(f"Cannot read a duration from {text!r} ({_EXAMPLES})")
    if len(found) == 1:
        return found[0]
    if [d.unit for d in found] == [DurationUnit.HOURS, DurationUnit.MINUTES]:
        return Duration(found[0].amount * 60 + found[1].amount, DurationUnit.MINUTES)
    raise ValueError(f"{text!r} contains several durations; give a single one ({_EXAMPLES})")
