"""Reads of loaded SOPs that the layers above share."""

from pengaduan.sop.models import Sop
from pengaduan.units import stamps
from pengaduan.units.models import Unit
from pengaduan.units.selectors import portal_units


def current_sop(unit) -> Sop | None:
    """The newest loaded version of the unit's SOP (the one new complaints start under), or None when the unit's
    SOP is not loaded yet. `unit` is anything with a `sop_code` (a Unit; the SOP layer does not import units)."""
    return Sop.objects.filter(code=unit.sop_code).order_by("-version").first()


_portal_choices = stamps.StampedCache(stamps.UNITS, stamps.SOP)


def portal_units_with_loaded_sop() -> list[Unit]:
    """with_loaded_sop(portal_units()), kept per process (units.stamps): the portal's unit list and its
    complaint form read it on every request. The instances are shared: read them, never change and save them."""
    return _portal_choices.get("portal", lambda: list(with_loaded_sop(portal_units())))


def with_loaded_sop(units):
    """Of `units` (a queryset of units), those whose SOP is loaded: only they can receive a complaint (a unit
    being set up, its sheet not loaded yet, is not offered to citizens)."""
    return units.filter(sop_code__in=Sop.objects.values("code"))


# A forwarded case is followed up after this long when the SOP does not say (`[sop] monitoring_period`).
DEFAULT_MONITORING_PERIOD = "10 hari kerja"


def monitoring_period(sop: Sop):
    """How long a forwarded case waits before its forwarding unit is reminded (a workcalendar Duration)."""
    from pengaduan.workcalendar.durations import parse_duration

    text = (sop.document or {}).get("sop", {}).get("monitoring_period") or DEFAULT_MONITORING_PERIOD
    return parse_duration(text)


def time_classes(sop: Sop):
    """The SOP's LAPOR! time classes and no-reply closing rule (`[sop.time_classes]`, the defaults when absent)."""
    from pengaduan.sop.schema import TimeClasses

    return TimeClasses(**((sop.document or {}).get("sop", {}).get("time_classes") or {}))


def complainant_reminder(sop: Sop):
    """When and how often a complainant who has not answered is reminded (`[sop.complainant_reminder]`)."""
    from pengaduan.sop.schema import ComplainantReminder

    return ComplainantReminder(**((sop.document or {}).get("sop", {}).get("complainant_reminder") or {}))
