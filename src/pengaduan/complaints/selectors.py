"""Reads for the workdesk: what waits for whom, a complaint's timeline, the register."""

from collections import defaultdict

from django.db.models import Q, QuerySet

from pengaduan.complaints.models import Complaint, CoordinationRequest, Event, StepRun
from pengaduan.units.models import Membership, Unit


def roles_by_unit(user) -> dict[int, set[str]]:
    roles: dict[int, set[str]] = defaultdict(set)
    if user.is_authenticated:
        for unit_id, role in Membership.objects.filter(user=user).values_list("unit_id", "role"):
            roles[unit_id].add(role)
    return roles


def _unit_role_filter(roles: dict[int, set[str]], unit_field: str, role_field: str) -> Q | None:
    query = None
    for unit_id, unit_roles in roles.items():
        part = Q(**{unit_field: unit_id, f"{role_field}__in": sorted(unit_roles)})
        query = part if query is None else query | part
    return query


def steps_waiting_for(user) -> QuerySet[StepRun]:
    """Open steps whose performer role the user holds in the step's unit, nearest deadline first."""
    query = _unit_role_filter(roles_by_unit(user), "complaint__unit_id", "role")
    if query is None:
        return StepRun.objects.none()
    return (
        StepRun.objects.open()
        .filter(query)
        .select_related("complaint__unit", "complaint__complainant", "step")
        .order_by("due_at", "pk")
    )


def coordination_waiting_for(user) -> QuerySet[CoordinationRequest]:
    query = _unit_role_filter(roles_by_unit(user), "complaint__unit_id", "role")
    if query is None:
        return CoordinationRequest.objects.none()
    return (
        CoordinationRequest.objects.filter(query, answered_at__isnull=True)
        .filter(Q(addressee__isnull=True) | Q(addressee=user))
        .select_related("complaint", "requested_by", "step_run")
        .order_by("requested_at")
    )


def complaints_visible_to(user) -> QuerySet[Complaint]:
    """Staff see the complaints of the units they belong to."""
    return Complaint.objects.filter(unit_id__in=list(roles_by_unit(user)))


def complaint_timeline(complaint: Complaint) -> QuerySet[Event]:
    return complaint.events.select_related("actor").order_by("created_at", "pk")


def register_entries(*, unit: Unit, year: int) -> QuerySet[Complaint]:
    return (
        Complaint.objects.filter(unit=unit, register_year=year)
        .select_related("complainant")
        .order_by("register_seq")
    )


def register_years(unit: Unit) -> list[int]:
    return list(
        Complaint.objects.filter(unit=unit, register_year__isnull=False)
        .values_list("register_year", flat=True).distinct().order_by("-register_year")
    )
