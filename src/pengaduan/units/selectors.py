"""Reads about units that several layers share: the portal's default (triage) unit and the units it lists."""

from collections.abc import Iterable

from django.conf import settings
from django.db.models import QuerySet

from pengaduan.units import stamps
from pengaduan.units.models import Unit

_triage = stamps.StampedCache(stamps.UNITS)
_names = stamps.StampedCache(stamps.UNITS)


def portal_unit() -> Unit | None:
    """The unit that receives the portal's complaints when the citizen names none: the Pemda's triage unit.

    PORTAL_TRIAGE_UNIT (a unit code) first, then the unit flagged as triage unit, then PORTAL_UNIT (the
    single-unit setting, kept working), else the first unit. Kept per process (units.stamps): every public
    request asks. The instance is shared: read it, never change and save it.
    """
    return _triage.get((getattr(settings, "PORTAL_TRIAGE_UNIT", ""), getattr(settings, "PORTAL_UNIT", "")),
                       _find_portal_unit)


def _find_portal_unit() -> Unit | None:
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


def portal_unit_by_code(code: str, units: QuerySet[Unit] | Iterable[Unit] | None = None) -> Unit | None:
    """A unit listed on the portal (of `units`, a queryset or a list, when given), by its code
    (case-insensitive), or None."""
    code = (code or "").strip()[:32]
    if not code:
        return None
    units = portal_units() if units is None else units
    if isinstance(units, QuerySet):
        return units.filter(code__iexact=code).first()
    code = code.casefold()
    return next((unit for unit in units if unit.code.casefold() == code), None)


def unit_names() -> list[tuple[int, str, str]]:
    """(id, code, name) of every unit of this install, by name: what a form offers to forward a complaint to.
    Kept per process (units.stamps): the complaint page of every decision shows the list."""
    return _names.get("all", lambda: list(Unit.objects.order_by("name").values_list("pk", "code", "name")))


_escalation = stamps.StampedCache(stamps.UNITS)


def escalation_roles_by_unit() -> dict[int, list[str]]:
    """Each unit's escalation roles as set (empty: the default), by unit id; kept per process (units.stamps):
    every workdesk page asks whether its user is one of a unit's superiors."""
    return _escalation.get("all", lambda: dict(Unit.objects.values_list("pk", "escalation_roles")))
