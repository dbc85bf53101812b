"""A complainant recognised across channels: their other complaints, by the same telephone number or e-mail
address (both stored normalised: pengaduan.phones), for the officer on the complaint page.

Never a way round the identity rule (complaints.privacy): the history is read only when the viewer may see this
complaint's complainant, lists only complaints of the units the viewer works in, and shows another complaint only
when the viewer may see *its* complainant too — saying "the same person also sent confidential complaint X" would
reveal X's complainant. A confidential complaint listed is logged as a view of its identity, as on its own page.
Anonymous complaints keep no identity, so they are never found.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import F, Q

from pengaduan.complaints.models import Complainant, Complaint
from pengaduan.complaints.privacy import Identity, identity_for
from pengaduan.complaints.selectors import roles_by_unit

HISTORY_LIMIT = 20


@dataclass(frozen=True)
class PastComplaint:
    complaint: Complaint
    same_phone: bool
    same_email: bool

    @property
    def received_at(self) -> datetime:
        return self.complaint.received_at


def complainant_history(viewer, complaint: Complaint, *, identity: Identity | None,
                        limit: int = HISTORY_LIMIT) -> list[PastComplaint]:
    """The other complaints of `complaint`'s complainant that `viewer` may see, newest first.

    `identity`: what privacy.identity_for gave this viewer for `complaint` (None: hidden, so no history)."""
    if identity is None or complaint.is_anonymous or complaint.complainant_id is None:
        return []
    phone, email = identity.phone.strip(), identity.email.strip().lower()
    if not phone and not email:
        return []
    units = list(roles_by_unit(viewer))
    if not units:
        return []
    # Each term spelt as the partial indexes' condition (complaints_complainant_phone / _email: not empty), so that
    # SQLite uses them: it matches an index's WHERE only as written, and else reads every complainant.
    same = Q(pk__in=[])
    if phone:
        same |= Q(phone=phone) & ~Q(phone="")
    if email:
        same |= Q(email=email) & ~Q(email="")
    people = Complainant.objects.filter(same).values("pk")
    # The person's few complaints are read along the complainant index. The unit is checked on an expression,
    # which no index serves: offered complaints_unit_recent (unit, newest first), SQLite would walk every
    # complaint of the unit to find them.
    newest = list(Complaint.objects.alias(in_unit=F("unit_id") + 0)
                  .filter(complainant_id__in=people, in_unit__in=units, is_anonymous=False)
                  .exclude(pk=complaint.pk).order_by("-received_at", "-pk").values_list("pk", flat=True)[: limit * 3])
    if not newest:
        return []  # most complainants: asked without the joins, a fraction of the cost of building them
    candidates = (Complaint.objects.filter(pk__in=newest).select_related("unit", "sop", "complainant")
                  .order_by("-received_at", "-pk"))
    found = []
    for other in candidates:
        # The one rule, for the other complaint: a confidential complainant only to the roles that may see them.
        if identity_for(viewer, other, where=f"history of complaint {complaint.pk}") is None:
            continue
        person = other.complainant
        found.append(PastComplaint(other, same_phone=bool(phone) and person.phone == phone,
                                   same_email=bool(email) and person.email == email))
        if len(found) >= limit:
            break
    return found
