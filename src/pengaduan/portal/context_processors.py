from django.utils.functional import SimpleLazyObject

from pengaduan.sop.selectors import portal_units_with_loaded_sop
from pengaduan.units.selectors import portal_unit


def _pemda():
    """What the public header names: with several units, the Pemda (the triage unit's government); else the unit."""
    unit = portal_unit()
    if unit is None:
        return ""
    if len(portal_units_with_loaded_sop()) > 1:
        return unit.parent_name or unit.name
    return unit.name


def portal(request):
    """The portal's unit for the public header, looked up only when a template uses it (both kept per process:
    units.stamps)."""
    return {"portal_unit": SimpleLazyObject(portal_unit), "portal_title": SimpleLazyObject(_pemda),
            "portal_many_units": SimpleLazyObject(lambda: len(portal_units_with_loaded_sop()) > 1)}
