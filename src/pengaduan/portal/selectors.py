"""What the portal shows of its unit: office hours, the SOP as a service standard; the complainant's files.

A complaint's status as the public reads it is `complaints.page.public_status` (the complaint page's masked part).
"""

from pengaduan.complaints.models import Attachment, Complaint
from pengaduan.complaints.page import public_stage
from pengaduan.sop.selectors import current_sop
from pengaduan.units.models import Unit
from pengaduan.workcalendar.calendar import WEEKDAY_NAMES_ID
from pengaduan.workcalendar.services import calendar_for_unit


def office_hours(unit: Unit) -> list[tuple[str, str]]:
    """(weekday name, "07.30–12.00, 13.00–16.00") for the open weekdays, consecutive equal days merged."""
    calendar = calendar_for_unit(unit)
    rows: list[tuple[list[int], str]] = []
    for weekday in range(7):
        periods = calendar.week[weekday]
        if not periods:
            continue
        text = ", ".join(f"{opens:%H.%M}–{closes:%H.%M}" for opens, closes in periods)
        if rows and rows[-1][1] == text and rows[-1][0][-1] == weekday - 1:
            rows[-1][0].append(weekday)
        else:
            rows.append(([weekday], text))
    names = WEEKDAY_NAMES_ID
    return [(names[days[0]] if len(days) == 1 else f"{names[days[0]]}–{names[days[-1]]}", text) for days, text in rows]


def service_standard(unit: Unit) -> list[dict]:
    """The SOP steps as the unit's promise to the public: who does what, within which time."""
    sop = current_sop(unit)
    if sop is None:
        return []
    return [
        {"number": step.number, "role": sop.role_title(step.performer), "output": step.output,
         "time_limit": step.time_limit_text, "what": public_stage(step.kind)}
        for step in sop.steps.all()
    ]


def complainant_files(complaint: Complaint):
    """The evidence the complainant gave (at intake or in replies): the only files shown on the tracking page."""
    return complaint.attachments.filter(purpose=Attachment.Purpose.EVIDENCE)
