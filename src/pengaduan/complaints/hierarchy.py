"""Who stands above whom in a unit: the unit head and a performer's superior.

The SOP names performers, not a hierarchy. What the codebase has is the unit's escalation chain
(`Unit.escalation_roles`, by default Sekretaris then Inspektur): the superiors alerted in order when a step
passes its deadline. It is read here as the unit's line of superiors:
- the **unit head** is the unit's own setting (`Unit.head_role`, on the unit's settings page) when it is set,
  else the top of the chain (the last of its roles that the SOP knows); when the chain names none, the setting
  UNIT_HEAD_ROLE. The periodic reports, the evidence pack, register corrections and deadline extensions all ask
  here;
- a performer's **superior** is the next role up the chain; a role outside the chain answers to the chain's
  first role; the head, with nobody above, extends its own deadlines.
"""

from django.conf import settings

from pengaduan.complaints.reminders import DEFAULT_ESCALATION_ROLES
from pengaduan.sop.models import Sop
from pengaduan.units.models import Unit


def chain(unit: Unit, sop: Sop | None) -> list[str]:
    """The unit's escalation roles, lowest first; with `sop`, only those its SOP knows."""
    roles = list(unit.escalation_roles or DEFAULT_ESCALATION_ROLES)
    if sop is None:
        return roles
    known = {role["code"] for role in sop.roles}
    return [role for role in roles if role in known]


def unit_head_role(unit: Unit, sop: Sop | None = None) -> str:
    """The role of the unit head ("" when neither the unit, the chain nor UNIT_HEAD_ROLE names one)."""
    if unit.head_role:
        return unit.head_role
    roles = chain(unit, sop)
    return roles[-1] if roles else getattr(settings, "UNIT_HEAD_ROLE", "")


def superior_role(unit: Unit, sop: Sop, role: str) -> str:
    roles = chain(unit, sop)
    if not roles:
        return unit_head_role(unit, sop)
    if role in roles:
        return roles[min(roles.index(role) + 1, len(roles) - 1)]
    return roles[0]
