"""How figures read in reports: office time, shares and decimals in the active language."""

from __future__ import annotations

from django.utils.formats import number_format
from django.utils.translation import gettext as _


def office_duration(seconds: float | None) -> str:
    """Office time as "45 min" or "16 h 05 min" (Indonesian: "16 jam 05 menit"); "–" when unknown."""
    if seconds is None:
        return "–"
    minutes = int(round(seconds / 60))
    if minutes < 60:
        return _("%(minutes)s min") % {"minutes": minutes}
    hours, minutes = divmod(minutes, 60)
    return _("%(hours)s h %(minutes)02d min") % {"hours": number_format(hours, force_grouping=True),
                                                  "minutes": minutes}


def decimal(value: float | None, places: int = 1) -> str:
    """A number with the active language's decimal separator ("2,5" in Indonesian)."""
    return "–" if value is None else number_format(round(value, places), places, force_grouping=True)


def share(part: int | None, whole: int | None) -> float | None:
    """part / whole as a percentage, None when there is nothing to share."""
    return None if not whole else 100.0 * (part or 0) / whole


def percent(value: float | None, places: int = 1) -> str:
    return "–" if value is None else f"{decimal(value, places)} %"


def count(value: int | None) -> str:
    return number_format(value or 0, force_grouping=True)
