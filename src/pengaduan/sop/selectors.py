"""Reads of loaded SOPs that the layers above share."""

from pengaduan.sop.models import Sop


def current_sop(unit) -> Sop | None:
    """The newest loaded version of the unit's SOP (the one new complaints start under), or None when the unit's
    SOP is not loaded yet. `unit` is anything with a `sop_code` (a Unit; the SOP layer does not import units)."""
    return Sop.objects.filter(code=unit.sop_code).order_by("-version").first()
