"""Who may see a complainant's identity, and the log of who did.

An anonymous complaint keeps no identity at all. A confidential (rahasia) one keeps it, but shows it only
to the roles that need it to do their step; every time it is shown to someone, the access log says who saw
whose identity when (UU PDP asks for a processing log; the complainant may ask for it).
"""

from django.utils import timezone

from pengaduan.complaints.kinds import kinds
from pengaduan.complaints.models import AccessLog, Complaint
from pengaduan.complaints.selectors import roles_by_unit


def identity_roles(complaint: Complaint) -> set[str]:
    """The roles that may see a confidential complainant's identity under the complaint's SOP version."""
    configured = complaint.sop.document.get("sop", {}).get("confidential_identity_roles")
    if configured is not None:
        return set(configured)
    # The performers of the steps that deal with the complainant directly (kinds that need identity fields).
    identity_kinds = set(kinds.names_having("identity_fields"))
    return {step.performer for step in complaint.sop.steps.all() if step.kind in identity_kinds}


def may_see_identity(user, complaint: Complaint) -> bool:
    if complaint.is_anonymous or complaint.complainant_id is None:
        return False
    roles = roles_by_unit(user).get(complaint.unit_id, set())
    if not roles:
        return False
    return not complaint.is_confidential or bool(roles & identity_roles(complaint))


def log_access(*, user, complaint: Complaint, action: str, where: str = "") -> None:
    AccessLog.objects.create(user=user, complaint=complaint, action=action, where=where[:200], at=timezone.now())


def identity_for(user, complaint: Complaint, *, where: str):
    """The complainant for this user, or None when it must stay hidden; a confidential identity shown is logged."""
    if not may_see_identity(user, complaint):
        return None
    if complaint.is_confidential:
        log_access(user=user, complaint=complaint, action=AccessLog.Action.VIEW_IDENTITY, where=where)
    return complaint.complainant
