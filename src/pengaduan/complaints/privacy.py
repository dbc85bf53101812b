"""Who may see a complainant's identity, and the log of who did.

One rule for every way in (workdesk pages, documents, the JSON API, search): `identity_for` decides and logs.

An anonymous complaint keeps no identity at all: no complainant, no caller's number, no link to the post,
no name of whoever received the answer. A confidential (rahasia) one keeps them, but shows them only to the
roles that need them to do their step; every time they are shown to someone, the access log says who saw
whose identity when and where (UU PDP asks for a processing log; the complainant may ask for it).
An open complaint shows its complainant to every officer of the unit, without a log row.
"""

from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pengaduan.complaints.kinds import kinds
from pengaduan.complaints.models import AccessLog, Complaint
from pengaduan.complaints.selectors import roles_by_unit

# Identity fields kept on the complaint itself (what a channel brings along).
COMPLAINT_IDENTITY_FIELDS = ("caller_number", "source_link")
# Keys of a step's stored output that identify the complainant (the intake's channel details, the name of
# whoever received the answer); masked like the name, and emptied by erasure.
OUTPUT_IDENTITY_FIELDS = ("complainant_name", "complainant_phone", "complainant_email", "complainant_address",
                          "caller_number", "source_link", "recipient")
MASKED = _("(confidential)")


@dataclass(frozen=True)
class Identity:
    """What identifies the complainant of one complaint, as one viewer may see it."""

    name: str = ""
    phone: str = ""
    email: str = ""
    address: str = ""
    caller_number: str = ""
    source_link: str = ""
    notify_by: str = ""  # how the complainant chose to be told (NotifyBy; empty: as the channel answers)

    def as_dict(self) -> dict:
        return {"name": self.name, "phone": self.phone, "email": self.email, "address": self.address,
                "caller_number": self.caller_number, "source_link": self.source_link, "notify_by": self.notify_by}


def sop_identity_roles(sop) -> set[str]:
    """The roles that may see a confidential complainant's identity under this SOP version."""
    configured = sop.document.get("sop", {}).get("confidential_identity_roles")
    if configured is not None:
        return set(configured)
    # The performers of the steps that deal with the complainant directly (kinds that need identity fields).
    identity_kinds = set(kinds.names_having("identity_fields"))
    return {step.performer for step in sop.steps.all() if step.kind in identity_kinds}


def identity_roles(complaint: Complaint) -> set[str]:
    """The roles that may see a confidential complainant's identity under the complaint's SOP version."""
    return sop_identity_roles(complaint.sop)


def _has_identity(complaint: Complaint) -> bool:
    return complaint.complainant_id is not None or any(getattr(complaint, f) for f in COMPLAINT_IDENTITY_FIELDS)


def may_see_identity(user, complaint: Complaint) -> bool:
    """The one rule: officers of the unit see an open complaint's identity; of a confidential one only the
    roles of `identity_roles`; nobody an anonymous one's (there is none to see)."""
    if complaint.is_anonymous or not _has_identity(complaint):
        return False
    roles = roles_by_unit(user).get(complaint.unit_id, set())
    if not roles:
        return False
    return not complaint.is_confidential or bool(roles & identity_roles(complaint))


def log_access(*, user, complaint: Complaint, action: str, where: str = "") -> None:
    AccessLog.objects.create(user=user, complaint=complaint, action=action, where=where[:200], at=timezone.now())


def identity_for(user, complaint: Complaint, *, where: str) -> Identity | None:
    """The complainant's identity for this user, or None when it must stay hidden (or there is none).

    A confidential identity shown is logged (who, which complaint, when, `where`: the page or endpoint)."""
    if not may_see_identity(user, complaint):
        return None
    if complaint.is_confidential:
        log_access(user=user, complaint=complaint, action=AccessLog.Action.VIEW_IDENTITY, where=where)
    person = complaint.complainant
    return Identity(
        name=person.name if person else "", phone=person.phone if person else "",
        email=person.email if person else "", address=person.address if person else "",
        caller_number=complaint.caller_number, source_link=complaint.source_link,
        notify_by=person.notify_by if person else "",
    )


def masked_output(output: dict, *, shown: bool, drop: bool = False) -> dict:
    """A step's stored output (or a form's initial values) as a viewer may see it: identity keys masked (or,
    with `drop`, left out) unless the identity is shown."""
    if shown:
        return output
    return {key: (str(MASKED) if key in OUTPUT_IDENTITY_FIELDS and value else value)
            for key, value in output.items() if not (drop and key in OUTPUT_IDENTITY_FIELDS)}


def channel_details(complaint: Complaint, *, shown: bool) -> list[dict]:
    """What the channel brought along, for the complaint page: the identity details (caller's number, link to
    the post) masked unless the identity is shown."""
    from pengaduan.complaints import channels

    details = channels.describe(complaint)  # in the order of detail_fields, empty ones left out
    names = [name for name in channels.detail_fields() if getattr(complaint, name, None) not in (None, "")]
    return [detail if shown or name not in COMPLAINT_IDENTITY_FIELDS
            else {**detail, "value": str(MASKED), "link": ""}
            for name, detail in zip(names, details)]


def identity_visible_q(user, *, prefix: str = "") -> Q:
    """Complaints (`prefix` "complaint__" from step runs) whose identity `user` may see, as a filter: what
    a search by name may match, so that a masked name cannot be found out by searching."""
    from pengaduan.sop.models import Sop
    from pengaduan.units.models import Unit

    roles = roles_by_unit(user)
    if not roles:
        return Q(pk__in=[])
    confidential_ok = Q(pk__in=[])
    codes = dict(Unit.objects.filter(pk__in=list(roles)).values_list("pk", "sop_code"))
    sops = Sop.objects.filter(code__in=set(codes.values())).prefetch_related("steps")
    for sop in sops:
        allowed = sop_identity_roles(sop)
        units = [unit_id for unit_id, code in codes.items() if code == sop.code and roles[unit_id] & allowed]
        if units:
            confidential_ok |= Q(**{f"{prefix}sop_id": sop.pk, f"{prefix}unit_id__in": units})
    return (Q(**{f"{prefix}unit_id__in": list(roles), f"{prefix}is_anonymous": False})
            & (Q(**{f"{prefix}is_confidential": False}) | confidential_ok))
