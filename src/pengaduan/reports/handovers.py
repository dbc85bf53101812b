"""Forwarded and examined cases of a unit in a period: the figures the periodic report and the evidence pack
print beside the register and SOP compliance.

Forwarded: forwards decided by the unit in the period (to another unit of the install or to a body outside),
with their state today; received: forwards from other units that arrived in the period; still monitored now,
and those among them whose monitoring reminder has gone out at least once (the other side is late).
Examined: `selectors.examination_figures`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Q

from pengaduan.complaints.models import Forward
from pengaduan.reports.periods import Period
from pengaduan.units.models import Unit


@dataclass
class ForwardFigures:
    forwarded: int = 0
    to_units: int = 0
    to_outside: int = 0
    answered: int = 0
    returned: int = 0
    monitoring: int = 0
    received: int = 0  # from other units of the install
    monitored_now: int = 0
    reminded_now: int = 0
    targets: list[tuple[str, int]] | None = None  # where they went, most first


def forward_figures(*, unit: Unit, period: Period, now: datetime) -> ForwardFigures:
    start, end = period.bounds()
    # Both along complaints_forward_out / complaints_forward_in (unit, forwarded_at).
    out = Forward.objects.filter(origin_unit=unit, forwarded_at__gte=start, forwarded_at__lt=end)
    figures = ForwardFigures(**out.aggregate(
        forwarded=Count("pk"),
        to_units=Count("pk", filter=Q(target_unit__isnull=False)),
        to_outside=Count("pk", filter=Q(target_unit__isnull=True)),
        answered=Count("pk", filter=Q(state=Forward.State.ANSWERED)),
        returned=Count("pk", filter=Q(state=Forward.State.RETURNED)),
        monitoring=Count("pk", filter=Q(state=Forward.State.MONITORING)),
    ))
    figures.received = Forward.objects.filter(target_unit=unit, forwarded_at__gte=start, forwarded_at__lt=end).count()
    open_now = Forward.objects.filter(origin_unit=unit, state=Forward.State.MONITORING, forwarded_at__lt=now)
    figures.monitored_now = open_now.count()
    figures.reminded_now = open_now.filter(reminders_sent__gt=0).count()
    targets: dict[str, int] = {}
    for name, outside, n in (out.values_list("target_unit__name", "outside_body")
                             .annotate(n=Count("pk")).values_list("target_unit__name", "outside_body", "n")):
        key = name or outside
        targets[key] = targets.get(key, 0) + n
    figures.targets = sorted(targets.items(), key=lambda item: (-item[1], item[0]))
    return figures
