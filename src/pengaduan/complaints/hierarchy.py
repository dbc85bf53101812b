"""Who stands above whom in a unit: the unit head and a performer's superior.

The SOP names performers, not a hierarchy. What the codebase has is the unit's escalation chain
(`Unit.escalation_roles`, by default Sekretaris then Inspektur): the superiors alerted in order when a step
passes its deadline. It is read here as the unit's line of superiors:
- the **unit head** is the top of the chain (the last of its roles that the SOP knows); when the chain names
  none, the setting UNIT_HEAD_ROLE;
- a performer's **superior** is the next role up the chain; a role outside the chain answers to the chain's
  first role; the head, with nobody above, extends its own deadlines.
"""

from django.conf import settings

from pengaduan.complaints.reminders import DEFAULT_ESCALATION_ROLES
from pengaduan.sop.models import Sop
from pengaduan.units.models import Unit


def chain(unit: Unit, sop: Sop) -> list[str]:
    known = {role["code"] for role in sop.roles}
    return [role for role in (unit.escalation_roles or list(DEFAULT_ESCALATION_ROLES)) if role in known]


def unit_head_role(unit: Unit, sop: Sop) -> str:
    """The role of the unit head ("" when neither the chain nor UNIT_HEAD_ROLE names one)."""
    roles = chain(unit, sop)
    return roles[-1] if roles else getattr(settings, "UNIT_HEAD_ROLE", "")


def superior_role(unit: Unit, sop: Sop, role: str) -> str:
    roles = chain(unit, sop)
    if not roles:
        return unit_head_role(unit, sop)
    if role in roles:
        return roles[min(roles.index(role) + 1, len(roles) - 1)]
    return roles[0]
