"""Reads about units that several layers share: the portal's default (triage) unit and the units it lists."""

from django.conf import settings
from django.db.models import QuerySet

from pengaduan.units.models import Unit


def portal_unit() -> Unit | None:
    """The unit that receives the portal's complaints when the citizen names none: the Pemda's triage unit.

    PORTAL_TRIAGE_UNIT (a unit code) first, then the unit flagged as triage unit, then PORTAL_UNIT (the
    single-unit setting, kept working), else the first unit.
    """
    units = Unit.objects.all()
    for code in (getattr(settings, "PORTAL_TRIAGE_UNIT", ""),):
        if code and (unit := units.filter(code=code).first()) is not None:
            return unit
    if (unit := units.filter(is_triage=True).first()) is not None:
        return unit
    code = getattr(settings, "PORTAL_UNIT", "")
    return (units.filter(code=code).first() if code else None) or units.order_by("pk").first()


triage_unit = portal_unit


def portal_units() -> QuerySet[Unit]:
    """The units a citizen may choose on the portal and in the public API, by name."""
    return Unit.objects.filter(on_portal=True).order_by("name")


def portal_unit_by_code(code: str, units: QuerySet[Unit] | None = None) -> Unit | None:
    """A unit listed on the portal (of `units`, when given), by its code (case-insensitive), or None."""
    code = (code or "").strip()[:32]
    units = portal_units() if units is None else units
    return units.filter(code__iexact=code).first() if code else None
