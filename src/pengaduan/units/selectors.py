"""Reads about units that several layers share."""

from django.conf import settings

from pengaduan.units.models import Unit


def portal_unit() -> Unit | None:
    """The unit this portal receives complaints for: PORTAL_UNIT (a unit code), else the first unit."""
    code = getattr(settings, "PORTAL_UNIT", "")
    units = Unit.objects.all()
    return (units.filter(code=code).first() if code else None) or units.order_by("pk").first()
