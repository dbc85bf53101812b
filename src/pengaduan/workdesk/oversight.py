"""The Pemda-wide oversight pages: every unit side by side, and a complaint read-only with the identity masked.

Only for the oversight role (units/oversight.py, docs/oversight.md); anyone else gets a 404 as for another
unit's complaint. Nothing here writes: the pages link to no action, and the workdesk's action views keep acting
only on the complaints of the user's own units.
"""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from pengaduan.complaints import selectors
from pengaduan.complaints.page import complaint_page
from pengaduan.reports import oversight
from pengaduan.reports.periods import Period
from pengaduan.units.models import Unit
from pengaduan.units.oversight import oversees
from pengaduan.workcalendar.services import calendar_for_unit
from pengaduan.workdesk.deadlines import time_left
from pengaduan.workdesk.views import _examination_rows, step_left

UNIT_CASES = 100  # a unit's most urgent open cases listed for the overseer


def _require_oversight(request) -> None:
    if not oversees(request.user):
        raise Http404


def _year(request, today) -> int:
    try:
        year = int(request.GET.get("year") or today.year)
    except ValueError:
        return today.year
    return year if 2000 <= year <= today.year + 1 else today.year


@login_required
def dashboard(request):
    """Open, overdue and forwarded cases per unit; time-limit compliance per unit and step; forwarding."""
    _require_oversight(request)
    now = timezone.now()
    year = _year(request, timezone.localdate())
    period = Period.year(year)
    return render(request, "workdesk/oversight.html", {
        "units": oversight.unit_figures(now=now, period=period),
        "unit_steps": oversight.step_compliance(now=now, period=period),
        "forwarding": oversight.forwarding_overview(),
        "year": year,
        "years": list(range(timezone.localdate().year, timezone.localdate().year - 5, -1)),
        "period": period,
    })


@login_required
def unit_cases(request, code):
    """One unit's open cases, most urgent first, for the oversight role (links to the masked pages)."""
    _require_oversight(request)
    unit = get_object_or_404(Unit, code__iexact=code)
    now = timezone.now()
    runs = list(selectors.unit_open_steps(unit.pk)[:UNIT_CASES])
    calendar = calendar_for_unit(unit)
    rows = [(run, time_left(run, calendar, now)) for run in runs]
    return render(request, "workdesk/oversight_unit.html", {
        "unit": unit, "rows": rows, "shown": UNIT_CASES,
        "examinations": _examination_rows(list(selectors.team_examinations([unit.pk])), now),
    })


@login_required
def complaint(request, pk):
    """A complaint of any unit, read-only, the complainant's identity always masked."""
    _require_oversight(request)
    item = get_object_or_404(oversight.overseen_complaints().select_related("unit", "sop"), pk=pk)
    page = complaint_page(request.user, item, where=request.path, oversight=True)
    now = timezone.now()
    calendar = calendar_for_unit(item.unit)
    examining = item.examinations.filter(submitted_at__isnull=True).values_list("step_run_id", flat=True).first()
    steps = [{
        "step": line.step, "role_title": line.role_title, "run": line.run,
        "left": step_left(line.run, calendar, now, examining) if line.run else None,
        "output_rows": line.output_rows,
    } for line in page.steps]
    return render(request, "workdesk/oversight_complaint.html", {
        "complaint": item, "steps": steps, "current": page.current, "public": page.public,
        "events": selectors.complaint_timeline(item),
        "examinations": _examination_rows(list(item.examinations.select_related(
            "assignee", "ordered_by", "submitted_by", "complaint")), now),
    })
