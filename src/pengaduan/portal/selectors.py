"""What the portal shows of its unit: office hours, the SOP as a service standard; the complainant's files.

A complaint's status as the public reads it is `complaints.page.public_status` (the complaint page's masked part).
"""

from pengaduan.complaints.models import Attachment, Complaint
from pengaduan.complaints.page import public_stage
from pengaduan.sop.selectors import current_sop
from pengaduan.units.models import Unit
from pengaduan.workcalendar.services import office_hours_summary


def office_hours(unit: Unit) -> list[tuple[str, str]]:
    """(weekday name, "07.30–12.00, 13.00–16.00") for the open weekdays, consecutive equal days merged."""
    return office_hours_summary(unit)


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
