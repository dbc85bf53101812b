"""A finished case measured against the SP4N-LAPOR! time classes of its SOP (`[sop.time_classes]`), beside the
SOP's own step limits (Mutu Baku).

PermenPANRB 62/2018 (Pedoman Pengelolaan Pengaduan Pelayanan Publik Nasional, the rules of SP4N-LAPOR!) and LAPOR!'s
published practice: a report is verified within 3 working days; the agency follows it up within 5 working days, or
within the longer limit of a matter that needs an examination (60 working days, the class "berkadar pengawasan" of
the service standards built on it); a report whose reporter does not answer within 10 working days is closed.
Every value is the SOP's field (the defaults are these), see docs/sop-format.md.

How a case is measured, on the unit's calendar (office days, national holidays and cuti bersama, the unit's days
off; docs/calendar.md):
* verification: from receipt to the entry in the Buku Pengaduan, less the office time the recording step waited
  for the complainant;
* follow-up: from that entry to the answer (the case closed), less the office time the later steps waited for
  the complainant; the examination class when the decision ordered an examination;
* a case closed because the complainant did not reply is counted as such, not as followed up.
A limit is kept when the moment is no later than the limit added to the start on the calendar, moved on by the
office time waited (as a step's deadline moves when its clock resumes).
"""

import math
from dataclasses import dataclass
from datetime import datetime

from pengaduan.workcalendar.calendar import BusinessCalendar
from pengaduan.workcalendar.durations import Duration, DurationUnit, parse_duration

VERIFICATION, FOLLOW_UP, FOLLOW_UP_EXAMINATION, NO_REPLY = (
    "verification", "follow_up", "follow_up_examination", "no_reply")
MEASURES = (VERIFICATION, FOLLOW_UP, FOLLOW_UP_EXAMINATION, NO_REPLY)


def kept(calendar: BusinessCalendar, start: datetime, end: datetime, limit: str | Duration,
         waited_seconds: int = 0) -> bool:
    """Whether `end` is within `limit` (e.g. "5 hari kerja") of `start` on the calendar, the time waited for
    the complainant (office seconds) not counted."""
    duration = parse_duration(limit) if isinstance(limit, str) else limit
    due = calendar.add(start, duration)
    if waited_seconds > 0:
        due = calendar.add(due, Duration(math.ceil(waited_seconds / 60), DurationUnit.MINUTES))
    return end <= due


@dataclass(frozen=True)
class Measured:
    verified_within: bool | None  # None: not verified (never entered in the register)
    follow_up_class: str  # FOLLOW_UP or FOLLOW_UP_EXAMINATION; "" when not followed up
    followed_up_within: bool | None  # None: not followed up (closed without reply, or not answered)
    no_reply: bool


def measure(*, calendar: BusinessCalendar, classes, received_at: datetime, recorded_at: datetime | None,
            ended_at: datetime, answered: bool, examined: bool, waited_recording: int = 0,
            waited_after: int = 0) -> Measured:
    """The time classes of one finished case. `classes`: the SOP's TimeClasses (sop.selectors.time_classes)."""
    verified = None if recorded_at is None else kept(calendar, received_at, recorded_at, classes.verification,
                                                     waited_recording)
    if not answered or recorded_at is None:
        return Measured(verified, "", None, not answered)
    follow_up_class = FOLLOW_UP_EXAMINATION if examined else FOLLOW_UP
    limit = classes.follow_up_examination if examined else classes.follow_up
    return Measured(verified, follow_up_class, kept(calendar, recorded_at, ended_at, limit, waited_after), False)
